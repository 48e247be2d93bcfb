/** The business unit named by a service-principal tag such as `businessUnit:HR` (prefix configurable). */
export function businessUnitFromTags(tags: readonly string[], prefix: string): string | null {
  const lower = prefix.toLowerCase();
  for (const tag of tags) {
    if (tag.toLowerCase().startsWith(lower)) {
      const unit = tag.slice(prefix.length).trim();
      if (unit !== '') return unit;
    }
  }
  return null;
}
