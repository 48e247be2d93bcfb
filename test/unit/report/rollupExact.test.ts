import { describe, expect, it } from 'vitest';

import { compareGroup } from '../../../shared/report/auditRollups.js';
import { rollUp, rollupSliceId, sliceKey, type RecordAmounts } from '../../../shared/report/rollupMath.js';
import type { UsageSlice } from '../../../shared/report/types.js';
import { ROLLUP_FORMAT, visibleSlices } from '../../../shared/store/rollupSource.js';

const APP = '7d8a1c3e-2b4f-4e6a-9c1d-0f2e3a4b5c6d';
const DAY = '2026-11-20';
const PK = `${APP}|${DAY}`;

const record = (fields: Partial<RecordAmounts>): RecordAmounts => ({
  day: DAY,
  appId: APP,
  appDisplayName: null,
  businessUnit: null,
  model: 'gpt-4o-mini',
  deploymentType: 'global',
  promptTokens: 100,
  cachedTokens: 0,
  completionTokens: 20,
  reasoningTokens: 0,
  totalTokens: 120,
  costNanos: 1_000,
  ...fields,
});

describe('rollup slice ids', () => {
  const key = (model: string) => ({ day: DAY, appId: APP, model, deploymentType: 'global' });

  it('differ for models that differ only in / \\ ? # against _', () => {
    const models = ['m/1', 'm\\1', 'm?1', 'm#1', 'm_1', 'm|1', 'm%2F1'];
    const ids = models.map((m) => rollupSliceId(key(m), 'g'));
    expect(new Set(ids).size).toBe(models.length);
  });

  it('are 64 hex digits whatever the text, lone surrogates and U+FFFD kept apart', () => {
    const models = ['gpt-4o-\ud800', 'gpt-4o-\udfff', 'gpt-4o-\ufffd', 'x'.repeat(10_000), '', '../..'];
    const ids = models.map((m) => rollupSliceId(key(m), 'g'));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(ids).size).toBe(models.length);
  });

  it('do not meet when a separator moves between parts', () => {
    expect(rollupSliceId({ ...key('a|b'), deploymentType: 'c' }, 'g')).not.toBe(
      rollupSliceId({ ...key('a'), deploymentType: 'b|c' }, 'g'),
    );
    expect(sliceKey({ model: 'a|b', deploymentType: 'c' })).not.toBe(
      sliceKey({ model: 'a', deploymentType: 'b|c' }),
    );
  });
});

describe('rollUp', () => {
  it('keeps a model with | apart from another deployment type', () => {
    const slices = rollUp([
      record({ model: 'a|b', deploymentType: 'c' }),
      record({ model: 'a', deploymentType: 'b|c' }),
    ]);
    expect(slices).toHaveLength(2);
  });

  it('gives the same slices whatever the order of the records (the refresher and audit read separately)', () => {
    const records = [
      record({ appDisplayName: 'HR', businessUnit: 'People', _ts: 10, region: 'eastus' }),
      record({ appDisplayName: 'HR v2', businessUnit: 'People', _ts: 20, region: 'eastus' }),
      record({ appDisplayName: 'HR v3', businessUnit: null, _ts: 20, costNanos: null }),
      record({ model: 'gpt-4o', region: 'westus' }),
    ];
    const forward = rollUp(records);
    const backward = rollUp([...records].reverse());
    const byKey = (slices: UsageSlice[]) => new Map(slices.map((s) => [sliceKey(s), s]));
    expect(byKey(backward)).toEqual(byKey(forward));
    expect(byKey(forward).get(sliceKey({ model: 'gpt-4o-mini', deploymentType: 'global' }))).toMatchObject({
      appDisplayName: 'HR v3',
      businessUnit: null,
      requests: 3,
      unpricedRequests: 1,
      costNanos: 2_000n,
      region: null,
    });
  });
});

