import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { createServices, type Services } from '../../shared/app/services.js';
import { loadSettings } from '../../shared/config.js';
import { createGraphDirectory, type GraphDirectoryOptions } from '../../shared/identity/graphDirectory.js';
import { createIdentityResolver } from '../../shared/identity/identityResolver.js';

/** Deterministic GUIDs for generated apps: `00000000-0000-4000-8000-<12 hex of n>`. */
const appId = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

let stack: LocalStack;
let services: Services;

beforeAll(async () => {
  const servicePrincipals = Array.from({ length: 100 }, (_, n) => ({
    id: randomUUID(),
    appId: appId(n),
    displayName: `App ${n}`,
    servicePrincipalType: n === 7 ? 'ManagedIdentity' : 'Application',
    tags: n % 2 === 0 ? [`businessUnit:Unit ${n % 3}`] : [],
  }));
  stack = await startLocalStack({ servicePrincipals });
  services = await createServices(
    loadSettings({ ...stack.env, COSMOS_DATABASE: `identity-${randomUUID()}` }),
    {
      trustedCa: stack.trustedCa,
    },
  );
});

afterAll(async () => {
  await services.close();
  await stack.stop();
});

/** A resolver as ingest builds it, over the shared `apps` container and the Graph stand-in. */
function coldResolver(options: Partial<GraphDirectoryOptions> = {}) {
  const directory = createGraphDirectory({
    baseUrl: stack.graph.url,
    auth: 'none',
    trustedCa: stack.trustedCa,
    ...options,
  });
  return {
    directory,
    resolver: createIdentityResolver({
      directory,
      apps: services.apps,
      businessUnitTagPrefix: 'businessUnit:',
    }),
  };
}

describe('identity resolver over Graph, the apps container and the LRU', () => {
  it('resolves 45 new apps in ceil(45/20) = 3 Graph requests, then 0 when warm', async () => {
    const ids = Array.from({ length: 45 }, (_, n) => appId(n));
    const { directory, resolver } = coldResolver();
    const first = await resolver.resolve(ids);
    expect(directory.stats.requests).toBe(3);
    expect(first.get(appId(4))).toEqual({
      status: 'resolved',
      displayName: 'App 4',
      businessUnit: 'Unit 1',
      servicePrincipalType: 'Application',
    });
    expect(first.get(appId(7))?.servicePrincipalType).toBe('ManagedIdentity');
    expect(first.get(appId(5))?.businessUnit).toBeNull();

    await resolver.resolve(ids);
    expect(directory.stats.requests).toBe(3);
    expect(resolver.takeStats()).toMatchObject({ memoryHits: 45, graphLookups: 45 });

    // A cold start of another instance reads the shared apps container instead of Graph.
    const other = coldResolver();
    const again = await other.resolver.resolve(ids);
    expect(other.directory.stats.requests).toBe(0);
    expect(again.get(appId(4))?.displayName).toBe('App 4');
    expect(other.resolver.takeStats()).toMatchObject({ storeHits: 45, graphLookups: 0 });
    await Promise.all([directory.close(), other.directory.close()]);
  });

  it('shares one lookup between overlapping batches', async () => {
    const ids = [appId(50), appId(51), appId(52)];
    const { directory, resolver } = coldResolver();
    const [a, b] = await Promise.all([resolver.resolve(ids), resolver.resolve([...ids].reverse())]);
    expect(directory.stats.requests).toBe(1);
    expect(a.get(appId(51))?.displayName).toBe('App 51');
    expect(b.get(appId(51))?.displayName).toBe('App 51');
    await directory.close();
  });

  it('fills whole $batch requests with the new apps of concurrent batches', async () => {
    const sets = [
      [60, 75],
      [75, 90],
      [90, 100],
    ].map(([from = 0, to = 0]) => Array.from({ length: to - from }, (_, n) => appId(from + n)));
    // A long linger keeps this about the wiring, not about how far apart the three `apps` reads finish.
    const { directory, resolver } = coldResolver({ lingerMs: 5_000 });
    const results = await Promise.all(sets.map((ids) => resolver.resolve(ids)));
    expect(directory.stats.requests).toBe(2); // 15 + 15 + 10 new apps: 2 × 20, not 3 partly filled
    expect(results[2]?.get(appId(99))?.displayName).toBe('App 99');
    expect(resolver.takeStats()).toMatchObject({ graphLookups: 40, graphUnavailable: 0 });
    await directory.close();
  });

  it('marks a deleted app unknown, a failing one pending, and retries a throttled one', async () => {
    const missing = '11111111-2222-4333-8444-555555555555';
    stack.graph.setAppFault(appId(55), { throttleOnce: 1 });
    stack.graph.setAppFault(appId(56), { fail5xx: 503 });
    const { directory, resolver } = coldResolver();
    const result = await resolver.resolve([missing, appId(55), appId(56)]);
    expect(result.get(missing)).toMatchObject({ status: 'unknown', displayName: null });
    expect(result.get(appId(55))).toMatchObject({ status: 'resolved', displayName: 'App 55' });
    expect(result.get(appId(56))).toMatchObject({ status: 'pending', displayName: null });

    // Pending is never cached: once Graph answers, the next batch resolves it.
    stack.graph.setAppFault(appId(56), undefined);
    expect((await resolver.resolve([appId(56)])).get(appId(56))?.status).toBe('resolved');
    await directory.close();
  });

  it("applies finance's business-unit override over the tag", async () => {
    await services.apps.setBusinessUnit(appId(58), 'Treasury', new Date());
    const { directory, resolver } = coldResolver();
    const result = await resolver.resolve([appId(58), appId(57)]);
    expect(result.get(appId(58))?.businessUnit).toBe('Treasury');
    expect(result.get(appId(57))?.businessUnit).toBeNull();
    await directory.close();
  });
});
