import { nanosToCents, nanosToDecimal } from '../cost/money.js';
import type { BasisSlice } from './billedSlices.js';
import { sumKinds } from './tokenKindSums.js';
import type {
  BilledColumns,
  Pricing,
  Report,
  ReportGrouping,
  ReportRow,
  RowChange,
  UsageAmounts,
  UsageSlice,
} from './types.js';

export const NO_BUSINESS_UNIT = '(none)';

const ZERO: UsageAmounts = {
  requests: 0,
  promptTokens: 0,
  cachedTokens: 0,
  completionTokens: 0,
  reasoningTokens: 0,
  totalTokens: 0,
  costNanos: 0n,
  unpricedRequests: 0,
};

/** A slice counts its provisioned traffic in `provisioned`; summed amounts in `provisionedRequests`. */
function provisionedOf(a: UsageAmounts & { readonly provisioned?: { readonly requests: number } }): number {
  return a.provisionedRequests ?? a.provisioned?.requests ?? 0;
}

export function addAmounts(a: UsageAmounts, b: UsageAmounts): UsageAmounts {
  const provisioned = provisionedOf(a) + provisionedOf(b);
  const capacityDays = (a.unpricedCapacityDays ?? 0) + (b.unpricedCapacityDays ?? 0);
  return {
    requests: a.requests + b.requests,
    promptTokens: a.promptTokens + b.promptTokens,
    cachedTokens: a.cachedTokens + b.cachedTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
    totalTokens: a.totalTokens + b.totalTokens,
    costNanos: a.costNanos + b.costNanos,
    unpricedRequests: a.unpricedRequests + b.unpricedRequests,
    ...(provisioned === 0 ? {} : { provisionedRequests: provisioned }),
    ...(capacityDays === 0 ? {} : { unpricedCapacityDays: capacityDays }),
    ...sumKinds(a.tokenKinds, b.tokenKinds),
  };
}

/**
 * No request and no capacity day unpriced: priced (an empty group costs a true 0). Every request
 * unpriced, or only unpriced capacity and no money: the cost is unknown. Anything between: partial.
 */
export function pricingOf(amounts: UsageAmounts): Pricing {
  if (amounts.unpricedRequests === 0 && (amounts.unpricedCapacityDays ?? 0) === 0) return 'priced';
  if (amounts.requests > 0) return amounts.unpricedRequests >= amounts.requests ? 'unpriced' : 'partial';
  return amounts.costNanos === 0n ? 'unpriced' : 'partial';
}

/** The exact cost, or null when nothing in the group was priced: unknown is never 0. */
export function knownCost(amounts: UsageAmounts): bigint | null {
  return pricingOf(amounts) === 'unpriced' ? null : amounts.costNanos;
}

/** (current − previous) / previous in percent, one decimal, rounded half away from zero. */
export function changePercent(changeNanos: bigint, previousNanos: bigint): string | null {
  if (previousNanos <= 0n) return null;
  const tenths =
    (changeNanos * 2000n + (changeNanos < 0n ? -previousNanos : previousNanos)) / (2n * previousNanos);
  const abs = tenths < 0n ? -tenths : tenths;
  // The sign follows the change, so a drop that rounds to nothing still reads as a drop (-0.0).
  return `${changeNanos < 0n ? '-' : ''}${abs / 10n}.${abs % 10n}`;
}

export function rowChange(current: UsageAmounts, previous: UsageAmounts): RowChange {
  const now = knownCost(current);
  const before = knownCost(previous);
  const changeNanos = now === null || before === null ? null : now - before;
  return {
    previousCostNanos: previous.costNanos,
    previousCost: before === null ? null : nanosToDecimal(before),
    previousPricing: pricingOf(previous),
    previousRequests: previous.requests,
    changeNanos,
    change: changeNanos === null ? null : nanosToDecimal(changeNanos),
    changePercent: changeNanos === null || before === null ? null : changePercent(changeNanos, before),
  };
}

export interface ReportOptions {
  readonly by: ReportGrouping | readonly ReportGrouping[];
  readonly from: string;
  readonly to: string;
  readonly currency: string;
  readonly overrides?: ReadonlyMap<string, string>;
  /** The period just before and its slices: each row then carries its change. */
  readonly previous?: { readonly from: string; readonly to: string; readonly slices: readonly UsageSlice[] };
  /** `billed`: the slices are `BasisSlice`s; rows then carry the estimate and their estimated days. */
  readonly basis?: 'estimate' | 'billed';
}

interface BilledSums {
  estimateNanos: bigint;
  billedCostNanos: bigint;
  estimatedDays: Set<string>;
}

const isBasisSlice = (s: UsageSlice): s is BasisSlice => 'estimated' in s;

