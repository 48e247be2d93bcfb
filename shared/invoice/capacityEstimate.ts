import { toAtto, divideHalfEven } from '../cost/money.js';
import type { DeploymentType } from '../events/types.js';
import type { DatedPeriod } from '../inventory/datedPeriods.js';
import { skuSemantics } from '../inventory/skuTable.js';
import type { CapacityKind } from '../pricing/capacityMeter.js';
import { capacityPriceAt } from '../pricing/capacityPriceAt.js';
import type { CapacityPrice } from '../pricing/capacityPrices.js';
import { versionFromModelName } from '../pricing/modelFamily.js';

// Provisioned deployments are charged per PTU and hour, "prorated based on the number of minutes it
// was deployed during the hour" (learn.microsoft.com, Azure OpenAI provisioned throughput onboarding,
// "Hourly usage"; a size change adjusts the charge from then on). So the estimate counts whole UTC
// minutes: each end of a period is taken to its minute (floor), and a day's charge is
// units × minutes × hourly price / 60. Fine-tuned hosting is charged per deployment and hour, "an
// hourly cost regardless of whether you're actively using it" (Azure OpenAI, "Plan to manage costs");
// Microsoft says nothing of partial hours there, so the same proration is assumed.

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const NANOS_PER_ATTO_MINUTE_HOUR = 60n * 10n ** 9n;

interface LineFacts {
  readonly resourceId: string;
  readonly resourceName: string;
  readonly deployment: string;
  /** UTC day, `YYYY-MM-DD`. */
  readonly day: string;
  readonly kind: CapacityKind;
  readonly sku: string;
  /** Minutes of the day charged (all of the deployment's periods on this meter and price). */
  readonly minutes: number;
  /** Units × minutes: PTU-minutes for provisioned, deployment-minutes for hosting. */
  readonly unitMinutes: bigint;
}

/** One deployment's capacity on one UTC day: priced, or unpriced with the reason (never 0). */
export type CapacityLine = LineFacts &
  (
    | {
        readonly status: 'priced';
        readonly meterId: string;
        readonly meterName: string;
        readonly currency: string;
        /** Per unit and hour, exact decimal text. */
        readonly unitPrice: string;
        /** units × minutes × unitPrice / 60, rounded once, half-even, to nano-units. */
        readonly costNanos: bigint;
      }
    | { readonly status: 'unpriced'; readonly reason: string }
  );

type Charge =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'charged';
      readonly capacity: CapacityKind;
      readonly deploymentType: DeploymentType;
      readonly family: string | null;
      readonly units: bigint;
    }
  | { readonly kind: 'unpriced'; readonly capacity: CapacityKind; readonly reason: string };

/** The base family of a fine-tuned model (`gpt-4.1-2025-04-14.ft-5d9c…` → `gpt-4.1`); null otherwise. */
function fineTunedBase(modelName: string | null): string | null {
  if (modelName === null || !/\.ft-/i.test(modelName)) return null;
  return versionFromModelName(modelName).family.replace(/-ft$/, '');
}

/**
 * What a deployment state is charged per hour. A provisioned SKU: its PTUs, fine-tuned or not (PTU
 * replaces the hosting fee). A fine-tuned model on any other SKU: one hosting hour per hour, except
 * the Developer tier, which has no hosting fee. Anything else costs per token, not per hour.
 */
function chargeOf(period: DatedPeriod): Charge {
  const sku = skuSemantics(period.sku);
  const base = fineTunedBase(period.modelName);
  if (sku.known && sku.pricingClass === 'provisioned') {
    if (period.capacity === null || !Number.isSafeInteger(period.capacity) || period.capacity <= 0)
      return {
        kind: 'unpriced',
        capacity: 'provisioned',
        reason: `${period.deployment}: ARM gives no PTU capacity for ${period.sku}`,
      };
    const units = BigInt(period.capacity);
    return {
      kind: 'charged',
      capacity: 'provisioned',
      deploymentType: sku.deploymentType,
      family: null,
      units,
    };
  }
  if (base === null) {
    return !sku.known && /provisioned/i.test(period.sku)
      ? { kind: 'unpriced', capacity: 'provisioned', reason: `${period.deployment}: ${sku.reason}` }
      : { kind: 'none' };
  }
  if (/^developer/i.test(period.sku)) return { kind: 'none' };
  if (!sku.known || sku.pricingClass !== 'perToken')
    return {
      kind: 'unpriced',
      capacity: 'ftHosting',
      reason: `${period.deployment}: no hosting rule for fine-tuned SKU "${period.sku}"`,
    };
  return {
    kind: 'charged',
    capacity: 'ftHosting',
    deploymentType: sku.deploymentType,
    family: base,
    units: 1n,
  };
}

