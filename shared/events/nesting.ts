/**
 * A usage event is at most four levels deep (`usage.prompt_tokens_details.cached_tokens`). Anything
 * far deeper is not one, and must be refused before recursive code (canonical JSON for the id) meets
 * it: that would overflow the stack at a depth that depends on the caller, so the same event could be
 * recorded on one delivery and crash another. This check is iterative, so its answer never varies.
 */
export const MAX_EVENT_DEPTH = 32;

export function nestedDeeperThan(value: unknown, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  // Only objects and arrays are pushed, and keys are walked in place: an event's many scalars cost no allocation.
  const stack: { value: object; depth: number }[] = [{ value, depth: 0 }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    if (next.depth >= limit) return true;
    const node = next.value as Record<string, unknown>;
    for (const key in node) {
      if (!Object.hasOwn(node, key)) continue;
      const child = node[key];
      if (typeof child === 'object' && child !== null) stack.push({ value: child, depth: next.depth + 1 });
    }
  }
  return false;
}
