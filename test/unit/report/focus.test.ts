import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';

import {
  FOCUS_COLUMNS,
  focusCsv,
  plainDecimal,
  UNKNOWN_REASON,
  type FocusSlice,
} from '../../../shared/report/focus.js';

const slice = (over: Partial<FocusSlice>): FocusSlice => ({
  day: '2026-11-30',
  appId: '7d8a1c3e-2b4f-4e6a-9c1d-0f2e3a4b5c6d',
  appDisplayName: 'HR Assistant',
  businessUnit: 'HR',
  model: 'gpt-4o-2024-08-06',
  deploymentType: 'global',
  requests: 3,
  promptTokens: 3000,
  cachedTokens: 1000,
  completionTokens: 600,
  reasoningTokens: 0,
  totalTokens: 3600,
  costNanos: 12_345_678_901n,
  unpricedRequests: 0,
  ...over,
});

// A name with every character a CSV writer must quote, so the round trip proves the quoting.
const NASTY = 'Ops, "Bot"\nline two';
const SLICES: FocusSlice[] = [
  slice({}),
  slice({
    day: '2026-12-31',
    appId: 'e0e0e0e0-1111-4222-8333-444444444444',
    appDisplayName: NASTY,
    businessUnit: null,
    model: 'gpt-9-ultra-2026-10-01',
    costNanos: 0n,
    unpricedRequests: 2,
    requests: 2,
  }),
  slice({ day: '2026-02-28', costNanos: 1n, meterIds: ['m-out', 'm-in', 'm-in'], region: 'eastus' }),
];

type Row = Record<(typeof FOCUS_COLUMNS)[number], string>;
const rowsOf = (csv: string) => parse<Row>(csv, { columns: true, skip_empty_lines: true });

const DECIMAL = /^\d+(\.\d{1,9})?$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T00:00:00Z$/;

