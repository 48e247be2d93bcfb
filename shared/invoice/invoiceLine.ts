import { createHash } from 'node:crypto';

import { attoToDecimal, divideHalfEven } from '../cost/money.js';
import type { BilledRow } from './focusRow.js';
import type { MeterKind } from './meterKind.js';

export const ATTO_PER_NANO = 10n ** 9n;

/** A line's exact EffectiveCost and BilledCost in atto-units. */
export const exactAtto = (l: InvoiceLine): { effective: bigint; billed: bigint } => ({
  effective: l.effectiveCostAtto ?? l.effectiveCostNanos * ATTO_PER_NANO,
  billed: l.billedCostAtto ?? l.billedCostNanos * ATTO_PER_NANO,
});

/**
 * What the bill says for one key: resource + meter + UTC day, within one invoice month. A
 * correction billed in a later month keeps its own line (same key, later `billingPeriod`), so
 * re-importing either month never wipes the other.
 */
export interface InvoiceLine {
  readonly billingPeriod: string;
  readonly resourceId: string;
  readonly resourceName: string;
  readonly meterId: string;
  readonly meterName: string;
  readonly meterKind: MeterKind;
  readonly day: string;
  readonly currency: string;
  /** Consumed units as an exact decimal string (tokens, images or unit-hours). */
  readonly quantity: string;
  /** Amounts rounded once, half-even, to integer nano-units of the billing currency. */
  readonly effectiveCostNanos: bigint;
  readonly billedCostNanos: bigint;
  readonly listCostNanos: bigint | null;
  /**
   * The exact sums in atto-units, for amounts finer than a nano-unit: the allocation rounds the
   * month once instead of once per key. Absent (lines stored before) means the nano-units are exact.
   */
  readonly effectiveCostAtto?: bigint;
  readonly billedCostAtto?: bigint;
  /** How many of the rows were `ChargeClass = Correction`. */
  readonly correctionRows: number;
  readonly rows: number;
  /** True when a reservation covered part of it (EffectiveCost is amortized, BilledCost 0). */
  readonly reservation: boolean;
}

export const lineKey = (l: {
  billingPeriod: string;
  resourceId: string;
  meterId: string;
  day: string;
}): string => `${l.billingPeriod}|${l.resourceId}|${l.meterId}|${l.day}`;

/** Cosmos ids cannot hold `/`, and ARM ids are long: the id is a hash of the key. */
export const lineId = (key: string): string => createHash('sha256').update(key).digest('hex').slice(0, 40);

interface Sum {
  first: BilledRow;
  quantity: bigint;
  effective: bigint;
  billed: bigint;
  list: bigint | null;
  corrections: number;
  rows: number;
  reservation: boolean;
}

/** Adds rows up per key in atto-units and rounds each sum once. Memory grows with keys, not rows. */
export class LineAccumulator {
  private readonly sums = new Map<string, Sum>();

  add(row: BilledRow): void {
    const key = lineKey(row);
    const sum = this.sums.get(key);
    if (sum === undefined) {
      this.sums.set(key, {
        first: row,
        quantity: row.quantityAtto,
        effective: row.effectiveAtto,
        billed: row.billedAtto,
        list: row.listAtto,
        corrections: row.correction ? 1 : 0,
        rows: 1,
        reservation: row.commitmentDiscountId !== null,
      });
      return;
    }
    if (sum.first.currency !== row.currency)
      throw new Error(`${key}: rows in both ${sum.first.currency} and ${row.currency}`);
    sum.quantity += row.quantityAtto;
    sum.effective += row.effectiveAtto;
    sum.billed += row.billedAtto;
    sum.list = sum.list === null || row.listAtto === null ? null : sum.list + row.listAtto;
    sum.corrections += row.correction ? 1 : 0;
    sum.rows += 1;
    sum.reservation ||= row.commitmentDiscountId !== null;
  }

  /** The invoice months seen so far. */
  periods(): Set<string> {
    return new Set([...this.sums.values()].map((s) => s.first.billingPeriod));
  }

  lines(): InvoiceLine[] {
    return [...this.sums.values()].map((s) => ({
      billingPeriod: s.first.billingPeriod,
      resourceId: s.first.resourceId,
      resourceName: s.first.resourceName,
      meterId: s.first.meterId,
      meterName: s.first.meterName,
      meterKind: s.first.meterKind,
      day: s.first.day,
      currency: s.first.currency,
      quantity: attoToDecimal(s.quantity),
      effectiveCostNanos: divideHalfEven(s.effective, ATTO_PER_NANO),
      billedCostNanos: divideHalfEven(s.billed, ATTO_PER_NANO),
      listCostNanos: s.list === null ? null : divideHalfEven(s.list, ATTO_PER_NANO),
      effectiveCostAtto: s.effective,
      billedCostAtto: s.billed,
      correctionRows: s.corrections,
      rows: s.rows,
      reservation: s.reservation,
    }));
  }
}
