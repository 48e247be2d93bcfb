import { describe, expect, it } from 'vitest';

import { compareGroup } from '../../../shared/report/auditRollups.js';
import { rollUp, rollupSliceId, sliceKey, type RecordAmounts } from '../../../shared/report/rollupMath.js';
import type { MeterPrice } from '../../../shared/report/sliceMeters.js';
import { visibleSlices } from '../../../shared/store/rollupSource.js';

// Meter ids and prices: Retail Prices catalog, eastus 2025-08 (test/fixtures/api-shapes/retail_aoai_meter_catalog_eastus_2025-08_derived.json).
const INPUT = 'babc1534-2115-5f32-98cb-29d58a11eb80'; // gpt-4o-0806-Inp-glbl Tokens, 0.0025 / 1K
const OUTPUT = 'cd976e6c-41ab-5881-a90f-eff2e0c1d9b0'; // gpt-4o-0806-Outp-glbl Tokens, 0.01 / 1K
const SETS: Record<string, readonly MeterPrice[]> = {
  list: [
    { meterId: INPUT, kind: 'input', unitPrice: '0.0025', unitSize: 1000 },
    { meterId: OUTPUT, kind: 'output', unitPrice: '0.01', unitSize: 1000 },
  ],
};
// gpt-4o-audio-preview 1217, global: text and audio meters of the same catalog.
const AUDIO_SET: readonly MeterPrice[] = [
  { meterId: '9bad3ef5-e194-5cc1-ae73-7b1cc1b543bc', kind: 'input', unitPrice: '0.0025', unitSize: 1000 },
  { meterId: '4bff3fbc-29f1-5daf-bce1-404141e454a5', kind: 'output', unitPrice: '0.01', unitSize: 1000 },
  { meterId: 'cac82bd8-a17e-5d38-a530-f19440aa467c', kind: 'audioInput', unitPrice: '0.04', unitSize: 1000 },
  { meterId: '3750121a-13ea-5dad-8806-9e82c2ca3047', kind: 'audioOutput', unitPrice: '0.08', unitSize: 1000 },
];
const pricesOf = (id: string) => (id === 'audio' ? AUDIO_SET : (SETS[id] ?? []));

const APP = '7d8a1c3e-2b4f-4e6a-9c1d-0f2e3a4b5c6d';
const DAY = '2026-11-20';
const PK = `${APP}|${DAY}`;
const RES_A =
  '/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/rg/providers/microsoft.cognitiveservices/accounts/aoai-a';
const RES_B = RES_A.replace('aoai-a', 'aoai-b');

const record = (fields: Partial<RecordAmounts>): RecordAmounts => ({
  day: DAY,
  appId: APP,
  appDisplayName: null,
  businessUnit: null,
  model: 'gpt-4o-2024-08-06',
  deploymentType: 'global',
  promptTokens: 1001,
  cachedTokens: 0,
  completionTokens: 3,
  reasoningTokens: 0,
  totalTokens: 1004,
  costNanos: 2_532_500,
  costStatus: 'priced',
  priceSetId: 'list',
  resourceId: RES_A,
  eventTime: `${DAY}T05:10:00Z`,
  ...fields,
});

