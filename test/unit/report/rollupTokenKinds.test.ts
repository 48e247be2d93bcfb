import { describe, expect, it } from 'vitest';

import { compareGroup } from '../../../shared/report/auditRollups.js';
import { rollUp, type RecordAmounts } from '../../../shared/report/rollupMath.js';

const record = (over: Partial<RecordAmounts>): RecordAmounts => ({
  day: '2026-11-10',
  appId: '7d8a1c3e-2b4f-4e6a-9c1d-0f2e3a4b5c6d',
  appDisplayName: 'HR Assistant',
  businessUnit: 'HR',
  model: 'gpt-4o-audio-preview-2024-12-17',
  deploymentType: 'global',
  promptTokens: 1117,
  cachedTokens: 0,
  completionTokens: 530,
  reasoningTokens: 0,
  totalTokens: 1647,
  costNanos: 1000,
  ...over,
});

describe('rollups carry the token kinds, summed per kind', () => {
  it('adds each kind over the records, in any order, and keeps only the kinds that occur', () => {
    const records = [
      record({ tokenKinds: { audioInput: 1000, audioOutput: 480 } }),
      record({}),
      record({ tokenKinds: { audioInput: 20, imageInput: 7 } }),
    ];
    const [slice] = rollUp(records);
    expect(slice?.tokenKinds).toEqual({ audioInput: 1020, audioOutput: 480, imageInput: 7 });
    expect(rollUp([...records].reverse())[0]?.tokenKinds).toEqual(slice?.tokenKinds);
  });

  it('a text-only slice has no tokenKinds field, as before', () => {
    const [slice] = rollUp([record({}), record({ tokenKinds: null })]);
    expect(slice !== undefined && 'tokenKinds' in slice).toBe(false);
  });

  it('audit finds a stored slice whose kinds disagree with the records', () => {
    const computed = rollUp([record({ tokenKinds: { audioInput: 5 } })]);
    const [want] = computed;
    if (want === undefined) throw new Error('no slice');
    const stored = [{ ...want, id: 'x', tokenKinds: { audioInput: 4 } }];
    const [difference] = compareGroup(`${want.appId}|${want.day}`, stored, computed);
    expect(difference?.problem).toBe('tokenKinds is {"audioInput":4}, the records give {"audioInput":5}');
    expect(compareGroup(`${want.appId}|${want.day}`, [{ ...want, id: 'x' }], computed)).toEqual([]);
  });
});
