import { nanosToCents, nanosToDecimal } from '../cost/money.js';
import type { Report, ReportGrouping, ReportRow, UsageAmounts, UsageSlice } from './types.js';

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

export function addAmounts(a: UsageAmounts, b: UsageAmounts): UsageAmounts {
  return {
    requests: a.requests + b.requests,
    promptTokens: a.promptTokens + b.promptTokens,
    cachedTokens: a.cachedTokens + b.cachedTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
    totalTokens: a.totalTokens + b.totalTokens,
    costNanos: a.costNanos + b.costNanos,
    unpricedRequests: a.unpricedRequests + b.unpricedRequests,
  };
}

/**
 * Pure: slices → one row per group, most expensive first, plus the total. Sums stay in integer
 * nano-units; only the displayed cost is rounded, once, to the cent. Business units come from
 * finance's current overrides first, so a re-mapped app moves in every report at once.
 */
export function buildReport(
  slices: readonly UsageSlice[],
  options: {
    by: ReportGrouping;
    from: string;
    to: string;
    currency: string;
    overrides?: ReadonlyMap<string, string>;
  },
): Report {
  const groups = new Map<string, { amounts: UsageAmounts; name: string | null; unit: string | null }>();
  for (const slice of slices) {
    const unit = options.overrides?.get(slice.appId) ?? slice.businessUnit;
    const key =
      options.by === 'app' ? slice.appId : options.by === 'model' ? slice.model : (unit ?? NO_BUSINESS_UNIT);
    const group = groups.get(key) ?? { amounts: ZERO, name: null, unit: null };
    groups.set(key, {
      amounts: addAmounts(group.amounts, slice),
      name: slice.appDisplayName ?? group.name,
      unit: unit ?? group.unit,
    });
  }
  const row = (key: string, amounts: UsageAmounts, extra: Partial<ReportRow>): ReportRow => ({
    key,
    ...extra,
    ...amounts,
    cost: nanosToDecimal(amounts.costNanos),
    costRounded: nanosToCents(amounts.costNanos),
    currency: options.currency,
  });
  const rows = [...groups.entries()]
    .map(([key, g]) =>
      row(key, g.amounts, options.by === 'app' ? { appDisplayName: g.name, businessUnit: g.unit } : {}),
    )
    .sort((a, b) =>
      b.costNanos > a.costNanos ? 1 : b.costNanos < a.costNanos ? -1 : a.key.localeCompare(b.key),
    );
  const total = rows.reduce<UsageAmounts>((sum, r) => addAmounts(sum, r), ZERO);
  return {
    from: options.from,
    to: options.to,
    by: options.by,
    currency: options.currency,
    rows,
    total: row('total', total, {}),
  };
}
