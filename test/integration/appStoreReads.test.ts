import { Agent } from 'node:https';

import type { Database } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startCosmosStandIn, type LocalCosmos } from '../../local/cosmosStandIn.js';
import type { AppCacheDoc } from '../../shared/identity/appDocs.js';
import { openDatabase } from '../../shared/store/cosmosClient.js';
import { CosmosAppStore } from '../../shared/store/cosmosAppStore.js';
import { startFaultProxy, type FaultProxy } from '../helpers/faultProxy.js';

/** Deterministic GUIDs: `00000000-0000-4000-8000-<12 hex of n>`. */
const appId = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

const cacheDoc = (n: number): AppCacheDoc => ({
  id: appId(n),
  pk: appId(n),
  docType: 'app',
  appId: appId(n),
  status: 'resolved',
  displayName: `App ${n}`,
  servicePrincipalType: 'Application',
  tags: [],
  businessUnitFromTag: null,
  resolvedAt: '2026-11-01T00:00:00.000Z',
  lastSeen: '2026-11-01',
});

let cosmos: LocalCosmos;
let proxy: FaultProxy;
let database: Database;
let store: CosmosAppStore;

let direct: Database;

beforeAll(async () => {
  cosmos = await startCosmosStandIn();
  // keepAlive, as services.ts does: without it, requests relayed by the proxy came back 400.
  const agent = new Agent({ ca: cosmos.cert, keepAlive: true });
  // Created and seeded directly; the store under test then goes through a pass-through proxy (no
  // faults) that logs every document request the SDK sends.
  direct = await openDatabase({ endpoint: cosmos.endpoint, key: cosmos.key, database: 'appreads', agent }, [
    'apps',
  ]);
  const seeding = new CosmosAppStore(direct.container('apps'));
  await seeding.write(Array.from({ length: 20 }, (_, n) => cacheDoc(n)));
  await seeding.setBusinessUnit(appId(3), 'Finance', new Date('2026-11-02T00:00:00Z'));
  proxy = await startFaultProxy({ target: cosmos.endpoint, targetCa: cosmos.cert, seed: 1, failureRate: 0 });
  database = await openDatabase({ endpoint: proxy.url, key: cosmos.key, database: 'appreads', agent }, [
    'apps',
  ]);
  store = new CosmosAppStore(database.container('apps'));
});

afterAll(async () => {
  database.client.dispose();
  direct.client.dispose();
  await proxy.close();
  await cosmos.close();
});

/** The document requests one read of these apps sends. */
async function requestsToRead(ids: readonly string[]) {
  proxy.stats.documentLog.length = 0;
  const result = await store.read(ids);
  return { result, log: [...proxy.stats.documentLog] };
}

describe('the apps container is read by point reads, not a cross-partition query', () => {
  const wanted = [appId(1), appId(3), appId(7), appId(999)];

  it('reads the cache entry and the override of each app, 2 point reads per app and no query', async () => {
    const { result, log } = await requestsToRead(wanted);
    expect([...result.cache.keys()].sort()).toEqual([appId(1), appId(3), appId(7)]);
    expect(result.cache.get(appId(7))?.displayName).toBe('App 7');
    expect(result.overrides).toEqual(new Map([[appId(3), 'Finance']]));
    expect(log.filter((line) => line.endsWith('(query)'))).toEqual([]);
    const docPath = (id: string) => `GET /dbs/appreads/colls/apps/docs/${encodeURIComponent(id)}`;
    expect(log.sort()).toEqual(wanted.flatMap((id) => [docPath(id), docPath(`${id}|override`)]).sort());
  });

  it('sends the same requests however many apps the container holds', async () => {
    const before = (await requestsToRead(wanted)).log;
    await new CosmosAppStore(direct.container('apps')).write(
      Array.from({ length: 200 }, (_, n) => cacheDoc(1_000 + n)),
    );
    const after = (await requestsToRead(wanted)).log;
    expect(after.sort()).toEqual(before.sort());
  });

  it('reads nothing for no apps, and each app once when named twice', async () => {
    expect((await requestsToRead([])).log).toEqual([]);
    expect((await requestsToRead([appId(1), appId(1)])).log).toHaveLength(2);
  });
});
