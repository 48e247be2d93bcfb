import type { CostResult } from '../../shared/cost/types.js';

/** A priced result's cost and its price set as `kind meterName unitPrice/unitSize` lines; throws otherwise. */
export function priced(cost: CostResult): { costNanos: number; lines: string[] } {
  if (cost.status !== 'priced') throw new Error(`expected priced, got ${JSON.stringify(cost)}`);
  return {
    costNanos: cost.costNanos,
    lines: cost.priceSet.prices.map((p) => `${p.kind} ${p.meterName} ${p.unitPrice}/${p.unitSize}`),
  };
}

/** An unpriced result's reason; throws otherwise. */
export function reason(cost: CostResult): string {
  if (cost.status !== 'unpriced') throw new Error(`expected unpriced, got ${JSON.stringify(cost)}`);
  return cost.reason;
}
