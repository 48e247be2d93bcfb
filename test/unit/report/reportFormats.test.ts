import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';

import { buildReport, changePercent } from '../../../shared/report/buildReport.js';
import { reportCsv, reportJson, reportTable } from '../../../shared/report/formatReport.js';
import { previousPeriod } from '../../../shared/report/period.js';
import type { ReportGrouping, UsageSlice } from '../../../shared/report/types.js';

const HR = '7d8a1c3e-2b4f-4e6a-9c1d-0f2e3a4b5c6d';
const OPS = 'e0e0e0e0-1111-4222-8333-444444444444';

const slice = (over: Partial<UsageSlice>): UsageSlice => ({
  day: '2026-11-10',
  appId: HR,
  appDisplayName: 'HR Assistant',
  businessUnit: 'HR',
  model: 'gpt-4o-2024-08-06',
  deploymentType: 'global',
  requests: 2,
  promptTokens: 100,
  cachedTokens: 0,
  completionTokens: 50,
  reasoningTokens: 0,
  totalTokens: 150,
  costNanos: 1_500_000_000n,
  unpricedRequests: 0,
  ...over,
});

const NOVEMBER = { from: '2026-11-01', to: '2026-11-30', currency: 'USD' } as const;
const CURRENT = [
  slice({}),
  slice({ model: 'gpt-4o-mini-2024-07-18', costNanos: 250_000_000n }),
  slice({ appId: OPS, appDisplayName: 'Ops Bot', businessUnit: null, costNanos: 3_000_000_000n }),
  // Nothing priced: its cost is unknown.
  slice({ model: 'gpt-9-ultra', costNanos: 0n, unpricedRequests: 2 }),
];
const report = (by: ReportGrouping | ReportGrouping[], slices = CURRENT) =>
  buildReport(slices, { ...NOVEMBER, by });
const csvRows = (text: string) => parse<Record<string, string>>(text, { columns: true });

describe('report groupings', () => {
  it('groups by two dimensions, outer first, exactly', () => {
    const r = report(['app', 'model']);
    expect(r.rows.map((row) => [...row.keys, row.cost])).toEqual([
      [OPS, 'gpt-4o-2024-08-06', '3.000000000'],
      [HR, 'gpt-4o-2024-08-06', '1.500000000'],
      [HR, 'gpt-4o-mini-2024-07-18', '0.250000000'],
      [HR, 'gpt-9-ultra', null],
    ]);
    expect(r.total.costNanos).toBe(4_750_000_000n);
    const units = report(['businessUnit', 'model']);
    expect(units.rows.map((row) => row.keys)).toContainEqual(['(none)', 'gpt-4o-2024-08-06']);
    const csv = csvRows(reportCsv(r));
    expect(Object.keys(csv[0] ?? {}).slice(0, 4)).toEqual([
      'appId',
      'model',
      'appDisplayName',
      'businessUnit',
    ]);
    expect(reportTable(r)).toContain('Cost by app and model, 2026-11-01 to 2026-11-30');
  });
});

describe('unpriced is not zero', () => {
  const r = report('model');

  it('marks rows priced, partial or unpriced, and gives no cost when nothing was priced', () => {
    const mixed = buildReport(
      [...CURRENT, slice({ day: '2026-11-11', model: 'gpt-9-ultra', costNanos: 7n, requests: 1 })],
      { ...NOVEMBER, by: 'model' },
    );
    const ultra = mixed.rows.find((row) => row.key === 'gpt-9-ultra');
    expect(ultra).toMatchObject({
      pricing: 'partial',
      cost: '0.000000007',
      unpricedRequests: 2,
      requests: 3,
    });
    expect(r.rows.find((row) => row.key === 'gpt-9-ultra')).toMatchObject({
      pricing: 'unpriced',
      cost: null,
      costRounded: null,
    });
    expect(r.total.pricing).toBe('partial');
  });

  it('table: n/a and the count, never 0.000000000', () => {
    const line = reportTable(r)
      .split('\n')
      .find((l) => l.includes('gpt-9-ultra'));
    expect(line).toMatch(/│\s+n\/a │\s+n\/a │\s+2 │/);
    expect(line).not.toContain('0.00');
    expect(reportTable(r)).toMatch(/total .*│\s+4\.750000000 │\s+4\.75 │\s+2 partial │/);
  });

  it('CSV: an empty cost with pricing=unpriced; JSON: null costs', () => {
    const ultra = csvRows(reportCsv(r)).find((row) => row.model === 'gpt-9-ultra');
    expect(ultra).toMatchObject({ cost: '', costRounded: '', pricing: 'unpriced', unpricedRequests: '2' });
    const json = JSON.parse(reportJson(r)) as {
      rows: { key: string; cost: number | null; costExact: string | null; costNanos: string | null }[];
    };
    expect(json.rows.find((row) => row.key === 'gpt-9-ultra')).toMatchObject({
      cost: null,
      costExact: null,
      costNanos: null,
    });
  });

  it('an empty period costs a true 0', () => {
    expect(report('app', []).total).toMatchObject({ pricing: 'priced', cost: '0.000000000' });
  });
});

describe('CSV has no total line', () => {
  it('carries only the groups, so a column sum is the total', () => {
    const r = report('app');
    const rows = csvRows(reportCsv(r));
    expect(rows.map((row) => row.appId)).toEqual(r.rows.map((row) => row.key));
    expect(rows.some((row) => Object.values(row).includes('total'))).toBe(false);
    // The table keeps its total line.
    expect(reportTable(r)).toMatch(/\n│ total /);
  });
});