export interface EstimateOptions {
  /** UTC days to estimate, `YYYY-MM-DD`. */
  readonly days: readonly string[];
  /** Nothing after this instant (ms) is charged: the month-to-date view stops at now. */
  readonly until?: number;
}

interface Sum {
  facts: Omit<LineFacts, 'minutes' | 'unitMinutes'>;
  minutes: number;
  unitMinutes: bigint;
  /** Exact atto-unit-minutes: unit-minutes × hourly price; divided by 60 once, at the end. */
  attoMinutes: bigint;
  price?: CapacityPrice;
  reason?: string;
}

/**
 * Pure: per resource, deployment and UTC day, the hours each deployment existed × its capacity × the
 * hourly PTU price, or × the hourly hosting price for a fine-tuned deployment. A deployment whose
 * price (or capacity) is unknown gives an `unpriced` line with the reason. One line per deployment,
 * day and price; periods of the same deployment at the same price (a capacity change) are added up
 * exactly and rounded once.
 */
export function estimateCapacity(
  periods: readonly DatedPeriod[],
  prices: readonly CapacityPrice[],
  options: EstimateOptions,
): CapacityLine[] {
  const sums = new Map<string, Sum>();
  const until = options.until ?? Number.POSITIVE_INFINITY;
  for (const period of periods) {
    const charge = chargeOf(period);
    if (charge.kind === 'none') continue;
    const from = Date.parse(period.from);
    const to = period.to === null ? Number.POSITIVE_INFINITY : Date.parse(period.to);
    for (const day of options.days) {
      const dayStart = Date.parse(`${day}T00:00:00Z`);
      const start = Math.max(from, dayStart);
      const end = Math.min(to, dayStart + DAY_MS, until);
      const minutes = Math.floor(end / MINUTE_MS) - Math.floor(start / MINUTE_MS);
      if (!(minutes > 0)) continue;
      const facts = {
        resourceId: period.resourceId,
        resourceName: period.resourceName,
        deployment: period.deployment,
        day,
        kind: charge.capacity,
        sku: period.sku,
      };
      const units = charge.kind === 'charged' ? charge.units : 1n;
      let lookup: { price: CapacityPrice } | { reason: string };
      if (charge.kind === 'unpriced') lookup = { reason: charge.reason };
      else {
        const query = {
          kind: charge.capacity,
          deploymentType: charge.deploymentType,
          region: period.region,
          family: charge.family,
        };
        const found = capacityPriceAt(prices, query, start);
        lookup = found.ok ? { price: found.price } : { reason: `${period.deployment}: ${found.reason}` };
      }
      const key = JSON.stringify([
        period.resourceId,
        period.deployment,
        day,
        'price' in lookup ? [lookup.price.meterId, lookup.price.retailPrice] : lookup.reason,
      ]);
      const sum = sums.get(key) ?? { facts, minutes: 0, unitMinutes: 0n, attoMinutes: 0n, ...lookup };
      sum.minutes += minutes;
      sum.unitMinutes += units * BigInt(minutes);
      if ('price' in lookup) sum.attoMinutes += units * BigInt(minutes) * toAtto(lookup.price.retailPrice);
      sums.set(key, sum);
    }
  }
  const lines = [...sums.values()].map((s): CapacityLine => {
    const base = { ...s.facts, minutes: s.minutes, unitMinutes: s.unitMinutes };
    if (s.price === undefined) return { ...base, status: 'unpriced', reason: s.reason ?? 'no hourly price' };
    return {
      ...base,
      status: 'priced',
      meterId: s.price.meterId,
      meterName: s.price.meterName,
      currency: s.price.currency,
      unitPrice: s.price.retailPrice,
      costNanos: divideHalfEven(s.attoMinutes, NANOS_PER_ATTO_MINUTE_HOUR),
    };
  });
  return lines.sort(
    (a, b) =>
      a.day.localeCompare(b.day) ||
      a.resourceId.localeCompare(b.resourceId) ||
      a.deployment.localeCompare(b.deployment),
  );
}
