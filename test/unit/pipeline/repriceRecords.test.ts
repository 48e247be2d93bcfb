import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import type { DeploymentEntry } from '../../../shared/config.js';
import type { AppIdentity } from '../../../shared/identity/types.js';
import { repriceRecords } from '../../../shared/pipeline/backfill/prices.js';
import type { RecordSelection, UsageRecordStore } from '../../../shared/pipeline/backfill/recordStore.js';
import { buildRecord } from '../../../shared/pipeline/buildRecord.js';
import type { Pricer } from '../../../shared/pipeline/ports.js';
import type { UsageRecord } from '../../../shared/pipeline/record.js';
import { PriceBook } from '../../../shared/pricing/priceBook.js';
import { createPricer } from '../../../shared/pricing/pricer.js';
import { toPriceDocs, toPriceRows } from '../../../shared/pricing/priceRows.js';
import { SETTLED_BY_EVENT } from '../../../shared/pricing/repriceFingerprint.js';
import type { RetailPriceItem } from '../../../shared/pricing/types.js';
import { testUsage } from '../../helpers/usage.js';

// The demo's snapshot from the Retail Prices API: gpt-4o 0806 input 0.0025/1K global, 0.00275 data zone.
const items = JSON.parse(
  readFileSync(new URL('../../../samples/retail-prices-snapshot.json', import.meta.url), 'utf8'),
) as RetailPriceItem[];
const book = new PriceBook(toPriceRows(toPriceDocs(items, 'USD', '2025-09-01T00:00:00Z').docs), 'USD', 'x');
const IDENTITY: AppIdentity = {
  status: 'resolved',
  displayName: 'app',
  businessUnit: 'unit',
  servicePrincipalType: null,
};

const pricerWith = (deployments: Record<string, DeploymentEntry>, withBook = true): Pricer =>
  createPricer(withBook ? book : null, {
    currency: 'USD',
    deployments,
    defaultRegion: 'eastus',
    defaultDeploymentType: 'global',
    overrides: undefined,
  });

/** An in-memory `usage`: the selections as the Cosmos queries define them, ETags bumped per write. */
function memoryStore(records: readonly UsageRecord[]) {
  const docs = new Map(records.map((r) => [r.id, { record: r, etag: '1' }]));
  const matches = (selection: RecordSelection, r: UsageRecord) => {
    if (selection.kind === 'pendingIdentity') return r.identityStatus === 'pending';
    if (selection.kind === 'unpriced') return r.costStatus === 'unpriced';
    if (selection.kind === 'pendingIdentityOf')
      return r.identityStatus === 'pending' && selection.appIds.includes(r.appId);
    const stamp = r.repriceCheckedAgainst;
    const { key, book: bookStamp } = selection.current;
    return stamp === undefined || ![SETTLED_BY_EVENT, key, bookStamp].includes(stamp);
  };
  const selected = (selection: RecordSelection) =>
    [...docs.values()]
      .filter(({ record }) => matches(selection, record))
      .sort((a, b) => a.record.eventTime.localeCompare(b.record.eventTime));
  const store: UsageRecordStore = {
    collect: (selection, limit) => {
      const all = selected(selection);
      return Promise.resolve({
        records: all.slice(0, limit),
        more: all.length > limit,
        invalid: 0,
      });
    },
    count: (selection) => Promise.resolve(selected(selection).length),
    pendingApps: () =>
      Promise.resolve([...new Set(selected({ kind: 'pendingIdentity' }).map(({ record }) => record.appId))]),
    replaceIfUnchanged: (next, etag) => {
      const doc = docs.get(next.id);
      if (doc === undefined) return Promise.resolve('gone');
      if (doc.etag !== etag) return Promise.resolve('conflict');
      docs.set(next.id, { record: next, etag: String(Number(etag) + 1) });
      return Promise.resolve('replaced');
    },
  };
  return { store, get: (id: string) => docs.get(id)?.record };
}

function ports(pricer: Pricer) {
  const marked: string[] = [];
  return {
    marked,
    pricing: { current: () => Promise.resolve(pricer), invalidate: () => undefined },
    ingest: {
      savePriceSets: () => Promise.resolve(),
      markRollupsDirty: (groups: readonly { day: string; appId: string }[], notBefore?: Date) => {
        if (notBefore === undefined) marked.push(...groups.map((g) => `${g.appId}|${g.day}`));
        return Promise.resolve();
      },
    },
  };
}