describe('CSV injection', () => {
  it('neutralises names, units and models in the report CSV, and keeps negative changes numeric', () => {
    const hostile = [
      slice({
        appDisplayName: '=HYPERLINK("http://x","y")',
        businessUnit: '@SUM(1+1)',
        model: "+cmd|' /C calc'!A0",
      }),
      slice({ appId: OPS, appDisplayName: '-2+3', businessUnit: '\tx', model: '\rx' }),
    ];
    const r = buildReport(hostile, {
      ...NOVEMBER,
      by: ['app', 'model'],
      previous: {
        from: '2026-10-02',
        to: '2026-10-31',
        slices: hostile.map((s) => ({ ...s, costNanos: 9_000_000_000n })),
      },
    });
    const rows = csvRows(reportCsv(r));
    for (const row of rows)
      for (const [column, value] of Object.entries(row))
        if (column !== 'change' && column !== 'changePercent')
          expect(value, column).not.toMatch(/^[=+\-@\t\r]/);
    expect(rows.map((row) => [row.appDisplayName, row.businessUnit, row.model])).toEqual([
      ['\'=HYPERLINK("http://x","y")', "'@SUM(1+1)", "'+cmd|' /C calc'!A0"],
      ["'-2+3", "'\tx", "'\rx"],
    ]);
    expect(rows.map((row) => [row.change, row.changePercent])).toEqual([
      ['-7.500000000', '-83.3'],
      ['-7.500000000', '-83.3'],
    ]);
    const units = csvRows(reportCsv(buildReport(hostile, { ...NOVEMBER, by: 'businessUnit' })));
    expect(units.map((row) => row.businessUnit).sort()).toEqual(["'\tx", "'@SUM(1+1)"]);
  });
});

describe('compare with the previous period', () => {
  it('is the same number of days just before', () => {
    expect(previousPeriod('2026-11-01', '2026-11-30')).toEqual({ from: '2026-10-02', to: '2026-10-31' });
    expect(previousPeriod('2024-03-01', '2024-03-01')).toEqual({ from: '2024-02-29', to: '2024-02-29' });
  });

  it('gives each row its change in exact money and in percent, n/a when the previous is 0 or unknown', () => {
    const before = [
      slice({ day: '2026-10-20', costNanos: 1_000_000_000n }),
      slice({ day: '2026-10-20', appId: OPS, appDisplayName: 'Ops Bot', costNanos: 3_000_000_001n }),
      slice({ day: '2026-10-20', appId: 'gone', appDisplayName: 'Retired', costNanos: 2n }),
    ];
    const r = buildReport(CURRENT, {
      ...NOVEMBER,
      by: 'app',
      previous: { from: '2026-10-02', to: '2026-10-31', slices: before },
    });
    const byKey = new Map(r.rows.map((row) => [row.key, row]));
    expect(byKey.get(HR)?.previous).toMatchObject({
      previousCost: '1.000000000',
      change: '0.750000000',
      changePercent: '75.0',
    });
    expect(byKey.get(OPS)?.previous).toMatchObject({ change: '-0.000000001', changePercent: '-0.0' });
    // Gone since: it costs a true 0 now, and shows the drop.
    expect(byKey.get('gone')).toMatchObject({ requests: 0, cost: '0.000000000' });
    expect(byKey.get('gone')?.previous).toMatchObject({ change: '-0.000000002', changePercent: '-100.0' });
    expect(r.compared).toEqual({ from: '2026-10-02', to: '2026-10-31' });
    const fresh = buildReport(CURRENT, {
      ...NOVEMBER,
      by: 'app',
      previous: { from: 'a', to: 'b', slices: [] },
    });
    expect(fresh.rows[0]?.previous).toMatchObject({ previousCost: '0.000000000', changePercent: null });
    const table = reportTable(fresh);
    expect(table).toContain('compared with a to b');
    expect(table).toMatch(/│\s+\+3\.000000000 │\s+n\/a │/);
    const json = JSON.parse(reportJson(r)) as {
      total: { previous: { changePercent: number; changeNanos: string } };
    };
    expect(json.total.previous).toMatchObject({ changeNanos: '749999997', changePercent: 18.7 });
  });

  it('rounds the percent half away from zero, exactly', () => {
    expect(changePercent(1n, 8n)).toBe('12.5');
    expect(changePercent(-1n, 8n)).toBe('-12.5');
    expect(changePercent(1n, 3n)).toBe('33.3');
    expect(changePercent(2n, 3n)).toBe('66.7');
    expect(changePercent(5n, 0n)).toBeNull();
    expect(changePercent(10n ** 30n, 1n)).toBe(`${10n ** 32n}.0`);
  });
});

describe('provisioned (PTU) traffic on the estimate basis', () => {
  it('is counted and named, never read as free priced traffic', () => {
    // Three requests of which one ran on a PTU deployment: no per-request cost, and not unpriced either.
    const ptu = slice({
      requests: 3,
      provisioned: { requests: 1, promptTokens: 10, cachedTokens: 0, completionTokens: 5, activeHourMask: 1 },
    });
    const r = report('app', [ptu]);
    expect(r.rows[0]).toMatchObject({ provisionedRequests: 1, pricing: 'priced', unpricedRequests: 0 });
    expect(r.total.provisionedRequests).toBe(1);
    const table = reportTable(r);
    expect(table).toMatch(/HR Assistant .*│\s+1 provisioned │/);
    expect(table).toContain('provisioned: requests on PTU deployments, billed per PTU-hour');
    expect(reportTable(report('app'))).not.toContain('provisioned');
  });
});
