import type { DeploymentType } from '../events/types.js';
import type { CapacityKind } from './capacityMeter.js';
import type { CapacityPrice } from './capacityPrices.js';

export interface CapacityQuery {
  readonly kind: CapacityKind;
  readonly deploymentType: DeploymentType;
  readonly region: string;
  /** The base model family, for hosting; ignored for PTU. */
  readonly family: string | null;
}

export type CapacityLookup =
  { readonly ok: true; readonly price: CapacityPrice } | { readonly ok: false; readonly reason: string };

/** `Provisioned Managed global in eastus`, `gpt-4.1-ft hosting global in eastus`: what a reason names. */
export function describeCapacity(query: CapacityQuery): string {
  const what =
    query.kind === 'provisioned' ? 'provisioned (PTU)' : `${query.family ?? '(unknown model)'}-ft hosting`;
  return `${what} ${query.deploymentType} in ${query.region}`;
}

/**
 * Pure: the hourly price in force at `at` (ms), by the token book's rule: the latest
 * `effectiveStartDate` at or before it, not past its `effectiveEndDate`. Two meters starting together
 * at different prices are ambiguous, never picked between by catalog order.
 */
export function capacityPriceAt(
  prices: readonly CapacityPrice[],
  query: CapacityQuery,
  at: number,
): CapacityLookup {
  const label = describeCapacity(query);
  const rows = prices.filter(
    (p) =>
      p.kind === query.kind &&
      p.deploymentType === query.deploymentType &&
      p.region === query.region &&
      (query.kind === 'provisioned' || p.family === query.family),
  );
  if (rows.length === 0) return { ok: false, reason: `no hourly price for ${label}` };
  const started = rows
    .filter((p) => Date.parse(p.effectiveStartDate) <= at)
    .sort((a, b) => b.effectiveStartDate.localeCompare(a.effectiveStartDate));
  const found = started[0];
  if (found === undefined) return { ok: false, reason: `no hourly price for ${label} in force yet` };
  if (found.effectiveEndDate !== null && at > Date.parse(found.effectiveEndDate))
    return { ok: false, reason: `the hourly price for ${label} ended ${found.effectiveEndDate}` };
  const rivals = started.filter(
    (p) =>
      p.effectiveStartDate === found.effectiveStartDate &&
      p.meterId !== found.meterId &&
      p.retailPrice !== found.retailPrice &&
      (p.effectiveEndDate === null || at <= Date.parse(p.effectiveEndDate)),
  );
  if (rivals.length > 0) {
    const names = [found, ...rivals].map((p) => `${p.meterName} (${p.retailPrice})`).join(', ');
    return { ok: false, reason: `ambiguous hourly price for ${label}: ${names}` };
  }
  return { ok: true, price: found };
}
