import type { TokenPrice } from '../cost/computeCost.js';
import type { NormalizedUsage } from '../events/types.js';
import type { TokenKind } from './types.js';

/** Per kind of input: its input meter and its cached meter (or the input one, the README's fallback). */
const KINDS = [
  { name: 'text', input: 'input', cached: 'cachedInput' },
  { name: 'audio', input: 'audioInput', cached: 'cachedAudioInput' },
  { name: 'image', input: 'imageInput', cached: 'cachedImageInput' },
] as const satisfies readonly { name: string; input: TokenKind; cached: TokenKind }[];

/** Atto-units per 10⁶ tokens: every unit size (100, 1K, 1M) divides it, so prices compare exactly. */
const perMillion = (p: TokenPrice): bigint => p.atto * (1_000_000n / BigInt(p.unitSize));

/**
 * Cached tokens the usage did not split by kind (`cachedUnsplit`) are priced only when no split can
 * change the cost: when every kind that could hold a varying share of them is discounted by the same
 * amount for being cached (no cached meter at all, say, so each falls back to its input price).
 * Otherwise the reason names the missing fact. `price` gives a kind's effective price, or undefined
 * when it has no meter (the caller then reports that kind as missing).
 */
export function unsplitCachedProblem(
  usage: Pick<NormalizedUsage, 'promptTokens' | 'tokenKinds'>,
  family: string,
  price: (kind: TokenKind) => TokenPrice | undefined,
): string | undefined {
  const unsplit = usage.tokenKinds?.cachedUnsplit ?? 0;
  if (unsplit === 0) return undefined;
  const audio = usage.tokenKinds?.audioInput ?? 0;
  const image = usage.tokenKinds?.imageInput ?? 0;
  const counts = { text: usage.promptTokens - audio - image, audio, image };
  const total = counts.text + audio + image;
  // A kind's share is forced when the others cannot hold the rest, or it holds none of them.
  const varying = KINDS.filter((k) => {
    const lower = Math.max(0, unsplit - (total - counts[k.name]));
    const upper = Math.min(counts[k.name], unsplit);
    return lower < upper;
  });
  const discounts = new Set<bigint>();
  for (const k of varying) {
    const input = price(k.input);
    const cached = price(k.cached) ?? input;
    if (input === undefined || cached === undefined) return undefined;
    discounts.add(perMillion(input) - perMillion(cached));
  }
  if (discounts.size <= 1) return undefined;
  return (
    `${unsplit} cached tokens are not split by kind (${varying.map((k) => k.name).join(', ')}) and ` +
    `${family}'s cached meters discount those kinds differently: the usage must carry cached_tokens_details`
  );
}
