import { describe, expect, it } from 'vitest';

import { budgetFromArguments, type Budget } from '../../../shared/budgets/budget.js';
import { byRisk, evaluateBudget, evaluateBudgets, spendRange } from '../../../shared/budgets/evaluate.js';
import { limitsFor } from '../../../shared/budgets/limits.js';
import { buildReport } from '../../../shared/report/buildReport.js';
import type { UsageSlice } from '../../../shared/report/types.js';

const HR_APP = '7d8a1c3e-2b4f-4e6a-9c1d-0f2e3a4b5c6d';
const OPS_APP = '11111111-2222-4333-8444-555555555555';
const NOW = new Date('2026-11-16T00:00:00.000Z');
const UNITS = 1_000_000_000n;

const slice = (
  day: string,
  appId: string,
  costUnits: number,
  over: Partial<UsageSlice> = {},
): UsageSlice => ({
  day,
  appId,
  appDisplayName: null,
  businessUnit: appId === HR_APP ? 'HR' : 'Ops',
  model: 'gpt-4o-2024-08-06',
  deploymentType: 'global',
  requests: 1,
  promptTokens: 10,
  cachedTokens: 0,
  completionTokens: 5,
  reasoningTokens: 0,
  totalTokens: 15,
  costNanos: BigInt(costUnits) * UNITS,
  unpricedRequests: 0,
  ...over,
});

const budget = (
  scope: string,
  amount: string,
  extra: Partial<Record<string, string | boolean>> = {},
): Budget => budgetFromArguments({ scope, amount, ...extra }, 'USD');

// Nov 9-15 (the run-rate week) and the first half of November; one October day outside both.
const SLICES: UsageSlice[] = [
  slice('2026-10-31', HR_APP, 1000),
  slice('2026-11-01', HR_APP, 10),
  slice('2026-11-09', HR_APP, 7),
  slice('2026-11-15', HR_APP, 7),
  slice('2026-11-15', HR_APP, 0, { model: 'gpt-9-ultra', requests: 2, unpricedRequests: 2 }),
  slice('2026-11-16', OPS_APP, 30, { model: 'gpt-35-turbo-16k-0613' }),
];
const context = { overrides: new Map<string, string>(), now: NOW };

describe('budget evaluation (pure)', () => {
  it('sums the period exactly, counts unpriced requests beside it, and forecasts from the last 7 days', () => {
    const status = evaluateBudget(budget(`app:${HR_APP}`, '100'), SLICES, context);
    expect(status.spentNanos).toBe(24n * UNITS);
    expect(status.unpricedRequests).toBe(2);
    // Run rate: (7 + 7) / 7 = 2 per day; 15 days left (16th to 30th) → 24 + 30.
    expect(status.forecastNanos).toBe(54n * UNITS);
    expect([status.percent, status.forecastPercent]).toEqual(['24.0', '54.0']);
    expect(status.crossed).toEqual([]);
  });

  it('gives the same spend as the report over the same days', () => {
    const status = evaluateBudget(budget('all', '1000'), SLICES, context);
    const inPeriod = SLICES.filter((s) => s.day >= '2026-11-01');
    const report = buildReport(inPeriod, {
      by: 'app',
      from: '2026-11-01',
      to: '2026-11-30',
      currency: 'USD',
    });
    expect(status.spentNanos).toBe(report.total.costNanos);
    expect(status.unpricedRequests).toBe(report.total.unpricedRequests);
  });

  it('fires thresholds on the actual spend by default, on the forecast when asked', () => {
    const actual = evaluateBudget(
      budget(`app:${HR_APP}`, '50', { thresholds: '40,50,100' }),
      SLICES,
      context,
    );
    expect(actual.crossed).toEqual([40]);
    const forecast = evaluateBudget(
      budget(`app:${HR_APP}`, '50', { thresholds: '40,50,100', on: 'forecast' }),
      SLICES,
      context,
    );
    expect(forecast.crossed).toEqual([40, 50, 100]);
  });

  it("business units follow finance's overrides; model budgets use the pricer's family rule", () => {
    const overrides = new Map([[OPS_APP, 'HR']]);
    const hr = evaluateBudget(budget('businessUnit:HR', '1000'), SLICES, { overrides, now: NOW });
    expect(hr.spentNanos).toBe(54n * UNITS);
    const turbo = evaluateBudget(budget('model:gpt-35-turbo', '1000'), SLICES, context);
    expect(turbo.spentNanos).toBe(30n * UNITS);
    expect([...turbo.apps]).toEqual([OPS_APP]);
  });

  it('reads one range covering every period and run-rate window', () => {
    const daily = budget('all', '1', { period: 'daily' });
    expect(spendRange([budget('all', '1'), daily], NOW)).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(spendRange([daily], new Date('2026-11-03T05:00:00Z'))).toEqual({
      from: '2026-10-27',
      to: '2026-11-03',
    });
    expect(spendRange([], NOW)).toBeNull();
  });

  it('orders by risk: exhausted hard budgets first, then the larger share of actual or forecast', () => {
    const statuses = evaluateBudgets(
      [
        budget('all', '10000'),
        budget(`app:${OPS_APP}`, '20', { hard: true }),
        budget(`app:${HR_APP}`, '30'),
        budget('model:gpt-4o', '25', { on: 'forecast' }),
      ],
      SLICES,
      context,
    );
    expect(statuses.sort(byRisk).map((s) => s.budget.scope)).toEqual([
      `app:${OPS_APP}`,
      'model:gpt-4o',
      `app:${HR_APP}`,
      'all',
    ]);
  });
});

describe('limits (pure)', () => {
  const statuses = evaluateBudgets(
    [
      budget(`app:${OPS_APP}`, '25', { hard: true }),
      budget('businessUnit:HR', '40', { thresholds: '50' }),
      budget('model:gpt-35-turbo', '1000', { hard: true }),
      budget('all', '100000'),
    ],
    SLICES,
    context,
  );

  it('blocks the app over its hard budget, and names the budget', () => {
    const answer = limitsFor(OPS_APP, 'Ops', statuses);
    expect(answer.state).toBe('blocked');
    expect(answer.budgets.filter((b) => b.blocking).map((b) => b.scope)).toEqual([`app:${OPS_APP}`]);
    expect(answer.budgets.map((b) => b.scope)).toEqual([`app:${OPS_APP}`, 'model:gpt-35-turbo', 'all']);
  });

  it('warns when a covering budget crossed a threshold but no hard one is spent', () => {
    const answer = limitsFor(HR_APP, 'HR', statuses);
    expect(answer.state).toBe('warning');
    expect(answer.budgets.find((b) => b.scope === 'businessUnit:HR')).toMatchObject({
      spent: '24.000000000',
      remaining: '16.000000000',
      amount: '40.000000000',
      percent: '60.0',
      crossed: [50],
      blocking: false,
      unpricedRequests: 2,
    });
  });

  it('is ok for an app no crossed budget covers', () => {
    const other = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
    expect(limitsFor(other, null, statuses)).toEqual({
      appId: other,
      state: 'ok',
      budgets: [expect.objectContaining({ scope: 'all', blocking: false })],
    });
  });

  it('a hard budget below 100% only warns', () => {
    const soft = evaluateBudgets([budget(`app:${OPS_APP}`, '40', { hard: true })], SLICES, context);
    expect(limitsFor(OPS_APP, 'Ops', soft).state).toBe('warning');
  });
});
