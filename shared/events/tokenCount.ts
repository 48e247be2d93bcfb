import { z } from 'zod';

/** No single call comes near this; a larger value is corruption, and would break exact cost math. */
export const MAX_TOKENS_PER_FIELD = 100_000_000;

export const tokenCount = z
  .number({ error: (issue) => `must be a number, got ${describe(issue.input)}` })
  .int('must be a whole number of tokens')
  .nonnegative('must not be negative')
  .max(MAX_TOKENS_PER_FIELD, `must be at most ${MAX_TOKENS_PER_FIELD}`);

/** The seed policy logs every value as a string: `"14"`. Numbers are accepted too. */
export const tokenCountString = z.union([
  z
    .string()
    .regex(/^\d{1,9}$/, 'must be a whole, non-negative number of tokens written as digits')
    .transform(Number)
    .pipe(tokenCount),
  tokenCount,
]);

/** A `*_tokens` detail that the service may send as null (see aoai_chat_usage_o1_cached_reasoning). */
export const optionalTokenCount = tokenCount.nullish().transform((value) => value ?? 0);

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 40 ? 'a long string' : `the string "${value}"`;
  return typeof value;
}
