import { z } from 'zod';

/** No single call comes near this; a larger value is corruption, and would break exact cost math. */
export const MAX_TOKENS_PER_FIELD = 100_000_000;

export const tokenCount = z
  .number({ error: (issue) => `must be a number, got ${describe(issue.input)}` })
  .int('must be a whole number of tokens')
  // abort: a negative count must not reach the cross-field checks ("0 cached tokens exceed -3").
  .nonnegative({ error: 'must not be negative', abort: true })
  .max(MAX_TOKENS_PER_FIELD, `must be at most ${MAX_TOKENS_PER_FIELD}`);

// One union-level message: zod's default for a failed union is a bare "Invalid input".
/** The seed policy logs every value as a string: `"14"`. Numbers are accepted too. */
export const tokenCountString = z
  .union(
    [
      z
        .string()
        .regex(/^\d{1,9}$/)
        .transform(Number),
      z.number(),
    ],
    {
      error: (issue) =>
        issue.input === undefined
          ? 'is required'
          : `must be a whole, non-negative number of tokens (digits), got ${describe(issue.input)}`,
    },
  )
  .pipe(tokenCount);

/** A `*_tokens` detail that the service may send as null (see aoai_chat_usage_o1_cached_reasoning). */
export const optionalTokenCount = tokenCount.nullish().transform((value) => value ?? 0);

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 40 ? 'a long string' : `the string "${value}"`;
  return typeof value;
}
