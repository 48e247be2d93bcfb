import type { PriceOverrides } from '../config.js';
import { attoToDecimal, divideHalfEven, toAtto } from '../cost/money.js';
import type { PriceRow } from './priceBook.js';

export interface EffectivePrice {
  readonly atto: bigint;
  /** What negotiated rate applied, for the record; undefined for the retail price. */
  readonly override?: string;
}

const PERCENT_SCALE = 1_000_000n;

/**
 * Negotiated rates, most specific first: a meter's replacement price, then a model-family
 * discount, then the overall discount. A replacement is already the negotiated price, so no
 * discount applies on top of it.
 */
export function effectivePrice(row: PriceRow, overrides: PriceOverrides | undefined): EffectivePrice {
  const retail = toAtto(row.retailPrice);
  if (overrides === undefined) return { atto: retail };
  const replacement = overrides.meters?.[row.meterId];
  if (replacement !== undefined && Object.hasOwn(overrides.meters ?? {}, row.meterId)) {
    return { atto: toAtto(replacement), override: `meter ${attoToDecimal(toAtto(replacement))}` };
  }
  const byModel = overrides.discountPercentByModel;
  if (byModel !== undefined && Object.hasOwn(byModel, row.family)) {
    const percent = byModel[row.family] ?? 0;
    return { atto: discount(retail, percent), override: `${row.family} -${percent}%` };
  }
  if (overrides.discountPercent !== undefined) {
    return {
      atto: discount(retail, overrides.discountPercent),
      override: `all -${overrides.discountPercent}%`,
    };
  }
  return { atto: retail };
}

function discount(atto: bigint, percent: number): bigint {
  // (100 − percent) with six decimals of the percent kept exactly.
  const keep = 100n * PERCENT_SCALE - toAtto(percent) / 10n ** 12n;
  return divideHalfEven(atto * keep, PERCENT_SCALE * 100n);
}
