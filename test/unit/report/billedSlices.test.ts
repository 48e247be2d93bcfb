import { describe, expect, it } from 'vitest';

import type { KeyAllocation } from '../../../shared/invoice/billedShares.js';
import { billedSlices } from '../../../shared/report/billedSlices.js';
import { buildReport } from '../../../shared/report/buildReport.js';
import type { UsageSlice } from '../../../shared/report/types.js';
import { unpricedCapacitySlices } from '../../../shared/report/unpricedCapacity.js';

// Meter ids: Retail catalog, eastus 2025-08 (test/fixtures/api-shapes/retail_aoai_meter_catalog_eastus_2025-08_derived.json).
const INPUT = 'babc1534-2115-5f32-98cb-29d58a11eb80';
const PTU = '433e638d-598a-5b5f-acbc-27dbbda88216';
const RES =
  '/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/rg/providers/microsoft.cognitiveservices/accounts/aoai-a';
const APP = '7d8a1c3e-2b4f-4e6a-9c1d-0f2e3a4b5c6d';
const DAY = '2026-11-19';

const slice = (fields: Partial<UsageSlice>): UsageSlice => ({
  day: DAY,
  appId: APP,
  appDisplayName: 'HR Assistant',
  businessUnit: 'HR',
  model: 'gpt-4o-2024-08-06',
  deploymentType: 'global',
  requests: 1,
  promptTokens: 100,
  cachedTokens: 0,
  completionTokens: 0,
  reasoningTokens: 0,
  totalTokens: 100,
  costNanos: 250_000n,
  unpricedRequests: 0,
  resourceId: RES,
  meters: [{ meterId: INPUT, kind: 'input', units: 100, estimateNanos: 250_000n }],
  ...fields,
});

const key = (fields: Partial<KeyAllocation>): KeyAllocation => ({
  resourceId: RES,
  resourceName: 'aoai-a',
  meterId: INPUT,
  meterName: 'gpt-4o-0806-Inp-glbl Tokens',
  meterKind: 'tokens',
  day: DAY,
  currency: 'USD',
  effectiveCostNanos: 1_000n,
  billedCostNanos: 1_000n,
  shares: [],
  ...fields,
});

