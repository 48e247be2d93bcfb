import { isFineTuned } from '../pricing/modelFamily.js';
import { largestRemainder } from '../invoice/largestRemainder.js';
import type { KeyAllocation } from '../invoice/billedShares.js';
import type { UsageSlice } from './types.js';

/** A slice on the chosen basis: its cost is billed (allocated) or still the estimate. */
export type BasisSlice = UsageSlice & {
  /**
   * True when the cost is an estimate: no imported bill covers the day (or its meters). On such a day
   * the cost includes the slice's share of the capacity estimate (PTU, fine-tuned hosting).
   */
  readonly estimated: boolean;
  /**
   * The list-price estimate of the same requests, per request (0 for the unallocated and idle rows):
   * what the estimate basis shows for them, so the two bases can be set side by side.
   */
  readonly estimateNanos: bigint;
  /** The share of the bill's BilledCost (the allocation's second column); the estimate when estimated. */
  readonly billedCostNanos: bigint;
};

const groupKey = (appId: string, day: string, resourceId: string) => JSON.stringify([appId, day, resourceId]);

interface Target {
  readonly slice: UsageSlice;
  /** Shares of estimated keys (a day no bill covers) add to the slice's estimate; billed ones replace it. */
  readonly estimated: boolean;
  effective: bigint;
  billed: bigint;
  hit: boolean;
}

/** How much of a billed key a slice of the same app, day and resource used: the split's weight. */
function weightOn(slice: UsageSlice, key: KeyAllocation): bigint {
  if (key.meterKind === 'provisioned') {
    const p = slice.provisioned;
    return p === undefined ? 0n : BigInt(p.promptTokens + p.completionTokens);
  }
  if (key.meterKind === 'ftHosting') return isFineTuned(slice.model) ? BigInt(slice.totalTokens) : 0n;
  const meterId = key.meterId.toLowerCase();
  return (slice.meters ?? [])
    .filter((m) => m.meterId.toLowerCase() === meterId)
    .reduce((sum, m) => sum + BigInt(m.units), 0n);
}

function syntheticSlice(label: string, key: KeyAllocation, appId?: string): UsageSlice {
  return {
    day: key.day,
    appId: appId ?? label,
    appDisplayName: appId === undefined ? label : null,
    businessUnit: appId === undefined ? label : null,
    model: appId === undefined ? label : `(billed: ${key.meterName})`,
    deploymentType: key.meterKind,
    requests: 0,
    promptTokens: 0,
    cachedTokens: 0,
    completionTokens: 0,
    reasoningTokens: 0,
    totalTokens: 0,
    costNanos: 0n,
    unpricedRequests: 0,
    resourceId: key.resourceId,
    meterIds: [key.meterId],
  };
}

/**
 * Pure: the slices on the billed basis. On a day an imported bill covers, each app's allocated
 * shares replace the estimate of the slices that used the key's meter (or its provisioned or
 * fine-tuned capacity), split over them by units with a largest-remainder step, so the money stays
 * exact; the unallocated and idle shares become rows of their own. Every other slice, and one that
 * no billed key touches, keeps its estimate and says so (`estimated`). `estimated` keys (the
 * capacity estimate, allocated like a bill) count only on days no bill covers: their app shares are
 * added to the slices' estimates the same way, their idle shares become estimated rows.
 */
export function billedSlices(
  slices: readonly UsageSlice[],
  allocations: { readonly keys: readonly KeyAllocation[]; readonly billedDays: readonly string[] },
  estimated: readonly KeyAllocation[] = [],
): BasisSlice[] {
  const billedDays = new Set(allocations.billedDays);
  // A bill, once imported, is the whole truth for its day: the estimate never adds to it.
  const estimatedKeys = estimated.filter((k) => !billedDays.has(k.day));
  const estimatedDays = new Set(estimatedKeys.map((k) => k.day));
  const targets = new Map<string, Target[]>();
  const all: Target[] = [];
  for (const slice of slices) {
    const t: Target = { slice, estimated: !billedDays.has(slice.day), effective: 0n, billed: 0n, hit: false };
    all.push(t);
    if (slice.resourceId && (billedDays.has(slice.day) || estimatedDays.has(slice.day))) {
      const k = groupKey(slice.appId, slice.day, slice.resourceId.toLowerCase());
      targets.set(k, [...(targets.get(k) ?? []), t]);
    }
  }
  const extra = new Map<string, Target>();
  const extraSlice = (id: string, make: () => UsageSlice): Target => {
    const found = extra.get(id);
    if (found !== undefined) return found;
    const slice = make();
    const t: Target = { slice, estimated: !billedDays.has(slice.day), effective: 0n, billed: 0n, hit: true };
    extra.set(id, t);
    return t;
  };
  for (const key of [...allocations.keys, ...estimatedKeys])
    for (const share of key.shares) {
      if (share.appId === null) {
        const t = extraSlice(JSON.stringify([share.label, key.day, key.resourceId]), () =>
          syntheticSlice(share.label, key),
        );
        t.effective += share.effectiveNanos;
        t.billed += share.billedNanos;
        continue;
      }
      const candidates = (targets.get(groupKey(share.appId, key.day, key.resourceId.toLowerCase())) ?? [])
        .map((t) => ({ t, w: weightOn(t.slice, key) }))
        .filter(({ w }) => w > 0n);
      if (candidates.length === 0) {
        // Usage came from elsewhere (`--usage`, or rollups changed since the allocation): still charged.
        const appId = share.appId;
        const t = extraSlice(JSON.stringify([appId, key.day, key.resourceId, key.meterId]), () =>
          syntheticSlice(appId, key, appId),
        );
        t.effective += share.effectiveNanos;
        t.billed += share.billedNanos;
        continue;
      }
      const weights = candidates.map(({ w }) => w);
      const effective = largestRemainder(share.effectiveNanos, weights);
      const billed = largestRemainder(share.billedNanos, weights);
      candidates.forEach(({ t }, i) => {
        t.effective += effective[i] ?? 0n;
        t.billed += billed[i] ?? 0n;
        t.hit = true;
      });
    }
  return [...all, ...extra.values()].map(({ slice, estimated: onEstimate, effective, billed, hit }) => {
    if (!hit)
      return { ...slice, estimated: true, estimateNanos: slice.costNanos, billedCostNanos: slice.costNanos };
    if (!onEstimate)
      return {
        ...slice,
        costNanos: effective,
        estimated: false,
        estimateNanos: slice.costNanos,
        billedCostNanos: billed,
      };
    return {
      ...slice,
      costNanos: slice.costNanos + effective,
      estimated: true,
      estimateNanos: slice.costNanos,
      billedCostNanos: slice.costNanos + billed,
    };
  });
}
