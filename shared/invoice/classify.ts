import { isCapacity } from './meterKind.js';
import type { KeyView } from './reconcileKeys.js';

export type Classification =
  'matched' | 'unattributed usage' | 'over-recorded' | 'price variance' | 'no records' | 'not billed yet';

/** Within `percent` of `reference` (both ways); a zero reference only matches zero. */
export function within(value: bigint, reference: bigint, percent: number): boolean {
  const gap = value > reference ? value - reference : reference - value;
  const abs = reference < 0n ? -reference : reference;
  // percent with up to 4 decimals, in integers: gap / |reference| <= percent / 100.
  const scaled = BigInt(Math.round(percent * 10_000));
  return gap * 1_000_000n <= abs * scaled;
}

export const recordedUnits = (view: KeyView): bigint => view.usage.reduce((sum, r) => sum + r.units, 0n);
export const estimateNanos = (view: KeyView): bigint =>
  view.usage.reduce((sum, r) => sum + r.estimateNanos, 0n);

/**
 * Tokens first, then money: a key whose units agree but whose EffectiveCost differs from the
 * estimate is a price variance (negotiated prices, a late price change). Capacity keys are billed
 * per hour whatever the traffic, so they only ask whether anyone used the capacity that day.
 */
export function classify(view: KeyView, tolerancePercent: number): Classification {
  const recorded = recordedUnits(view);
  if (!view.billed) return 'not billed yet';
  if (view.usage.length === 0 || (recorded === 0n && !isCapacityView(view))) return 'no records';
  if (isCapacityView(view)) return 'matched';
  if (!within(recorded, view.billedUnits, tolerancePercent))
    return view.billedUnits > recorded ? 'unattributed usage' : 'over-recorded';
  return within(estimateNanos(view), view.effectiveCostNanos, tolerancePercent)
    ? 'matched'
    : 'price variance';
}

const isCapacityView = (view: KeyView): boolean => view.meterKind !== undefined && isCapacity(view.meterKind);