describe('slices on the billed basis', () => {
  it('split an app’s share over its slices on that meter by units, exactly, and keep the estimate beside it', () => {
    // 1000 by 100:200 is 333.3 + 666.7: the leftover nano goes to the larger remainder.
    const slices = [
      slice({}),
      slice({
        deploymentType: 'datazone',
        costNanos: 500_000n,
        meters: [{ meterId: INPUT, kind: 'input', units: 200, estimateNanos: 500_000n }],
      }),
    ];
    const shares = [
      { appId: APP, label: APP, kind: 'app' as const, effectiveNanos: 1_000n, billedNanos: 999n },
    ];
    const out = billedSlices(slices, { keys: [key({ shares })], billedDays: [DAY] });
    expect(out.map((s) => [s.costNanos, s.billedCostNanos, s.estimateNanos, s.estimated])).toEqual([
      [333n, 333n, 250_000n, false],
      [667n, 666n, 500_000n, false],
    ]);
  });

  it('give the unallocated and idle shares rows of their own, and keep the estimate on days no bill covers', () => {
    const out = billedSlices(
      [
        slice({}),
        slice({ day: '2026-11-25' }),
        slice({
          meters: undefined,
          provisioned: {
            requests: 1,
            promptTokens: 10,
            cachedTokens: 0,
            completionTokens: 0,
            activeHourMask: 1,
          },
          costNanos: 0n,
        }),
      ],
      {
        keys: [
          key({
            shares: [
              {
                appId: null,
                label: '(unallocated: aoai-a)',
                kind: 'unallocated',
                effectiveNanos: 7n,
                billedNanos: 7n,
              },
            ],
          }),
          key({
            meterId: PTU,
            meterName: 'Provisioned Managed Global Unit',
            meterKind: 'provisioned',
            shares: [
              { appId: APP, label: APP, kind: 'app', effectiveNanos: 1_000n, billedNanos: 1_000n },
              {
                appId: null,
                label: '(idle capacity: aoai-a)',
                kind: 'idle',
                effectiveNanos: 23_000n,
                billedNanos: 23_000n,
              },
            ],
          }),
        ],
        billedDays: [DAY],
      },
    );
    const report = buildReport(out, {
      by: 'app',
      from: DAY,
      to: '2026-11-25',
      currency: 'USD',
      basis: 'billed',
    });
    const rows = new Map(report.rows.map((r) => [r.key, r]));
    // The app: its input slice got nothing (no share on that meter), so it stays estimated; PTU 1000.
    expect(rows.get(APP)?.costNanos).toBe(250_000n + 250_000n + 1_000n);
    expect(rows.get(APP)?.billed?.estimatedDays).toEqual(['2026-11-19', '2026-11-25']);
    expect(rows.get('(unallocated: aoai-a)')?.costNanos).toBe(7n);
    expect(rows.get('(idle capacity: aoai-a)')?.costNanos).toBe(23_000n);
    expect(report.total.billed?.estimateNanos).toBe(500_000n);
  });

  it('add the capacity estimate to the slices of days no bill covers, with an estimated idle row, and never to a billed day', () => {
    const unbilled = '2026-11-25';
    const ptuSlice = slice({
      day: unbilled,
      meters: undefined,
      costNanos: 0n,
      provisioned: { requests: 1, promptTokens: 10, cachedTokens: 0, completionTokens: 0, activeHourMask: 1 },
    });
    const estimate = (day: string) =>
      key({
        day,
        meterId: PTU,
        meterName: 'Provisioned Managed Global Unit',
        meterKind: 'provisioned',
        shares: [
          { appId: APP, label: APP, kind: 'app', effectiveNanos: 1_000n, billedNanos: 1_000n },
          {
            appId: null,
            label: '(idle capacity: aoai-a)',
            kind: 'idle',
            effectiveNanos: 23_000n,
            billedNanos: 23_000n,
          },
        ],
      });
    const out = [
      ...billedSlices(
        [slice({ day: unbilled }), ptuSlice],
        { keys: [], billedDays: [DAY] },
        // The estimate of the billed day must be ignored: the bill is the whole truth there.
        [estimate(unbilled), estimate(DAY)],
      ),
      ...unpricedCapacitySlices([
        {
          resourceId: RES,
          resourceName: 'aoai-a',
          deployment: 'ptu-west',
          day: unbilled,
          kind: 'provisioned',
          sku: 'GlobalProvisionedManaged',
          minutes: 1440,
          unitMinutes: 1440n,
          status: 'unpriced',
          reason: 'ptu-west: no hourly price for provisioned (PTU) global in westus',
        },
      ]),
    ];
    expect(out.every((s) => s.estimated)).toBe(true);
    const report = buildReport(out, { by: 'app', from: DAY, to: unbilled, currency: 'USD', basis: 'billed' });
    const rows = new Map(report.rows.map((r) => [r.key, r]));
    // The app: its token estimate, plus its share of the PTU estimate; the estimate column stays per request.
    expect(rows.get(APP)?.costNanos).toBe(250_000n + 1_000n);
    expect(rows.get(APP)?.billed).toMatchObject({ estimateNanos: 250_000n, estimatedDays: [unbilled] });
    expect(rows.get('(idle capacity: aoai-a)')?.costNanos).toBe(23_000n);
    expect(rows.get('(idle capacity: aoai-a)')?.billed?.estimatedDays).toEqual([unbilled]);
    const unpriced = rows.get('(unpriced capacity: aoai-a)');
    expect(unpriced).toMatchObject({
      pricing: 'unpriced',
      cost: null,
      unpricedRequests: 0,
      unpricedCapacityDays: 1,
    });
    expect(report.total).toMatchObject({ costNanos: 274_000n, pricing: 'partial' });
    expect(report.total.billed?.estimateNanos).toBe(250_000n);
  });
});
