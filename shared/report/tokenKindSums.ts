import { TOKEN_KIND_FIELDS, type TokenKinds } from '../events/types.js';

/**
 * Per-kind sums of audio and image tokens, only the kinds that occur: no field at all while there are
 * none, so text-only rollups and reports stay as they were.
 */
export function sumKinds(a: TokenKinds | undefined, b: TokenKinds | undefined): { tokenKinds?: TokenKinds } {
  if (b === undefined) return a === undefined ? {} : { tokenKinds: a };
  const sum: { -readonly [K in keyof TokenKinds]: number } = { ...a };
  for (const kind of TOKEN_KIND_FIELDS) {
    const n = b[kind] ?? 0;
    if (n > 0) sum[kind] = (sum[kind] ?? 0) + n;
  }
  return Object.keys(sum).length === 0 ? {} : { tokenKinds: sum };
}

/** Audio tokens in and out, and image tokens in and out: what the page shows beside the requests. */
export function audioAndImageTokens(kinds: TokenKinds | undefined): { audio: number; image: number } {
  return {
    audio: (kinds?.audioInput ?? 0) + (kinds?.audioOutput ?? 0),
    image: (kinds?.imageInput ?? 0) + (kinds?.imageOutput ?? 0),
  };
}
