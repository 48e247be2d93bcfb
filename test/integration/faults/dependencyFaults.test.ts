import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startRetailPricesStandIn, type RetailPricesStandIn } from '../../../local/retailPricesStandIn.js';
import { startLocalStack, type LocalStack } from '../../../local/stack.js';
import type { Services } from '../../../shared/app/services.js';
import { backfillDeps } from '../../../shared/app/backfillDeps.js';
import { runBackfill } from '../../../shared/pipeline/backfill.js';
import { ingestBatch } from '../../../shared/pipeline/ingestBatch.js';
import { refreshPriceBook } from '../../../shared/pricing/refreshPriceBook.js';
import {
  APPS,
  catalogItems,
  entries,
  openServices,
  PRINCIPALS,
  sampleBatch,
  seedPrices,
  snapshot,
  type Batch,
  type Snapshot,
} from './harness.js';

let stack: LocalStack;
let retail: RetailPricesStandIn;
let clean: Snapshot;
const opened: Services[] = [];
const batches: Batch[] = [sampleBatch(20, 7, 0), sampleBatch(20, 8, 100)];

async function open(database: string): Promise<Services> {
  const services = await openServices(stack, database);
  opened.push(services);
  return services;
}

async function ingestAll(services: Services): Promise<void> {
  for (const batch of batches) {
    const result = await ingestBatch(batch.bodies, batch.sources, services.ingest, services.spill);
    expect(result.status).toBe('processed');
  }
}

function expectSameAsClean(run: Snapshot): void {
  expect(run.totals).toEqual(clean.totals);
  expect(entries(run.records)).toEqual(entries(clean.records));
  expect(entries(run.rollups)).toEqual(entries(clean.rollups));
}

beforeAll(async () => {
  // Azurite too: backfill always looks for spills first, and an absent blob endpoint costs its retries.
  stack = await startLocalStack({ servicePrincipals: PRINCIPALS, azurite: true });
  // Throttled, then unavailable, then fine: the refresh must ride through both.
  retail = await startRetailPricesStandIn({
    items: catalogItems(),
    serveAsServiceName: 'Foundry Models',
    faults: [
      { request: 1, status: 429, retryAfter: '0' },
      { request: 2, status: 503 },
    ],
  });
  const services = await open('clean');
  await seedPrices(services);
  await ingestAll(services);
  clean = await snapshot(services);
});

afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  await retail.close();
  await stack.stop();
});

describe('Graph faults', () => {
  it('Graph down, then throttling and failing for some apps: records are written pending, and backfill completes them', async () => {
    const services = await open('graph');
    await seedPrices(services);
    // Every request answers 503 first; then one app stays throttled and another keeps failing.
    stack.graph.setFault({ status: 503 });
    await ingestAll(services);
    const pending = await snapshot(services);
    expect([...pending.records.values()].every((r) => r.identityStatus === 'pending')).toBe(true);
    expect(pending.totals).toEqual(clean.totals);

    stack.graph.setFault(undefined);
    stack.graph.setAppFault(APPS[0], { throttleAlways: 0 });
    stack.graph.setAppFault(APPS[1], { fail5xx: 503 });
    const partial = await runBackfill(backfillDeps(services));
    expect(partial.identities).toMatchObject({ ok: true, failed: 0 });
    const stillPending = [...(await snapshot(services)).records.values()].filter(
      (r) => r.identityStatus === 'pending',
    );
    expect(new Set(stillPending.map((r) => r.appId))).toEqual(new Set([APPS[0], APPS[1]]));

    stack.graph.setAppFault(APPS[0], undefined);
    stack.graph.setAppFault(APPS[1], undefined);
    const done = await runBackfill(backfillDeps(services));
    expect(done.identities).toMatchObject({ ok: true, completed: stillPending.length, stillPending: 0 });
    expectSameAsClean(await snapshot(services));

    // Idempotent: nothing left to do, nothing changes.
    const again = await runBackfill(backfillDeps(services));
    expect(again.identities).toMatchObject({ ok: true, examined: 0 });
  });

  it('a hung Graph request times out into pending rather than holding the batch', async () => {
    const services = await open('graph-hang');
    await seedPrices(services);
    // One hung $batch: the directory gives up on it after its 5 s timeout and the apps are pending.
    stack.graph.setFault({ hangMs: 6_000, times: 1 });
    const started = Date.now();
    await ingestAll(services);
    stack.graph.setFault(undefined);
    expect(Date.now() - started).toBeLessThan(20_000);
    const records = [...(await snapshot(services)).records.values()];
    expect(records.filter((r) => r.identityStatus === 'pending').length).toBeGreaterThan(0);
    const done = await runBackfill(backfillDeps(services));
    expect(done.identities).toMatchObject({ ok: true, stillPending: 0 });
    expectSameAsClean(await snapshot(services));
  });
});

describe('Retail Prices faults and late meters', () => {
  it('records priced without a meter are re-priced, exactly, once a refresh (through 429 and 503) brings it', async () => {
    const services = await open('prices');
    // The book lacks GPT-5 mini, as it would before the catalog listed it.
    await seedPrices(services, ['gpt-5-mini']);
    await ingestAll(services);
    const before = await snapshot(services);
    const unpriced = [...before.records.values()].filter((r) => r.costStatus === 'unpriced');
    expect(unpriced.length).toBeGreaterThan(0);
    expect(unpriced.every((r) => r.model === 'gpt-5-mini-2025-08-07' && r.cost === null)).toBe(true);

    // Nothing to re-price with yet: nothing changes.
    const early = await runBackfill(backfillDeps(services));
    expect(early.prices).toMatchObject({ ok: true, repriced: 0, stillUnpriced: unpriced.length });

    const dispatcher = new Agent({ connect: { ca: stack.trustedCa } });
    const refreshed = await refreshPriceBook({
      url: retail.url,
      currency: 'USD',
      store: services.prices,
      dispatcher,
    });
    await dispatcher.close();
    expect(refreshed.requests).toBeGreaterThan(2);

    const done = await runBackfill(backfillDeps(services));
    expect(done.prices).toMatchObject({ ok: true, repriced: unpriced.length, stillUnpriced: 0 });
    expectSameAsClean(await snapshot(services));
  });
});
