/**
 * A lone UTF-16 surrogate (`"\ud800"`) is valid JSON but not Unicode: it cannot be URI-encoded, so
 * in a document id or a query it breaks every later request that meets it. With the `u` flag a
 * surrogate pair is one code point, so only unpaired halves match `\p{Cs}`.
 */
const LONE_SURROGATE = /\p{Cs}/u;

export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

export const NOT_UNICODE_PROBLEM = 'must be valid Unicode text (it holds a lone UTF-16 surrogate)';
