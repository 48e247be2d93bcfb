import type { MeterKind, UnitSize } from '../pricing/types.js';
import type { PriceSet } from './priceSet.js';

/** The meter a token kind was priced with, kept in the record's price set so finance can trace every cost. */
export interface AppliedPrice {
  readonly kind: MeterKind;
  readonly meterId: string;
  readonly meterName: string;
  /** Price per `unitSize` tokens after any negotiated override, as a decimal string (exact). */
  readonly unitPrice: string;
  readonly unitSize: UnitSize;
  readonly effectiveStartDate: string;
  /** What override applied, if any: `meter`, `model -12.5%`, `all -10%`. */
  readonly override?: string;
}

export type CostResult =
  | {
      readonly status: 'priced';
      /** Exact cost rounded half-even to nano-units of the currency: the ledger amount. */
      readonly costNanos: number;
      readonly priceSet: PriceSet;
    }
  | { readonly status: 'unpriced'; readonly reason: string }
  /** A provisioned (PTU) deployment: billed per PTU-hour, never per token, so no cost per request. */
  | { readonly status: 'provisioned' };
