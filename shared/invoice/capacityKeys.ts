import { attoToDecimal, divideHalfEven } from '../cost/money.js';
import type { AllocationOptions } from './allocate.js';
import { billedShares, type KeyAllocation } from './billedShares.js';
import type { CapacityLine } from './capacityEstimate.js';
import type { InvoiceLine } from './invoiceLine.js';
import type { UsageRow } from './usagePort.js';

const ATTO = 10n ** 18n;

type PricedLine = Extract<CapacityLine, { status: 'priced' }>;

/**
 * The priced estimate lines as the bill would show them: one line per resource, meter and UTC day
 * (the bill's own key), the deployments of a key added up. EffectiveCost, BilledCost and ListCost
 * are all the list-price estimate.
 */
export function estimateAsBillLines(lines: readonly CapacityLine[]): InvoiceLine[] {
  const keys = new Map<string, { first: PricedLine; unitMinutes: bigint; nanos: bigint; rows: number }>();
  for (const line of lines) {
    if (line.status !== 'priced') continue;
    const key = JSON.stringify([line.resourceId, line.meterId, line.day]);
    const found = keys.get(key);
    if (found === undefined)
      keys.set(key, { first: line, unitMinutes: line.unitMinutes, nanos: line.costNanos, rows: 1 });
    else {
      found.unitMinutes += line.unitMinutes;
      found.nanos += line.costNanos;
      found.rows += 1;
    }
  }
  return [...keys.values()].map(({ first, unitMinutes, nanos, rows }) => ({
    billingPeriod: first.day.slice(0, 7),
    resourceId: first.resourceId,
    resourceName: first.resourceName,
    meterId: first.meterId,
    meterName: first.meterName,
    meterKind: first.kind,
    day: first.day,
    currency: first.currency,
    // Unit-hours, as the bill counts them (rounded to the book's 18 decimals: a third of an hour is not exact).
    quantity: attoToDecimal(divideHalfEven(unitMinutes * ATTO, 60n)),
    effectiveCostNanos: nanos,
    billedCostNanos: nanos,
    listCostNanos: nanos,
    correctionRows: 0,
    rows,
    reservation: false,
  }));
}

/**
 * Pure: the capacity estimate allocated exactly as a bill would be (`billedShares`, so the same
 * PTU_TOKEN_WEIGHTS, idle policy and largest-remainder step): to the apps that used the resource's
 * provisioned (or fine-tuned) deployments that day, the unused hours to `(idle capacity: …)`.
 */
export function allocateCapacityEstimate(
  lines: readonly CapacityLine[],
  usage: readonly UsageRow[],
  options: AllocationOptions,
): KeyAllocation[] {
  return billedShares(estimateAsBillLines(lines), usage, options);
}
