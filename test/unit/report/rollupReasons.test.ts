import { describe, expect, it } from 'vitest';

import { rollUp, type RecordAmounts } from '../../../shared/report/rollupMath.js';

const record = (over: Partial<RecordAmounts>): RecordAmounts => ({
  day: '2026-11-10',
  appId: '7d8a1c3e-2b4f-4e6a-9c1d-0f2e3a4b5c6d',
  appDisplayName: 'HR Assistant',
  businessUnit: 'HR',
  model: 'gpt-4o',
  deploymentType: 'global',
  promptTokens: 10,
  cachedTokens: 0,
  completionTokens: 5,
  reasoningTokens: 0,
  totalTokens: 15,
  costNanos: 1000,
  ...over,
});

describe('rollups keep why requests are unpriced', () => {
  it('collects the distinct reasons of the unpriced records, sorted, and none for priced ones', () => {
    const [slice] = rollUp([
      record({ costNanos: null, unpricedReason: 'price book unavailable' }),
      record({}),
      record({ costNanos: null, unpricedReason: 'ambiguous version' }),
      record({ costNanos: null, unpricedReason: 'price book unavailable' }),
    ]);
    expect(slice).toMatchObject({
      requests: 4,
      unpricedRequests: 3,
      costNanos: 1000n,
      unpricedReasons: ['ambiguous version', 'price book unavailable'],
    });
    expect(rollUp([record({})])[0]?.unpricedReasons).toEqual([]);
  });
});
