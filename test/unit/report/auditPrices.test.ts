import { describe, expect, it } from 'vitest';

import { buildAudit, namedPriceSets } from '../../../shared/report/audit.js';
import type { AuditInputs, RecordRow } from '../../../shared/report/auditSources.js';
import { rollUp, type RecordAmounts } from '../../../shared/report/rollupMath.js';

const DAY = '2026-11-20';
const record = (id: string, fields: Partial<RecordRow>): RecordRow => ({
  id,
  day: DAY,
  costStatus: 'priced',
  identityStatus: 'resolved',
  unpricedReason: null,
  ...fields,
});

describe('price-set traceability in the audit', () => {
  const inputs: AuditInputs = {
    records: [
      record('a', { priceSetId: 'stored' }),
      record('b', { priceSetId: 'gone' }),
      record('c', { priceSetId: 'gone' }),
      record('d', { priceSetId: null }), // priced, yet names nothing
      record('e', { priceSetId: null, prices: [{ meterId: 'm1' }] }), // written before price sets: inline
      record('f', { costStatus: 'unpriced', priceSetId: null, unpricedReason: 'no price book' }),
    ],
    deadLetters: [],
    ledgers: [{ day: DAY, recordIds: ['a', 'b', 'c', 'd', 'e', 'f'], deadLetterIds: [] }],
    spills: [],
  };

  it('counts priced records whose set is not stored, or that name none, and unbalances the books', () => {
    expect(namedPriceSets(inputs).sort()).toEqual(['gone', 'stored']);
    const audit = buildAudit({ from: DAY, to: DAY }, inputs, new Set(), new Set(), new Set(['stored']));
    expect(audit.untraceablePrices).toBe(3);
    expect(audit.missingPriceSets).toEqual(['gone']);
    expect(audit.total).toMatchObject({ seen: 6, records: 6, missing: 0, unledgered: 0 });
    expect(audit.balanced).toBe(false);
  });

  it('balances when every set is stored', () => {
    const audit = buildAudit(
      { from: DAY, to: DAY },
      inputs,
      new Set(),
      new Set(),
      new Set(['stored', 'gone']),
    );
    expect(audit.untraceablePrices).toBe(1); // `d` still names nothing
    const fixed = { ...inputs, records: inputs.records.filter((r) => r.id !== 'd') };
    expect(
      buildAudit({ from: DAY, to: DAY }, fixed, new Set(['d']), new Set(), new Set(['stored', 'gone'])),
    ).toMatchObject({ untraceablePrices: 0, balanced: true });
  });
});

describe('rollUp names the meters of each slice', () => {
  const base: RecordAmounts = {
    day: DAY,
    appId: 'app',
    appDisplayName: null,
    businessUnit: null,
    model: 'gpt-4o-2024-08-06',
    deploymentType: 'global',
    promptTokens: 10,
    cachedTokens: 0,
    completionTokens: 5,
    reasoningTokens: 0,
    totalTokens: 15,
    costNanos: 100,
    region: 'eastus',
  };

  it('from price sets, and from inline prices on records written before them', () => {
    const sets: Record<string, readonly string[]> = { s1: ['m-in', 'm-out'], s2: ['m-in', 'm-cached'] };
    const [slice, ...rest] = rollUp(
      [
        { ...base, priceSetId: 's1' },
        { ...base, priceSetId: 's2' },
        { ...base, priceSetId: null, prices: [{ meterId: 'm-legacy' }] },
        { ...base, priceSetId: null, costNanos: null },
      ],
      (id) => sets[id] ?? [],
    );
    expect(rest).toEqual([]);
    expect(slice?.meterIds).toEqual(['m-cached', 'm-in', 'm-legacy', 'm-out']);
    expect(slice).toMatchObject({ requests: 4, costNanos: 300n, unpricedRequests: 1 });
  });
});
