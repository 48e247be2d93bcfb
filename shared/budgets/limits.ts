import { nanosToDecimal } from '../cost/money.js';
import { parseScope } from './budget.js';
import type { BudgetStatus } from './evaluate.js';

export type LimitState = 'ok' | 'warning' | 'blocked';

export interface LimitBudget {
  readonly scope: string;
  readonly period: string;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly currency: string;
  readonly amount: string;
  readonly spent: string;
  /** Amount minus spent, 0 when over. */
  readonly remaining: string;
  readonly percent: string;
  readonly forecast: string;
  readonly forecastPercent: string;
  readonly unpricedRequests: number;
  readonly hard: boolean;
  readonly on: string;
  readonly crossed: readonly number[];
  /** This budget alone blocks the app: hard and at 100% or more of its amount. */
  readonly blocking: boolean;
}

export interface LimitsAnswer {
  readonly appId: string;
  readonly state: LimitState;
  readonly budgets: readonly LimitBudget[];
}

/**
 * Whether a budget covers an app: its own budget, `all`, its business unit (finance's override, else
 * the tag; or the unit its spend was counted in this period), and a model family's budget when the
 * app used that family in the period.
 */
export function covers(status: BudgetStatus, appId: string, unit: string | null): boolean {
  const scope = parseScope(status.budget.scope);
  switch (scope.kind) {
    case 'all':
      return true;
    case 'app':
      return scope.appId === appId;
    case 'businessUnit':
      return (unit !== null && scope.name === unit) || status.apps.has(appId);
    case 'model':
      return status.apps.has(appId);
  }
}

export function limitBudget(status: BudgetStatus): LimitBudget {
  const { budget } = status;
  const remaining = budget.amountNanos - status.spentNanos;
  return {
    scope: budget.scope,
    period: budget.period,
    periodStart: status.window.start,
    periodEnd: status.window.end,
    currency: budget.currency,
    amount: nanosToDecimal(budget.amountNanos),
    spent: nanosToDecimal(status.spentNanos),
    remaining: nanosToDecimal(remaining > 0n ? remaining : 0n),
    percent: status.percent,
    forecast: nanosToDecimal(status.forecastNanos),
    forecastPercent: status.forecastPercent,
    unpricedRequests: status.unpricedRequests,
    hard: budget.hard,
    on: budget.on,
    crossed: status.crossed,
    blocking: status.exhausted,
  };
}

/**
 * Pure: `blocked` when a hard budget covering the app is at 100% or more; `warning` when a covering
 * budget crossed a threshold (on its own basis) but none blocks; `ok` otherwise.
 */
export function limitsFor(
  appId: string,
  unit: string | null,
  statuses: readonly BudgetStatus[],
): LimitsAnswer {
  const mine = statuses.filter((s) => covers(s, appId, unit));
  const state: LimitState = mine.some((s) => s.exhausted)
    ? 'blocked'
    : mine.some((s) => s.crossed.length > 0)
      ? 'warning'
      : 'ok';
  return { appId, state, budgets: mine.map(limitBudget) };
}
