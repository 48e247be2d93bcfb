import { divideHalfEven } from './money.js';

export interface TokenPrice {
  /** Price per `unitSize` tokens in integer atto-units. */
  readonly atto: bigint;
  readonly unitSize: 1000 | 1000000;
}

export interface PricedTokens {
  readonly promptTokens: number;
  readonly cachedTokens: number;
  readonly completionTokens: number;
}

const ATTO_PER_NANO_PER_MILLION = 10n ** 9n * 1_000_000n;

/**
 * cost = (prompt − cached) × input + cached × cachedInput + completion × output, exactly.
 * Every price is brought to per-million tokens (exact: 1000 divides 1e6), summed as integers,
 * and rounded once to nano-units. Reasoning tokens are already inside `completionTokens`.
 */
export function computeCostNanos(
  tokens: PricedTokens,
  input: TokenPrice,
  cachedInput: TokenPrice | undefined,
  output: TokenPrice | undefined,
): bigint {
  const perMillion = (price: TokenPrice) => price.atto * BigInt(1_000_000 / price.unitSize);
  const uncached = BigInt(tokens.promptTokens - tokens.cachedTokens);
  let total = uncached * perMillion(input);
  total += BigInt(tokens.cachedTokens) * perMillion(cachedInput ?? input);
  if (tokens.completionTokens > 0) {
    if (output === undefined) throw new RangeError('completion tokens need an output price');
    total += BigInt(tokens.completionTokens) * perMillion(output);
  }
  return divideHalfEven(total, ATTO_PER_NANO_PER_MILLION);
}