describe('visible rollup slices', () => {
  const doc = (id: string, extra: Record<string, unknown>) => ({
    id,
    pk: PK,
    docType: 'rollup',
    day: DAY,
    appId: APP,
    appDisplayName: null,
    businessUnit: null,
    model: 'gpt-4o-mini',
    deploymentType: 'global',
    requests: 1,
    promptTokens: 1,
    cachedTokens: 0,
    completionTokens: 1,
    reasoningTokens: 0,
    totalTokens: 2,
    costNanos: '5',
    unpricedRequests: 0,
    computedAt: '2026-11-20T00:00:00Z',
    ...extra,
  });

  it('are the committed generation only, or the slices without one before any commit', () => {
    const legacy = doc('rollup|old', {});
    const committed = doc('a', { gen: 'g2' });
    const lost = doc('b', { gen: 'g3' });
    const commit = { id: 'c', pk: PK, docType: 'rollupGroup', day: DAY, gen: 'g2' };
    expect(visibleSlices([legacy, committed, lost, commit]).slices.map((s) => s.id)).toEqual(['a']);
    expect(visibleSlices([legacy, committed, lost]).slices.map((s) => s.id)).toEqual(['rollup|old']);
  });

  it('count a committed draft, and name a `rollup` document of another generation as a stray', () => {
    const commit = { id: 'c', pk: PK, docType: 'rollupGroup', day: DAY, gen: 'g2' };
    const draft = doc('d', { docType: 'rollupDraft', gen: 'g2' });
    const otherDraft = doc('e', { docType: 'rollupDraft', gen: 'g9' });
    const stray = doc('f', { gen: 'g1' });
    const stored = visibleSlices([commit, draft, otherDraft, stray]);
    expect(stored.slices).toMatchObject([{ id: 'd', docType: 'rollup' }]);
    expect(stored.strays).toMatchObject([{ id: 'f', pk: PK }]);
    expect(visibleSlices([otherDraft]).slices).toEqual([]);
  });

  it('mark a group committed by an older release (no or an older format) for recompute on read', () => {
    const committed = doc('a', { gen: 'g2' });
    const old = { id: 'c', pk: PK, docType: 'rollupGroup', day: DAY, gen: 'g2' };
    const current = { ...old, format: ROLLUP_FORMAT };
    expect(visibleSlices([committed, old]).legacyGroups).toEqual([PK]);
    expect(visibleSlices([committed, { ...old, format: ROLLUP_FORMAT - 1 }]).legacyGroups).toEqual([PK]);
    expect(visibleSlices([committed, current]).legacyGroups).toEqual([]);
  });

  it('name a damaged document instead of dropping it', () => {
    const { slices, unreadable } = visibleSlices([doc('bad', { costNanos: '1.5' })]);
    expect(slices).toEqual([]);
    expect(unreadable).toMatchObject([{ id: 'bad', pk: PK }]);
    expect(unreadable[0]?.error).toContain('costNanos');
  });
});

describe('compareGroup', () => {
  const computed = rollUp([record({}), record({ model: 'gpt-4o' })]);
  const stored = computed.map((s, i) => ({ ...s, id: `id${i}` }));

  it('finds nothing when the stored slices are what the records give', () => {
    expect(compareGroup(PK, stored, computed)).toEqual([]);
  });

  it('names a drifted amount, a slice no record supports, one stored twice, and a missing one', () => {
    const [first, second] = stored;
    if (first === undefined || second === undefined) throw new Error('two slices expected');
    expect(compareGroup(PK, [{ ...first, costNanos: 1n }, second], computed)).toMatchObject([
      { id: 'id0', model: 'gpt-4o-mini', problem: 'costNanos is "1", the records give "1000"' },
    ]);
    expect(
      compareGroup(PK, [...stored, { ...first, id: 'ghost', model: 'gpt-ghost' }], computed),
    ).toMatchObject([{ id: 'ghost', problem: 'stored, but no record supports it' }]);
    expect(compareGroup(PK, [...stored, { ...first, id: 'again' }], computed)).toMatchObject([
      { id: 'again', problem: 'stored twice (counted twice by reports)' },
    ]);
    expect(compareGroup(PK, [first], computed)).toMatchObject([
      { id: null, model: 'gpt-4o', day: DAY, appId: APP },
    ]);
  });
});
