import type { CapacityLine } from './capacityEstimate.js';
import type { UsageRow } from './usagePort.js';

/**
 * Pure: provisioned traffic on a day the estimate has no PTU line for its resource. The records say
 * the capacity existed (they matched a provisioned deployment), but the inventory cannot date it
 * (no ARM createdAt, and the traffic predates the refresh that first saw it): its cost is unknown,
 * so it becomes an unpriced line rather than nothing.
 */
export function undatedProvisioned(
  lines: readonly CapacityLine[],
  usage: readonly UsageRow[],
  days: readonly string[],
): CapacityLine[] {
  const estimated = new Set(days);
  const covered = new Set(
    lines.filter((l) => l.kind === 'provisioned').map((l) => JSON.stringify([l.resourceId, l.day])),
  );
  const out = new Map<string, CapacityLine>();
  for (const row of usage) {
    const key = JSON.stringify([row.resourceId, row.day]);
    if (row.basis !== 'provisioned' || !estimated.has(row.day) || covered.has(key) || out.has(key)) continue;
    const resourceName = row.resourceId.split('/').pop() ?? row.resourceId;
    out.set(key, {
      resourceId: row.resourceId,
      resourceName,
      deployment: '(provisioned traffic)',
      day: row.day,
      kind: 'provisioned',
      sku: '(unknown)',
      minutes: 0,
      unitMinutes: 0n,
      status: 'unpriced',
      reason: `provisioned requests on ${resourceName}, but the inventory dates no PTU deployment of it that day`,
    });
  }
  return [...out.values()];
}
