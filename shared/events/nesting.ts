/**
 * A usage event is at most four levels deep (`usage.prompt_tokens_details.cached_tokens`). Anything
 * far deeper is not one, and must be refused before recursive code (JSON.stringify for a spill or a
 * dead letter, canonical JSON for the id, zod) meets it: that would overflow the stack at a depth that
 * depends on the caller, so the same event could be recorded on one delivery and crash another, or
 * take a whole batch down with it. These checks are iterative, so their answer never varies.
 */
export const MAX_EVENT_DEPTH = 32;

/**
 * Objects and arrays an event may hold: a 64 KB body has fewer values than this (`[0,0,…]` is two
 * bytes a value), so an object body that passes can still be serialized and size-checked cheaply.
 */
export const MAX_EVENT_NODES = 40_000;

export function nestedDeeperThan(value: unknown, limit: number): boolean {
  return exceedsBounds(value, limit, Number.POSITIVE_INFINITY) === 'depth';
}

/** Which bound a value breaks, if any: nesting `depth`, or the number of values (`nodes`). */
export function exceedsBounds(
  value: unknown,
  maxDepth: number,
  maxNodes: number,
): 'depth' | 'nodes' | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  // Only objects and arrays are pushed, and keys are walked in place: an event's many scalars cost no allocation.
  const stack: { value: object; depth: number }[] = [{ value, depth: 0 }];
  let nodes = 0;
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    if (next.depth >= maxDepth) return 'depth';
    const node = next.value as Record<string, unknown>;
    for (const key in node) {
      if (!Object.hasOwn(node, key)) continue;
      if (++nodes > maxNodes) return 'nodes';
      const child = node[key];
      if (typeof child === 'object' && child !== null) stack.push({ value: child, depth: next.depth + 1 });
    }
  }
  return undefined;
}

/**
 * A bounded, iterative text standing for a value too deep or too large to serialize: what its dead
 * letter id is hashed from, so two different hostile bodies do not share one dead letter.
 */
export function boundedFingerprint(value: unknown, maxChars = 64 * 1024): string {
  const parts: string[] = [];
  let length = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && length < maxChars) {
    const next = stack.pop();
    let part: string;
    if (typeof next === 'object' && next !== null) {
      const keys = Object.keys(next);
      part = Array.isArray(next) ? `[${keys.length}` : `{${keys.join(',')}`;
      for (let i = keys.length - 1; i >= 0; i--) stack.push((next as Record<string, unknown>)[keys[i] ?? '']);
    } else {
      part = typeof next === 'string' ? JSON.stringify(next.slice(0, 256)) : String(next);
    }
    parts.push(part);
    length += part.length + 1;
  }
  return parts.join(' ');
}