const record = (id: string, fields: Parameters<typeof testUsage>[0], pricer: Pricer) =>
  buildRecord(testUsage({ id, promptTokens: 5000, ...fields }), IDENTITY, pricer).record;

describe('repriceRecords', () => {
  const before = pricerWith({});
  const after = pricerWith({ 'chat-dz': { deploymentType: 'datazone' } });

  it('re-prices and marks only records whose price changes; the rest are stamped and left out of rollups', async () => {
    const moved = record('moved', { deployment: 'chat-dz' }, before);
    const unmoved = record('unmoved', { deployment: 'other' }, before);
    expect(moved).toMatchObject({ deploymentType: 'global', costNanos: 12_500_000 });
    const { store, get } = memoryStore([moved, unmoved]);
    const { pricing, ingest, marked } = ports(after);

    const result = await repriceRecords(store, pricing, ingest, 10);
    expect(result).toMatchObject({ examined: 2, repriced: 1, untried: 0, stillUnpriced: 0 });
    expect(get('moved')).toMatchObject({
      deploymentType: 'datazone',
      costNanos: 13_750_000,
      priceKeySources: { deploymentType: 'map' },
      repriceCheckedAgainst: after.fingerprint?.key,
    });
    expect(get('unmoved')).toMatchObject({
      costNanos: 12_500_000,
      repriceCheckedAgainst: after.fingerprint?.key,
    });
    expect(marked).toEqual([moved.pk]);
  });

  it('leaves records whose every key part came from the event alone', async () => {
    const own = record('own', { deployment: 'chat-dz', deploymentType: 'global', region: 'eastus' }, before);
    expect(own.repriceCheckedAgainst).toBe(SETTLED_BY_EVENT);
    const { store } = memoryStore([own]);
    const { pricing, ingest } = ports(after);
    expect(await repriceRecords(store, pricing, ingest, 10)).toMatchObject({ examined: 0, repriced: 0 });
  });

  it('without a readable book, does not run (a reason stays, nothing counts as tried)', async () => {
    const unpriced = record('waiting', {}, pricerWith({}, false));
    expect(unpriced).toMatchObject({ unpricedReason: 'no price book' });
    expect(unpriced.repriceCheckedAgainst).toBeUndefined();
    const { store, get } = memoryStore([unpriced]);
    const { pricing, ingest } = ports(pricerWith({}, false));
    await expect(repriceRecords(store, pricing, ingest, 10)).rejects.toThrow(/no price book/);
    expect(get('waiting')).toEqual(unpriced);
  });

  it('a record another run changed meanwhile (412) is not stamped, so the next run tries it', async () => {
    const moved = record('moved', { deployment: 'chat-dz' }, before);
    const { store, get } = memoryStore([moved]);
    const racing: UsageRecordStore = { ...store, replaceIfUnchanged: () => Promise.resolve('conflict') };
    const { pricing, ingest } = ports(after);
    expect(await repriceRecords(racing, pricing, ingest, 10)).toMatchObject({
      examined: 1,
      repriced: 0,
      conflicts: 1,
      untried: 1,
      more: true,
    });
    expect(get('moved')).toEqual(moved);
  });

  it('stamps what it checked even when the pricer cannot say where a key came from, so it is not checked again', async () => {
    const legacy = record('legacy', { deployment: 'chat-dz' }, before);
    const { priceKeySources: _s, repriceCheckedAgainst: _c, ...old } = legacy;
    const { store, get } = memoryStore([old]);
    // A pricer with a fingerprint but no `sourcesOf` (as a wrapper around the real one might be).
    const { sourcesOf: _drop, ...sourceless } = after;
    const { pricing, ingest } = ports(sourceless);
    expect(await repriceRecords(store, pricing, ingest, 10)).toMatchObject({ examined: 1, repriced: 1 });
    expect(get('legacy')).toMatchObject({ repriceCheckedAgainst: after.fingerprint?.key });
    expect(await repriceRecords(store, pricing, ingest, 10)).toMatchObject({ examined: 0 });
  });
});
