import { canonicalJson, sha256 } from '../events/idempotencyKey.js';
import type { AppliedPrice } from './types.js';

/**
 * The meters one cost was computed with, stored once in `prices` and named by every record that used
 * them. A day's traffic uses a few dozen distinct sets, so naming them by id instead of inline keeps a
 * record under 1 KB (README, "Record schema").
 */
export interface PriceSet {
  /** Content hash: the same meters, prices and overrides always give the same id. */
  readonly id: string;
  readonly currency: string;
  readonly prices: readonly AppliedPrice[];
}

/** 64 bits of SHA-256: a collision needs ~4 billion distinct sets, and a book makes thousands at most. */
const ID_HEX_CHARS = 16;
export const PRICE_SET_ID = /^[0-9a-f]{16}$/;

export function priceSetOf(currency: string, prices: readonly AppliedPrice[]): PriceSet {
  return { id: sha256(canonicalJson({ currency, prices })).slice(0, ID_HEX_CHARS), currency, prices };
}
