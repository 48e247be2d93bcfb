import { normalizeFamily } from '../pricing/modelFamily.js';
import type { UsageSlice } from '../report/types.js';
import { parseScope, type Budget, type BudgetScope } from './budget.js';
import { forecastNanos, percentOf, periodWindow, reaches, type PeriodWindow } from './period.js';

export interface BudgetStatus {
  readonly budget: Budget;
  readonly window: PeriodWindow;
  /** Priced spend in the period so far, nano-units: the figure `report` gives for the same days. */
  readonly spentNanos: bigint;
  readonly requests: number;
  /** Requests with no cost yet: counted beside the spend, never as 0. */
  readonly unpricedRequests: number;
  readonly forecastNanos: bigint;
  readonly percent: string;
  readonly forecastPercent: string;
  /** Thresholds reached on the budget's basis (`on`), ascending. */
  readonly crossed: readonly number[];
  /** A hard budget at 100% or more of its amount, on the actual spend. */
  readonly exhausted: boolean;
  /** App ids with spend in the period (for model budgets: the apps that used the family). */
  readonly apps: ReadonlySet<string>;
}

export interface SpendContext {
  /** Finance's business-unit overrides (appId → unit): they beat the tag, as in every report. */
  readonly overrides: ReadonlyMap<string, string>;
  readonly now: Date;
}

/** Pure: does a slice count toward a scope? Business units follow the overrides, as the report does. */
export function sliceMatches(
  scope: BudgetScope,
  slice: UsageSlice,
  overrides: ReadonlyMap<string, string>,
): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'app':
      return slice.appId === scope.appId;
    case 'businessUnit':
      return (overrides.get(slice.appId) ?? slice.businessUnit) === scope.name;
    case 'model':
      return normalizeFamily(slice.model) === scope.family;
  }
}

/** The days one read must cover for these budgets now: every period and every run-rate window. */
export function spendRange(budgets: readonly Budget[], now: Date): { from: string; to: string } | null {
  if (budgets.length === 0) return null;
  const windows = budgets.map((b) => periodWindow(b.period, now));
  const from = windows.map((w) => (w.rateFrom < w.start ? w.rateFrom : w.start)).sort()[0] ?? '';
  const to =
    windows
      .map((w) => w.end)
      .sort()
      .at(-1) ?? '';
  return { from, to };
}

/** Pure: one budget's spend, forecast and crossed thresholds from the slices of `spendRange`. */
export function evaluateBudget(
  budget: Budget,
  slices: readonly UsageSlice[],
  context: SpendContext,
): BudgetStatus {
  const scope = parseScope(budget.scope);
  const window = periodWindow(budget.period, context.now);
  let spent = 0n;
  let rate = 0n;
  let requests = 0;
  let unpriced = 0;
  const apps = new Set<string>();
  for (const slice of slices) {
    if (!sliceMatches(scope, slice, context.overrides)) continue;
    if (slice.day >= window.start && slice.day <= window.end) {
      spent += slice.costNanos;
      requests += slice.requests;
      unpriced += slice.unpricedRequests;
      apps.add(slice.appId);
    }
    if (slice.day >= window.rateFrom && slice.day <= window.rateTo) rate += slice.costNanos;
  }
  const forecast = forecastNanos(spent, rate, window.remainingMs);
  const basis = budget.on === 'forecast' ? forecast : spent;
  return {
    budget,
    window,
    spentNanos: spent,
    requests,
    unpricedRequests: unpriced,
    forecastNanos: forecast,
    percent: percentOf(spent, budget.amountNanos),
    forecastPercent: percentOf(forecast, budget.amountNanos),
    crossed: budget.thresholds.filter((t) => reaches(basis, budget.amountNanos, t)),
    exhausted: budget.hard && reaches(spent, budget.amountNanos, 100),
    apps,
  };
}

export function evaluateBudgets(
  budgets: readonly Budget[],
  slices: readonly UsageSlice[],
  context: SpendContext,
): BudgetStatus[] {
  return budgets.map((budget) => evaluateBudget(budget, slices, context));
}

/**
 * Risk order for the page and `status`: exhausted hard budgets first, then by the larger of the actual
 * and forecast share of the amount, then by scope.
 */
export function byRisk(a: BudgetStatus, b: BudgetStatus): number {
  if (a.exhausted !== b.exhausted) return a.exhausted ? -1 : 1;
  const share = (s: BudgetStatus) => {
    const top = s.forecastNanos > s.spentNanos ? s.forecastNanos : s.spentNanos;
    return (top * 1_000_000n) / s.budget.amountNanos;
  };
  const diff = share(b) - share(a);
  return diff > 0n ? 1 : diff < 0n ? -1 : a.budget.scope.localeCompare(b.budget.scope);
}
