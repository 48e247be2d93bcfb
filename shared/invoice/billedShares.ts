import type { Settings } from '../config.js';
import { allocate, type AllocationOptions } from './allocate.js';
import type { InvoiceLine } from './invoiceLine.js';
import { billedKeyOf, joinKeys } from './reconcileKeys.js';
import type { UsageRow } from './usagePort.js';

/** What one app (or the unallocated / idle row) is charged of one billed key. */
export interface BilledShare {
  /** Null for the `(unallocated: …)` and `(idle capacity: …)` rows. */
  readonly appId: string | null;
  readonly label: string;
  readonly kind: 'app' | 'unallocated' | 'idle';
  /** Its share of the key's EffectiveCost: the shares of a key add up to it exactly. */
  readonly effectiveNanos: bigint;
  /** Its share of the key's BilledCost, split with the same weights (also exact). */
  readonly billedNanos: bigint;
}

/** One billed key (resource + meter + UTC day) and how it is charged back. */
export interface KeyAllocation {
  readonly resourceId: string;
  readonly resourceName: string;
  readonly meterId: string;
  readonly meterName: string;
  readonly meterKind: string;
  readonly day: string;
  readonly currency: string;
  readonly effectiveCostNanos: bigint;
  readonly billedCostNanos: bigint;
  readonly shares: readonly BilledShare[];
}

export function allocationOptions(
  s: Pick<Settings, 'UNATTRIBUTED_POLICY' | 'PTU_IDLE_POLICY' | 'PTU_TOKEN_WEIGHTS'>,
): AllocationOptions {
  return {
    unattributed: s.UNATTRIBUTED_POLICY === 'proportional' ? 'proportional' : 'explicit',
    idle: s.PTU_IDLE_POLICY === 'proportional' ? 'proportional' : 'explicit',
    ptuWeights: s.PTU_TOKEN_WEIGHTS,
  };
}

const shareKey = (a: { resourceId: string; meterId: string; day: string; label: string }) =>
  JSON.stringify([a.resourceId, a.meterId, a.day, a.label]);

/**
 * Pure: every billed key with its shares. EffectiveCost and BilledCost are each split by `allocate`
 * with the very same weights, so both columns of the FOCUS export add up to the bill per key.
 */
export function billedShares(
  lines: readonly InvoiceLine[],
  usage: readonly UsageRow[],
  options: AllocationOptions,
): KeyAllocation[] {
  const views = joinKeys(lines, usage).filter((v) => v.billed);
  const effective = allocate(views, options);
  const billed = new Map(allocate(views, options, 'billed').map((a) => [shareKey(a), a.amountNanos]));
  const byKey = new Map<string, BilledShare[]>();
  const add = (key: string, share: BilledShare) => byKey.set(key, [...(byKey.get(key) ?? []), share]);
  for (const a of effective) {
    const k = shareKey(a);
    add(billedKeyOf(a), {
      appId: a.appId,
      label: a.label,
      kind: kindOf(a.appId, a.label),
      effectiveNanos: a.amountNanos,
      billedNanos: billed.get(k) ?? 0n,
    });
    billed.delete(k);
  }
  // A share with BilledCost but no EffectiveCost (e.g. a refund row that only moved BilledCost).
  for (const [k, amount] of billed) {
    const [resourceId = '', meterId = '', day = '', label = ''] = JSON.parse(k) as string[];
    const appId = label.startsWith('(') ? null : label;
    add(billedKeyOf({ resourceId, meterId, day }), {
      appId,
      label,
      kind: kindOf(appId, label),
      effectiveNanos: 0n,
      billedNanos: amount,
    });
  }
  return views.map((v) => {
    const shares = byKey.get(billedKeyOf(v)) ?? [];
    // The key's amounts are its shares' sums: the bill's own figure, unless the bill has digits
    // finer than a nano-unit, when the month is rounded once (see `allocate`), not each key.
    return {
      resourceId: v.resourceId,
      resourceName: v.resourceName,
      meterId: v.meterId,
      meterName: v.meterName,
      meterKind: v.meterKind ?? '',
      day: v.day,
      currency: v.currency ?? '',
      effectiveCostNanos: shares.reduce((sum, s) => sum + s.effectiveNanos, 0n),
      billedCostNanos: shares.reduce((sum, s) => sum + s.billedNanos, 0n),
      shares,
    };
  });
}

function kindOf(appId: string | null, label: string): BilledShare['kind'] {
  if (appId !== null) return 'app';
  return label.startsWith('(idle capacity') ? 'idle' : 'unallocated';
}
