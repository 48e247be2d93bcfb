import { divideHalfEven, toAtto } from '../cost/money.js';
import type { TokenKind } from '../pricing/types.js';

/**
 * What allocation needs of a slice beyond its totals (issue 16): the units recorded on each meter,
 * with their list-price estimate, and the traffic on provisioned (PTU) deployments. Kept apart from
 * `rollUp`'s own sums so the reconciliation reads rollups, never every record.
 */
export interface SliceMeter {
  /** Retail meter id as the price set names it. */
  readonly meterId: string;
  readonly kind: TokenKind;
  /** Tokens recorded on the meter (input excludes cached tokens when a cached meter priced them). */
  readonly units: number;
  /** The list-price estimate of those units: exact sum, rounded once half-even to nano-units. */
  readonly estimateNanos: bigint;
}

/** Requests on a provisioned deployment: no per-request cost, billed per PTU-hour. */
export interface SliceProvisioned {
  readonly requests: number;
  readonly promptTokens: number;
  readonly cachedTokens: number;
  readonly completionTokens: number;
  /** Bit h set when a request started in UTC hour h (bit 0 = 00:00). */
  readonly activeHourMask: number;
}

/** A price-set entry as rollups read it: older inline prices may carry only the meter id. */
export interface MeterPrice {
  readonly meterId: string;
  readonly kind?: TokenKind;
  readonly unitPrice?: string;
  readonly unitSize?: number;
}

/** The record fields the accumulator reads. */
export interface MeteredRecord {
  readonly promptTokens: number;
  readonly cachedTokens: number;
  readonly completionTokens: number;
  readonly costNanos: number | null;
  readonly costStatus?: string;
  readonly eventTime?: string;
}

const NANO_TIMES_MILLION = 10n ** 9n * 1_000_000n;

interface MeterSum {
  meterId: string;
  kind: TokenKind;
  units: number;
  /** Atto-units per million tokens × tokens: exact until the final rounding. */
  exact: bigint;
}

function unitsOf(r: MeteredRecord, kind: TokenKind, hasCached: boolean): number {
  if (kind === 'output') return r.completionTokens;
  if (kind === 'cachedInput') return r.cachedTokens;
  return hasCached ? r.promptTokens - r.cachedTokens : r.promptTokens;
}

function hourBit(eventTime: string | undefined): number {
  const hour = eventTime === undefined ? NaN : new Date(eventTime).getUTCHours();
  return Number.isInteger(hour) ? 1 << hour : 0;
}

/** One slice's meters and provisioned traffic, fed record by record; order never matters. */
export class SliceMeterSums {
  private readonly meters = new Map<string, MeterSum>();
  private provisioned: SliceProvisioned | undefined;

  add(r: MeteredRecord, prices: readonly MeterPrice[]): void {
    if (r.costStatus === 'provisioned') {
      const p = this.provisioned;
      this.provisioned = {
        requests: (p?.requests ?? 0) + 1,
        promptTokens: (p?.promptTokens ?? 0) + r.promptTokens,
        cachedTokens: (p?.cachedTokens ?? 0) + r.cachedTokens,
        completionTokens: (p?.completionTokens ?? 0) + r.completionTokens,
        activeHourMask: (p?.activeHourMask ?? 0) | hourBit(r.eventTime),
      };
      return;
    }
    if (r.costNanos === null) return;
    const hasCached = prices.some((p) => p.kind === 'cachedInput');
    for (const price of prices) {
      if (price.kind === undefined) continue;
      const units = unitsOf(r, price.kind, hasCached);
      if (units === 0) continue;
      const key = JSON.stringify([price.meterId, price.kind]);
      const sum = this.meters.get(key) ?? { meterId: price.meterId, kind: price.kind, units: 0, exact: 0n };
      sum.units += units;
      if (price.unitPrice !== undefined && price.unitSize !== undefined)
        sum.exact += BigInt(units) * toAtto(price.unitPrice) * BigInt(1_000_000 / price.unitSize);
      this.meters.set(key, sum);
    }
  }

  /** Sorted by meter id then kind, so equal inputs give equal documents. */
  meterList(): SliceMeter[] {
    return [...this.meters.values()]
      .map((m) => ({
        meterId: m.meterId,
        kind: m.kind,
        units: m.units,
        estimateNanos: divideHalfEven(m.exact, NANO_TIMES_MILLION),
      }))
      .sort((a, b) =>
        a.meterId === b.meterId ? a.kind.localeCompare(b.kind) : a.meterId < b.meterId ? -1 : 1,
      );
  }

  provisionedTraffic(): SliceProvisioned | undefined {
    return this.provisioned;
  }
}
