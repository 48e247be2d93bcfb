import type { CapacityLine } from '../invoice/capacityEstimate.js';
import type { BasisSlice } from './billedSlices.js';

/** The row of a resource's capacity whose hourly cost the estimate cannot give. */
export const unpricedCapacityLabel = (resourceName: string) => `(unpriced capacity: ${resourceName})`;

/**
 * Pure: one row per resource and day for the capacity the estimate could not price (no hourly price,
 * no PTU capacity, an unknown SKU), so the gap is visible in every grouping and never reads as 0.
 * Each deployment-day counts as one unpriced item (the row has no requests of its own), which makes
 * the row `unpriced` (cost n/a) and the total `partial`; the reasons name the deployments.
 */
export function unpricedCapacitySlices(lines: readonly CapacityLine[]): BasisSlice[] {
  const rows = new Map<string, { line: CapacityLine; count: number; reasons: Set<string> }>();
  for (const line of lines) {
    if (line.status !== 'unpriced') continue;
    const key = JSON.stringify([line.resourceId, line.day]);
    const row = rows.get(key) ?? { line, count: 0, reasons: new Set<string>() };
    row.count += 1;
    row.reasons.add(line.reason);
    rows.set(key, row);
  }
  return [...rows.values()].map(({ line, count, reasons }) => {
    const label = unpricedCapacityLabel(line.resourceName);
    return {
      day: line.day,
      appId: label,
      appDisplayName: label,
      businessUnit: label,
      model: label,
      deploymentType: line.kind,
      requests: 0,
      promptTokens: 0,
      cachedTokens: 0,
      completionTokens: 0,
      reasoningTokens: 0,
      totalTokens: 0,
      costNanos: 0n,
      unpricedRequests: 0,
      unpricedCapacityDays: count,
      unpricedReasons: [...reasons].sort(),
      resourceId: line.resourceId,
      estimated: true,
      estimateNanos: 0n,
      billedCostNanos: 0n,
    };
  });
}