describe('FOCUS export', () => {
  const csv = focusCsv(SLICES, { currency: 'USD', listCostKnown: true });
  const rows = rowsOf(csv);

  it('has exactly the FOCUS columns, in order, and one row per slice', () => {
    expect(csv.split('\n')[0]).toBe(FOCUS_COLUMNS.join(','));
    expect(rows).toHaveLength(SLICES.length);
  });

  it('types every value: decimals with at most 9 places, ISO UTC day boundaries, integer quantities', () => {
    for (const row of rows) {
      // Nothing priced: the cost is unknown, so the cost columns are empty, never 0.
      for (const c of ['BilledCost', 'EffectiveCost', 'ListCost', 'ContractedCost'] as const)
        expect(row[c]).toMatch(row.x_Pricing === 'unpriced' ? /^$/ : DECIMAL);
      for (const c of ['ConsumedQuantity', 'PricingQuantity', 'x_Requests', 'x_UnpricedRequests'] as const) {
        expect(row[c]).toMatch(/^\d+$/);
      }
      for (const c of [
        'ChargePeriodStart',
        'ChargePeriodEnd',
        'BillingPeriodStart',
        'BillingPeriodEnd',
      ] as const) {
        expect(row[c]).toMatch(ISO_UTC);
      }
      expect(Date.parse(row.ChargePeriodEnd) - Date.parse(row.ChargePeriodStart)).toBe(86_400_000);
      expect(
        row.ChargePeriodStart >= row.BillingPeriodStart && row.ChargePeriodEnd <= row.BillingPeriodEnd,
      ).toBe(true);
      expect(row).toMatchObject({
        ChargeCategory: 'Usage',
        ChargeClass: '',
        BillingCurrency: 'USD',
        ConsumedUnit: 'Tokens',
        PricingUnit: 'Tokens',
        ServiceName: 'Azure OpenAI',
        ServiceCategory: 'AI and Machine Learning',
        ProviderName: 'Microsoft',
        PublisherName: 'Microsoft',
        InvoiceIssuerName: 'Microsoft',
      });
    }
  });

  it('keeps the exact amounts and sorts by day', () => {
    expect(rows.map((r) => r.ChargePeriodStart.slice(0, 10))).toEqual([
      '2026-02-28',
      '2026-11-30',
      '2026-12-31',
    ]);
    expect(rows.map((r) => r.BilledCost)).toEqual(['0.000000001', '12.345678901', '']);
    expect(rows[2]).toMatchObject({
      ChargePeriodEnd: '2027-01-01T00:00:00Z',
      BillingPeriodEnd: '2027-01-01T00:00:00Z',
    });
    expect(rows[0]).toMatchObject({
      BillingPeriodStart: '2026-02-01T00:00:00Z',
      ChargePeriodEnd: '2026-03-01T00:00:00Z',
    });
    expect(plainDecimal(1_500_000_000n)).toBe('1.5');
    expect(plainDecimal(10_000_000_000n)).toBe('10');
  });

  it('puts app, unit, model and deployment type in Tags, and survives quoting', () => {
    const tags = rows.map((r) => JSON.parse(r.Tags) as Record<string, unknown>);
    expect(tags[1]).toEqual({
      appId: '7d8a1c3e-2b4f-4e6a-9c1d-0f2e3a4b5c6d',
      appName: 'HR Assistant',
      businessUnit: 'HR',
      model: 'gpt-4o-2024-08-06',
      deploymentType: 'global',
    });
    expect(tags[2]).toMatchObject({ appName: NASTY, businessUnit: '(none)' });
    expect(rows[2]?.ChargeDescription).toContain('2 unpriced, not in the cost');
  });

  it('leaves unknown costs empty, says why in x_UnpricedReason, and marks partly priced rows', () => {
    const mixed = rowsOf(
      focusCsv(
        [
          slice({ requests: 3, unpricedRequests: 1, unpricedReasons: ['no meter for gpt-4o 0806 datazone'] }),
          slice({ day: '2026-11-29', requests: 2, unpricedRequests: 2, costNanos: 0n }),
          slice({ day: '2026-11-28' }),
        ],
        { currency: 'USD', listCostKnown: true },
      ),
    );
    expect(
      mixed.map((r) => [r.x_Pricing, r.BilledCost, r.EffectiveCost, r.ListCost, r.ContractedCost]),
    ).toEqual([
      ['priced', '12.345678901', '12.345678901', '12.345678901', '12.345678901'],
      ['unpriced', '', '', '', ''],
      ['partial', '12.345678901', '12.345678901', '12.345678901', '12.345678901'],
    ]);
    expect(mixed.map((r) => r.x_UnpricedReason)).toEqual([
      '',
      UNKNOWN_REASON,
      'no meter for gpt-4o 0806 datazone',
    ]);
  });

  it('neutralises text cells a spreadsheet would run, and keeps numbers as numbers', () => {
    const hostile = rowsOf(
      focusCsv(
        [
          slice({ model: '=HYPERLINK("http://x","y")', region: '@SUM(1+1)', meterIds: ['-2+3'] }),
          slice({ day: '2026-11-29', model: "+cmd|' /C calc'!A0", region: '\tx', meterIds: ['\rx'] }),
        ],
        { currency: 'USD', listCostKnown: true },
      ),
    );
    for (const row of hostile)
      for (const [column, value] of Object.entries(row)) expect(value, column).not.toMatch(/^[=+\-@\t\r]/);
    expect(hostile.map((r) => [r.RegionId, r.SkuId])).toEqual([
      ["'\tx", "'\rx"],
      ["'@SUM(1+1)", "'-2+3"],
    ]);
    // Tags and the description start with text of ours, so names inside them are inert.
    expect(JSON.parse(hostile[1]?.Tags ?? '{}')).toMatchObject({ model: '=HYPERLINK("http://x","y")' });
  });

  it('fills SkuId/SkuPriceId and RegionId only when the slice carries them', () => {
    expect(rows[0]).toMatchObject({ SkuId: 'm-in m-out', SkuPriceId: 'm-in m-out', RegionId: 'eastus' });
    expect(rows[1]).toMatchObject({ SkuId: '', SkuPriceId: '', RegionId: '' });
  });

  it("applies finance's unit overrides and leaves ListCost empty when negotiated rates apply", () => {
    const units = new Map([['7d8a1c3e-2b4f-4e6a-9c1d-0f2e3a4b5c6d', 'People']]);
    const overridden = rowsOf(focusCsv(SLICES, { currency: 'EUR', units, listCostKnown: false }));
    expect(overridden.map((r) => (JSON.parse(r.Tags) as { businessUnit: string }).businessUnit)).toEqual([
      'People',
      'People',
      '(none)',
    ]);
    expect(overridden.map((r) => r.ListCost)).toEqual(['', '', '']);
    expect(overridden.map((r) => r.BilledCost)).toEqual(rows.map((r) => r.BilledCost));
    expect(overridden[0]?.BillingCurrency).toBe('EUR');
  });
});
