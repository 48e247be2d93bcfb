import type { UnitSize } from '../pricing/types.js';
import { divideHalfEven } from './money.js';

export interface TokenPrice {
  /** Price per `unitSize` tokens (or images) in integer atto-units. */
  readonly atto: bigint;
  readonly unitSize: UnitSize;
}

export interface PricedTokens {
  readonly promptTokens: number;
  readonly cachedTokens: number;
  readonly completionTokens: number;
}

/** A count of one token kind (or of images) and the price it is billed at. */
export interface PricedPart {
  readonly tokens: number;
  readonly price: TokenPrice;
}

const ATTO_PER_NANO_PER_MILLION = 10n ** 9n * 1_000_000n;

/**
 * cost = Σ tokens × price over the parts, exactly. Every price is brought to per-million tokens
 * (exact: 1000 divides 1e6), summed as integers, and rounded once to nano-units.
 */
export function costNanosOfParts(parts: readonly PricedPart[]): bigint {
  let total = 0n;
  for (const part of parts) {
    total += BigInt(part.tokens) * part.price.atto * BigInt(1_000_000 / part.price.unitSize);
  }
  return divideHalfEven(total, ATTO_PER_NANO_PER_MILLION);
}

/**
 * Text only: (prompt − cached) × input + cached × cachedInput + completion × output.
 * Reasoning tokens are already inside `completionTokens`.
 */
export function computeCostNanos(
  tokens: PricedTokens,
  input: TokenPrice,
  cachedInput: TokenPrice | undefined,
  output: TokenPrice | undefined,
): bigint {
  const parts: PricedPart[] = [
    { tokens: tokens.promptTokens - tokens.cachedTokens, price: input },
    { tokens: tokens.cachedTokens, price: cachedInput ?? input },
  ];
  if (tokens.completionTokens > 0) {
    if (output === undefined) throw new RangeError('completion tokens need an output price');
    parts.push({ tokens: tokens.completionTokens, price: output });
  }
  return costNanosOfParts(parts);
}