function addBilled(sums: BilledSums, slice: UsageSlice): void {
  if (!isBasisSlice(slice)) return;
  sums.estimateNanos += slice.estimateNanos;
  sums.billedCostNanos += slice.billedCostNanos;
  // Only money that is an estimate makes a day estimated: priced requests, or a capacity estimate (an
  // idle row has no requests). Not unpriced requests alone: their cost is unknown either way.
  if (slice.estimated && (slice.requests > slice.unpricedRequests || slice.costNanos !== 0n))
    sums.estimatedDays.add(slice.day);
}

function billedColumns(sums: BilledSums): BilledColumns {
  return {
    estimate: nanosToDecimal(sums.estimateNanos),
    estimateNanos: sums.estimateNanos,
    billedCost: nanosToDecimal(sums.billedCostNanos),
    estimatedDays: [...sums.estimatedDays].sort(),
  };
}

const noBilled = (): BilledSums => ({ estimateNanos: 0n, billedCostNanos: 0n, estimatedDays: new Set() });

interface Group {
  readonly keys: readonly string[];
  amounts: UsageAmounts;
  previous: UsageAmounts;
  name: string | null;
  unit: string | null;
  billed: BilledSums;
}

/**
 * Pure: slices → one row per group (one or two groupings), most expensive first, plus the total.
 * Sums stay in integer nano-units; only the displayed cost is rounded, once, to the cent. Business
 * units come from finance's current overrides first, so a re-mapped app moves in every report at once.
 */
export function buildReport(slices: readonly UsageSlice[], options: ReportOptions): Report {
  const by: readonly ReportGrouping[] = typeof options.by === 'string' ? [options.by] : options.by;
  const groups = new Map<string, Group>();
  const add = (slice: UsageSlice, side: 'amounts' | 'previous') => {
    const unit = options.overrides?.get(slice.appId) ?? slice.businessUnit;
    const keys = by.map((d) =>
      d === 'app' ? slice.appId : d === 'model' ? slice.model : (unit ?? NO_BUSINESS_UNIT),
    );
    const id = JSON.stringify(keys);
    const group = groups.get(id) ?? {
      keys,
      amounts: ZERO,
      previous: ZERO,
      name: null,
      unit: null,
      billed: noBilled(),
    };
    group[side] = addAmounts(group[side], slice);
    if (side === 'amounts') addBilled(group.billed, slice);
    // The current period's name and unit win over the previous one's.
    if (side === 'amounts' || group.name === null) group.name = slice.appDisplayName ?? group.name;
    if (side === 'amounts' || group.unit === null) group.unit = unit ?? group.unit;
    groups.set(id, group);
  };
  for (const slice of slices) add(slice, 'amounts');
  for (const slice of options.previous?.slices ?? []) add(slice, 'previous');

  const compare = options.previous !== undefined;
  const row = (
    keys: readonly string[],
    amounts: UsageAmounts,
    previous: UsageAmounts,
    extra: Partial<ReportRow>,
    billed: BilledSums,
  ): ReportRow => {
    const cost = knownCost(amounts);
    return {
      key: keys[0] ?? '',
      keys,
      ...extra,
      ...amounts,
      cost: cost === null ? null : nanosToDecimal(cost),
      costRounded: cost === null ? null : nanosToCents(cost),
      pricing: pricingOf(amounts),
      currency: options.currency,
      ...(compare ? { previous: rowChange(amounts, previous) } : {}),
      ...(options.basis === 'billed' ? { billed: billedColumns(billed) } : {}),
    };
  };
  const appColumns = by.includes('app');
  const rows = [...groups.values()]
    .map((g) =>
      row(
        g.keys,
        g.amounts,
        g.previous,
        appColumns
          ? { appDisplayName: g.name, ...(by.includes('businessUnit') ? {} : { businessUnit: g.unit }) }
          : {},
        g.billed,
      ),
    )
    .sort(
      (a, b) =>
        (b.costNanos > a.costNanos ? 1 : b.costNanos < a.costNanos ? -1 : 0) ||
        b.requests - a.requests ||
        a.keys.join('\u0000').localeCompare(b.keys.join('\u0000')),
    );
  const sum = (pick: (g: Group) => UsageAmounts) =>
    [...groups.values()].reduce<UsageAmounts>((total, g) => addAmounts(total, pick(g)), ZERO);
  return {
    from: options.from,
    to: options.to,
    by,
    currency: options.currency,
    rows,
    total: row(
      ['total'],
      sum((g) => g.amounts),
      sum((g) => g.previous),
      {},
      totalBilled([...groups.values()]),
    ),
    ...(options.previous ? { compared: { from: options.previous.from, to: options.previous.to } } : {}),
    ...(options.basis === 'billed' ? { basis: 'billed' as const } : {}),
  };
}

function totalBilled(groups: readonly Group[]): BilledSums {
  const total = noBilled();
  for (const g of groups) {
    total.estimateNanos += g.billed.estimateNanos;
    total.billedCostNanos += g.billed.billedCostNanos;
    for (const day of g.billed.estimatedDays) total.estimatedDays.add(day);
  }
  return total;
}