describe('rollups for allocation (issue 16)', () => {
  it('split slices by resource, hashing the resource into the slice id', () => {
    const slices = rollUp(
      [record({}), record({ resourceId: RES_B }), record({ resourceId: null })],
      pricesOf,
    );
    expect(slices.map((s) => s.resourceId ?? null).sort()).toEqual([RES_A, RES_B, null].sort());
    const key = { day: DAY, appId: APP, model: 'm', deploymentType: 'global' };
    expect(rollupSliceId({ ...key, resourceId: RES_A }, 'g')).not.toBe(rollupSliceId(key, 'g'));
    // A slice without a resource keeps the key and id it had before resources existed.
    expect(sliceKey({ ...key, resourceId: null })).toBe(JSON.stringify(['m', 'global']));
  });

  it('count audio tokens on the audio meters and only the rest on the text meters (issue 15)', () => {
    // 1200 prompt tokens of which 1000 audio; 500 completion tokens of which 480 audio.
    const audio = record({
      model: 'gpt-4o-audio-preview-2024-12-17',
      priceSetId: 'audio',
      promptTokens: 1200,
      completionTokens: 500,
      totalTokens: 1700,
      tokenKinds: { audioInput: 1000, audioOutput: 480 },
      // 200×0.0025/1K + 20×0.01/1K + 1000×0.04/1K + 480×0.08/1K = 0.0005 + 0.0002 + 0.04 + 0.0384
      costNanos: 79_100_000,
    });
    const [slice] = rollUp([audio], pricesOf);
    const units = Object.fromEntries((slice?.meters ?? []).map((m) => [m.kind, [m.units, m.estimateNanos]]));
    expect(units).toEqual({
      input: [200, 500_000n],
      output: [20, 200_000n],
      audioInput: [1000, 40_000_000n],
      audioOutput: [480, 38_400_000n],
    });
  });

  it('carry units per meter and an estimate summed exactly, rounded once', () => {
    // 1001 input tokens at 0.0025/1K = 0.0025025 each; three of them 0.0075075 → 7_507_500 nanos.
    const [slice] = rollUp(
      [record({}), record({}), record({ promptTokens: 1001, completionTokens: 0 })],
      pricesOf,
    );
    expect(slice?.meters).toEqual([
      { meterId: INPUT, kind: 'input', units: 3003, estimateNanos: 7_507_500n },
      { meterId: OUTPUT, kind: 'output', units: 6, estimateNanos: 60_000n },
    ]);
  });

  it('round the estimate of sub-nano amounts once per slice, not per request', () => {
    // 0.0000001 per 1K tokens is 0.1 nano per token: seven requests of one token are 0.7 → 1 nano,
    // where rounding each request would give 0.
    const tiny: Record<string, readonly MeterPrice[]> = {
      t: [{ meterId: INPUT, kind: 'input', unitPrice: '0.0000001', unitSize: 1000 }],
    };
    const one = record({ priceSetId: 't', promptTokens: 1, completionTokens: 0 });
    const [slice] = rollUp(
      Array.from({ length: 7 }, () => one),
      (id) => tiny[id] ?? [],
    );
    expect(slice?.meters).toEqual([{ meterId: INPUT, kind: 'input', units: 7, estimateNanos: 1n }]);
  });

  it('count cached tokens on the cached meter and leave them out of input', () => {
    const cached = 'cached-meter';
    const sets = {
      c: [
        ...(SETS.list ?? []),
        { meterId: cached, kind: 'cachedInput' as const, unitPrice: '0.00125', unitSize: 1000 as const },
      ],
    };
    const [slice] = rollUp(
      [record({ priceSetId: 'c', promptTokens: 1000, cachedTokens: 400 })],
      (id) => sets[id as 'c'],
    );
    expect(slice?.meters?.map((m) => [m.meterId, m.units, m.estimateNanos])).toEqual([
      [INPUT, 600, 1_500_000n],
      [cached, 400, 500_000n],
      [OUTPUT, 3, 30_000n],
    ]);
  });

  it('sum provisioned traffic with the hours it used, and give it no meters', () => {
    const ptu = (hour: string) =>
      record({
        costStatus: 'provisioned',
        costNanos: null,
        priceSetId: null,
        eventTime: `${DAY}T${hour}:00:00Z`,
      });
    const [slice] = rollUp([ptu('00'), ptu('23'), ptu('23')], pricesOf);
    expect(slice?.meters).toBeUndefined();
    expect(slice?.provisioned).toEqual({
      requests: 3,
      promptTokens: 3003,
      cachedTokens: 0,
      completionTokens: 9,
      activeHourMask: 1 | (1 << 23),
    });
  });

  it('are the same whatever order the records come in', () => {
    const records = [
      record({}),
      record({ resourceId: RES_B, promptTokens: 7 }),
      record({ costStatus: 'provisioned', costNanos: null }),
    ];
    const byKey = (rs: RecordAmounts[]) => new Map(rollUp(rs, pricesOf).map((s) => [sliceKey(s), s]));
    expect(byKey([...records].reverse())).toEqual(byKey(records));
  });

  it('read from documents written before the new fields, and from ones with them', () => {
    const base = {
      pk: PK,
      docType: 'rollup',
      day: DAY,
      appId: APP,
      appDisplayName: null,
      businessUnit: null,
      model: 'gpt-4o',
      deploymentType: 'global',
      requests: 1,
      promptTokens: 1,
      cachedTokens: 0,
      completionTokens: 1,
      reasoningTokens: 0,
      totalTokens: 2,
      costNanos: '5',
      unpricedRequests: 0,
      computedAt: `${DAY}T00:00:00Z`,
    };
    const meters = [{ meterId: INPUT, kind: 'input', units: 1, estimateNanos: '2500' }];
    const { slices, unreadable } = visibleSlices([
      { ...base, id: 'old' },
      { ...base, id: 'new', resourceId: RES_A, meters },
    ]);
    expect(unreadable).toEqual([]);
    expect(slices.find((s) => s.id === 'old')?.meters).toBeUndefined();
    expect(slices.find((s) => s.id === 'new')).toMatchObject({
      resourceId: RES_A,
      meters: [{ meterId: INPUT, kind: 'input', units: 1, estimateNanos: 2500n }],
    });
  });

  it('are compared by the audit, meters and provisioned traffic included', () => {
    const computed = rollUp(
      [record({}), record({ costStatus: 'provisioned', costNanos: null, resourceId: RES_B })],
      pricesOf,
    );
    const stored = computed.map((s, i) => ({ ...s, id: `id${i}` }));
    expect(compareGroup(PK, stored, computed)).toEqual([]);
    const drifted = stored.map((s) =>
      s.meters === undefined ? s : { ...s, meters: s.meters.map((m) => ({ ...m, units: m.units + 1 })) },
    );
    expect(compareGroup(PK, drifted, computed)).toMatchObject([
      { id: 'id0', problem: expect.stringContaining('meters is') as unknown },
    ]);
    const noHours = stored.map((s) =>
      s.provisioned === undefined ? s : { ...s, provisioned: { ...s.provisioned, activeHourMask: 0 } },
    );
    expect(compareGroup(PK, noHours, computed)).toMatchObject([
      { id: 'id1', problem: expect.stringContaining('provisioned is') as unknown },
    ]);
  });
});
