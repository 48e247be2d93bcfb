import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startLocalStack, type LocalStack } from '../../../local/stack.js';
import type { Services } from '../../../shared/app/services.js';
import { backfillDeps } from '../../../shared/app/backfillDeps.js';
import { runBackfill } from '../../../shared/pipeline/backfill.js';
import { ingestBatch } from '../../../shared/pipeline/ingestBatch.js';
import { CosmosRollups } from '../../../shared/store/cosmosRollups.js';
import { ALL_FAULTS, startFaultProxy, type FaultProxy } from '../../helpers/faultProxy.js';
import {
  entries,
  expectedIds,
  openServices,
  PRINCIPALS,
  sampleBatch,
  seedPrices,
  snapshot,
  type Batch,
  type Snapshot,
} from './harness.js';

const SEED = 20_251_120;
console.log(`fault suite seed: ${SEED}`);

let stack: LocalStack;
let proxy: FaultProxy;
let clean: Snapshot;
const opened: Services[] = [];
const batches: Batch[] = [0, 1, 2, 3].map((i) => sampleBatch(20, SEED + i, i * 1_000));

async function open(database: string, endpoint?: string): Promise<Services> {
  const services = await openServices(stack, database, endpoint === undefined ? {} : { endpoint });
  opened.push(services);
  await seedPrices(services);
  // Warm the price book and identity caches first: this suite is about the store's write path, and
  // the identity cache's own writes (apps container) use the default, slower retry.
  await services.pricing.current();
  await services.identities.resolve(PRINCIPALS.map((p) => p.appId));
  return services;
}

/** Every input lands under exactly its expected id, once; nothing else is stored. */
function expectExactlyOnce(run: Snapshot): void {
  const expected = batches.map(expectedIds);
  const records = new Set(expected.flatMap((e) => [...e.records]));
  const deadLetters = new Set(expected.flatMap((e) => [...e.deadLetters]));
  expect(run.recordCount).toBe(records.size);
  expect(run.deadLetterCount).toBe(deadLetters.size);
  expect(new Set(run.records.keys())).toEqual(records);
  expect(new Set(run.deadLetters.keys())).toEqual(deadLetters);
}

function expectSameAsClean(run: Snapshot): void {
  expectExactlyOnce(run);
  expect(run.totals).toEqual(clean.totals);
  expect(entries(run.records)).toEqual(entries(clean.records));
  expect(entries(run.deadLetters)).toEqual(entries(clean.deadLetters));
  expect(entries(run.rollups)).toEqual(entries(clean.rollups));
}

beforeAll(async () => {
  stack = await startLocalStack({ servicePrincipals: PRINCIPALS, azurite: true });
  proxy = await startFaultProxy({ target: stack.cosmos.endpoint, targetCa: stack.trustedCa, seed: SEED });
  const services = await open('clean');
  for (const batch of batches)
    await ingestBatch(batch.bodies, batch.sources, services.ingest, services.spill);
  clean = await snapshot(services);
  expect(clean.totals.costNanos).toBeGreaterThan(0n);
});

afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  await proxy.close();
  await stack.stop();
});

describe('Cosmos faults on document requests', () => {
  it('30% of requests throttled, unavailable, timed out, reset or unanswered: exact once spills are replayed', async () => {
    const services = await open('flaky', proxy.url);
    proxy.setKinds(ALL_FAULTS);
    proxy.setFailureRate(0.3);
    const results = [];
    for (const batch of batches)
      results.push(await ingestBatch(batch.bodies, batch.sources, services.ingest, services.spill));
    proxy.setFailureRate(0);
    console.log(
      'injected faults',
      proxy.stats.injected,
      'batches',
      results.map((r) => r.status),
    );
    expect(Object.values(proxy.stats.injected).every((n) => n > 0)).toBe(true);

    const backfill = await runBackfill(backfillDeps(services));
    expect(backfill.spills).toMatchObject({ ok: true, failed: [] });
    expect(await services.spill.list()).toEqual([]);
    expectSameAsClean(await snapshot(services));
  });

  it('Cosmos down for whole batches: they spill to Azurite, and backfill replays them', async () => {
    const services = await open('down', proxy.url);
    // Resets work too, but the SDK retries a reset query for ~10 s: too slow for this suite.
    proxy.setKinds(['unavailable', 'throttle', 'timeout']);
    proxy.setFailureRate(1);
    const results = [];
    for (const batch of batches)
      results.push(await ingestBatch(batch.bodies, batch.sources, services.ingest, services.spill));
    expect(results.map((r) => r.status)).toEqual(['spilled', 'spilled', 'spilled', 'spilled']);
    expect(await services.spill.list()).toHaveLength(4);

    // Still down: the replay fails, and the blobs stay.
    const failed = await runBackfill(backfillDeps(services));
    expect(failed.spills).toMatchObject({ ok: true, batches: 0, skipped: 3 });
    expect(failed.identities.ok).toBe(false);
    expect(await services.spill.list()).toHaveLength(4);

    proxy.setFailureRate(0);
    const replayed = await runBackfill(backfillDeps(services));
    expect(replayed.spills).toMatchObject({
      ok: true,
      batches: 4,
      events: batches.reduce((n, b) => n + b.bodies.length, 0),
      failed: [],
    });
    expect(await services.spill.list()).toEqual([]);
    // Backfill refreshed the rollups the replay marked: a report finds no due marker left.
    expect(replayed.rollups).toMatchObject({ ok: true, contended: 0 });
    expect(replayed.rollups.ok && replayed.rollups.groups).toBeGreaterThan(0);
    const due = (await new CosmosRollups(services.database).pendingMarkers()).filter(
      (m) => m.notBefore === undefined || Date.parse(m.notBefore) <= Date.now(),
    );
    expect(due).toEqual([]);
    expectSameAsClean(await snapshot(services));
  });

  it('Cosmos unreachable (its endpoint closed): batches spill, and a backfill elsewhere replays them', async () => {
    const doomed = await startFaultProxy({
      target: stack.cosmos.endpoint,
      targetCa: stack.trustedCa,
      seed: SEED,
    });
    const services = await open('closed', doomed.url);
    await doomed.close();
    const results = [];
    for (const batch of batches)
      results.push(await ingestBatch(batch.bodies, batch.sources, services.ingest, services.spill));
    expect(results.map((r) => r.status)).toEqual(['spilled', 'spilled', 'spilled', 'spilled']);

    // Another instance, with Cosmos reachable again, finds the spills in the shared storage account.
    const recovered = await openServices(stack, 'closed');
    opened.push(recovered);
    const replayed = await runBackfill(backfillDeps(recovered));
    expect(replayed.spills).toMatchObject({ ok: true, batches: 4, failed: [] });
    expectSameAsClean(await snapshot(recovered));
  });

  it('a crash between write and checkpoint: the same batch again changes nothing', async () => {
    proxy.setFailureRate(0);
    const services = await open('crash', proxy.url);
    for (const batch of batches)
      await ingestBatch(batch.bodies, batch.sources, services.ingest, services.spill);
    const first = await snapshot(services);
    for (const batch of batches) {
      const again = await ingestBatch(batch.bodies, batch.sources, services.ingest, services.spill);
      if (again.status !== 'processed') throw new Error('expected processed');
      expect(again.summary.recorded + again.summary.pending).toBe(0);
      expect(again.summary.received).toBe(batch.bodies.length);
    }
    const second = await snapshot(services);
    expect(entries(second.records)).toEqual(entries(first.records));
    expectSameAsClean(second);
  });
});
