import { describe, expect, it } from 'vitest';

import { usageRowsOfSlices } from '../../../shared/invoice/usageOfSlices.js';
import type { UsageSlice } from '../../../shared/report/types.js';

// Meter ids: Retail Prices catalog, eastus 2025-08 (test/fixtures/api-shapes/retail_aoai_meter_catalog_eastus_2025-08_derived.json).
const INPUT = 'babc1534-2115-5f32-98cb-29d58a11eb80';
const OUTPUT = 'cd976e6c-41ab-5881-a90f-eff2e0c1d9b0';
const RES =
  '/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/rg/providers/microsoft.cognitiveservices/accounts/aoai-a';
const APP = '7d8a1c3e-2b4f-4e6a-9c1d-0f2e3a4b5c6d';

const slice = (fields: Partial<UsageSlice>): UsageSlice => ({
  day: '2026-11-20',
  appId: APP,
  appDisplayName: null,
  businessUnit: null,
  model: 'gpt-4o-2024-08-06',
  deploymentType: 'global',
  requests: 1,
  promptTokens: 100,
  cachedTokens: 0,
  completionTokens: 10,
  reasoningTokens: 0,
  totalTokens: 110,
  costNanos: 350_000n,
  unpricedRequests: 0,
  resourceId: RES,
  ...fields,
});

describe('usage rows of rollup slices', () => {
  it('give one meter row per meter and kind, summed over slices of the same key', () => {
    const meters = [
      { meterId: INPUT.toUpperCase(), kind: 'input' as const, units: 100, estimateNanos: 250_000n },
      { meterId: OUTPUT, kind: 'output' as const, units: 10, estimateNanos: 100_000n },
    ];
    const rows = usageRowsOfSlices([slice({ meters }), slice({ deploymentType: 'datazone', meters })]);
    expect(rows).toEqual([
      {
        resourceId: RES,
        day: '2026-11-20',
        appId: APP,
        modelFamily: 'gpt-4o',
        basis: 'meter',
        meterId: INPUT,
        tokenKind: 'input',
        units: 200n,
        estimateNanos: 500_000n,
      },
      {
        resourceId: RES,
        day: '2026-11-20',
        appId: APP,
        modelFamily: 'gpt-4o',
        basis: 'meter',
        meterId: OUTPUT,
        tokenKind: 'output',
        units: 20n,
        estimateNanos: 200_000n,
      },
    ]);
  });

  it('give provisioned rows per token kind with the hours used, and ft hosting rows for fine-tuned models', () => {
    const provisioned = {
      requests: 2,
      promptTokens: 300,
      cachedTokens: 100,
      completionTokens: 50,
      activeHourMask: 0b11,
    };
    const ptu = usageRowsOfSlices([
      slice({ provisioned }),
      slice({ provisioned: { ...provisioned, activeHourMask: 0b100 } }),
    ]);
    expect(ptu.map((r) => [r.basis, r.tokenKind, r.units, r.activeHourMask])).toEqual([
      ['provisioned', 'input', 400n, 0b111],
      ['provisioned', 'cachedInput', 200n, 0b111],
      ['provisioned', 'output', 100n, 0b111],
    ]);
    const ft = usageRowsOfSlices([slice({ model: 'gpt-4.1-mini-2025-04-14.ft-0123abcd' })]);
    expect(ft).toMatchObject([{ basis: 'ftHosting', modelFamily: 'gpt-4.1-mini', units: 110n }]);
    // A job suffix the customer chose: fine-tuned for the hosting share as it is for the -ft meters.
    const suffixed = usageRowsOfSlices([slice({ model: 'gpt-4.1-mini-2025-04-14.ft-0123abcd-support_v2' })]);
    expect(suffixed).toMatchObject([{ basis: 'ftHosting', modelFamily: 'gpt-4.1-mini', units: 110n }]);
  });

  it('give nothing for a slice without a resource: it cannot meet a bill line', () => {
    expect(
      usageRowsOfSlices([
        slice({ resourceId: null, meters: [{ meterId: INPUT, kind: 'input', units: 1, estimateNanos: 1n }] }),
      ]),
    ).toEqual([]);
  });
});
