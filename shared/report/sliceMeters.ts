import { divideHalfEven, toAtto } from '../cost/money.js';
import { tokenParts } from '../cost/tokenParts.js';
import type { ImageFacts, TokenKinds } from '../events/types.js';
import { CACHED_FALLBACK } from '../pricing/pricer.js';
import { TOKEN_KINDS, type MeterKind, type TokenKind } from '../pricing/types.js';

/**
 * What allocation needs of a slice beyond its totals (issue 16): the units recorded on each meter,
 * with their list-price estimate, and the traffic on provisioned (PTU) deployments. Kept apart from
 * `rollUp`'s own sums so the reconciliation reads rollups, never every record.
 */
export interface SliceMeter {
  /** Retail meter id as the price set names it. */
  readonly meterId: string;
  readonly kind: MeterKind;
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
  readonly kind?: MeterKind;
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
  /** Audio and image tokens (issue 15): taken out of the text totals, counted on their own meters. */
  readonly tokenKinds?: TokenKinds | null;
  /** A DALL-E call's images: what its per-image meter counts. */
  readonly images?: ImageFacts | null;
}

const NANO_TIMES_MILLION = 10n ** 9n * 1_000_000n;

interface MeterSum {
  meterId: string;
  kind: MeterKind;
  units: number;
  /** Atto-units per million tokens × tokens: exact until the final rounding. */
  exact: bigint;
}

const isTokenKind = (kind: MeterKind): kind is TokenKind => (TOKEN_KINDS as readonly string[]).includes(kind);

/**
 * The units the pricer billed on a meter of this kind: the disjoint token parts (shared/cost/tokenParts.ts),
 * plus a cached kind that had no meter of its own and so was priced at this one; images for DALL-E.
 */
function unitsOf(r: MeteredRecord, kind: MeterKind, kinds: ReadonlySet<MeterKind>): number {
  if (!isTokenKind(kind)) return r.images?.count ?? 0;
  const parts = tokenParts(r);
  let units = parts[kind];
  for (const [cached, base] of Object.entries(CACHED_FALLBACK) as [TokenKind, TokenKind][]) {
    if (base === kind && !kinds.has(cached)) units += parts[cached];
  }
  return units;
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
    const kinds = new Set(prices.flatMap((p) => (p.kind === undefined ? [] : [p.kind])));
    for (const price of prices) {
      if (price.kind === undefined) continue;
      const units = unitsOf(r, price.kind, kinds);
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
