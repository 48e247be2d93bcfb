import type { Classification } from './classify.js';
import type { ReconcileRow } from './runReconcile.js';

export const CLASSIFICATIONS: readonly Classification[] = [
  'matched',
  'unattributed usage',
  'over-recorded',
  'price variance',
  'no records',
  'not billed yet',
];

/** One resource's reconciliation: how many of its keys fell in each class, and its money both ways. */
export interface ResourceReconciliation {
  readonly resourceId: string;
  readonly resourceName: string;
  readonly keys: number;
  readonly byClass: Readonly<Record<Classification, number>>;
  /** The list-price estimate of what was recorded on the resource's keys. */
  readonly estimateNanos: bigint;
  /** The bill: EffectiveCost and BilledCost of its keys. */
  readonly effectiveCostNanos: bigint;
  readonly billedCostNanos: bigint;
}

/** Pure: the per-key reconciliation summed per resource, sorted by billed cost, largest first. */
export function reconcileByResource(rows: readonly ReconcileRow[]): ResourceReconciliation[] {
  const out = new Map<
    string,
    { -readonly [K in keyof ResourceReconciliation]: ResourceReconciliation[K] } & {
      byClass: Record<Classification, number>;
    }
  >();
  for (const row of rows) {
    let r = out.get(row.resourceId);
    if (r === undefined) {
      r = {
        resourceId: row.resourceId,
        resourceName: row.resourceName,
        keys: 0,
        byClass: Object.fromEntries(CLASSIFICATIONS.map((c) => [c, 0])) as Record<Classification, number>,
        estimateNanos: 0n,
        effectiveCostNanos: 0n,
        billedCostNanos: 0n,
      };
      out.set(row.resourceId, r);
    }
    r.keys += 1;
    r.byClass[row.classification] += 1;
    r.estimateNanos += row.estimateNanos;
    r.effectiveCostNanos += row.effectiveCostNanos;
    r.billedCostNanos += row.billedCostNanos;
  }
  return [...out.values()].sort((a, b) =>
    a.effectiveCostNanos === b.effectiveCostNanos
      ? a.resourceName.localeCompare(b.resourceName)
      : a.effectiveCostNanos > b.effectiveCostNanos
        ? -1
        : 1,
  );
}
