import { Agent } from 'node:https';

import type { Database } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startCosmosStandIn, type LocalCosmos } from '../../local/cosmosStandIn.js';
import type { KeyAllocation } from '../../shared/invoice/billedShares.js';
import { CosmosAllocations } from '../../shared/invoice/cosmosAllocations.js';
import { usageDigestsByDay } from '../../shared/invoice/usageDigest.js';
import { openDatabase } from '../../shared/store/cosmosClient.js';

// Allocations are committed by one conditional write of the month's run document: of two writers
// that started from the same state, one wins and the other's documents are removed, and a committing
// writer never deletes the documents of a run still being written.
let cosmos: LocalCosmos;
let database: Database;

const RESOURCE = '/subscriptions/s/resourcegroups/rg/providers/microsoft.cognitiveservices/accounts/a';
const key = (day: string, meterId: string, nanos: bigint): KeyAllocation => ({
  resourceId: RESOURCE,
  resourceName: 'a',
  meterId,
  meterName: `meter ${meterId}`,
  meterKind: 'tokens',
  day,
  currency: 'USD',
  effectiveCostNanos: nanos,
  billedCostNanos: nanos,
  shares: [
    {
      appId: null,
      label: '(unallocated: a)',
      kind: 'unallocated',
      effectiveNanos: nanos,
      billedNanos: nanos,
    },
  ],
});
const month = (nanos: bigint) => ({
  keys: [key('2026-11-02', 'm1', nanos), key('2026-11-03', 'm2', nanos)],
  usageDigests: usageDigestsByDay([], ['2026-11-02', '2026-11-03']),
});
const total = async (store: CosmosAllocations) =>
  (await store.read('2026-11-01', '2026-11-30')).keys.reduce((sum, k) => sum + k.effectiveCostNanos, 0n);
const documents = async () =>
  (
    await database
      .container('invoice')
      .items.query<{ runId: string }>("SELECT c.runId FROM c WHERE c.docType = 'allocation'")
      .fetchAll()
  ).resources.map((r) => r.runId);

beforeAll(async () => {
  cosmos = await startCosmosStandIn();
  const agent = new Agent({ ca: cosmos.cert, keepAlive: true });
  database = await openDatabase({ endpoint: cosmos.endpoint, key: cosmos.key, database: 'alloc', agent }, []);
});

afterAll(async () => {
  database.client.dispose();
  await cosmos.close();
});

describe('committing a month of allocations', () => {
  it('of two writers from the same state, one commits and the other leaves nothing behind', async () => {
    const store = await CosmosAllocations.open(database);
    const state = await store.runState('2026-11');
    const results = await Promise.all([
      store.replaceMonth('2026-11', month(5n), state),
      store.replaceMonth('2026-11', month(7n), state),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results[0] ? 10n : 14n;
    expect(await total(store)).toBe(winner);
    const committed = (await store.runState('2026-11')).runId;
    expect(await documents()).toEqual([committed, committed]);
  });

  it('deletes the generation it replaced and old orphans, never a run that may still be written', async () => {
    const store = await CosmosAllocations.open(database);
    const container = database.container('invoice');
    const replaced = (await store.runState('2026-11')).runId;
    // Documents of a run that has not committed (yet): a concurrent writer, or one that crashed.
    const pending = { ...key('2026-11-04', 'm3', 1n), effectiveCostNanos: '1', billedCostNanos: '1' };
    await container.items.create({
      ...pending,
      shares: [],
      id: 'pending-run-doc',
      pk: 'allocation|2026-11',
      docType: 'allocation',
      runId: 'still-writing',
    });
    expect(await store.replaceMonth('2026-11', month(3n), await store.runState('2026-11'))).toBe(true);
    expect(await total(store)).toBe(6n);
    const committed = (await store.runState('2026-11')).runId;
    expect(committed).not.toBe(replaced);
    expect((await documents()).sort()).toEqual([committed, committed, 'still-writing'].sort());
    // A stale state never commits, and leaves the committed figures alone.
    expect(await store.replaceMonth('2026-11', month(9n), { etag: '"stale"', runId: committed })).toBe(false);
    expect(await total(store)).toBe(6n);
    // An hour later the uncommitted run is an orphan: the next commit removes it.
    const later = new Date(Date.now() + 2 * 3600_000);
    expect(await store.replaceMonth('2026-11', month(4n), await store.runState('2026-11'), later)).toBe(true);
    const latest = (await store.runState('2026-11')).runId;
    expect(await documents()).toEqual([latest, latest]);
    expect(await store.read('2026-11-01', '2026-11-30')).toMatchObject({
      billedDays: ['2026-11-02', '2026-11-03'],
      usageDigests: usageDigestsByDay([], ['2026-11-02', '2026-11-03']),
    });
  });
});
