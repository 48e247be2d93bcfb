import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startLocalStack, type LocalStack } from '../../../local/stack.js';
import type { Services } from '../../../shared/app/services.js';
import { ingestBatch } from '../../../shared/pipeline/ingestBatch.js';
import { addCounts, ZERO_TOTALS } from '../../../shared/pipeline/summary.js';
import { startFaultProxy, type FaultProxy } from '../../helpers/faultProxy.js';
import { expectedIds, openServices, PRINCIPALS, sampleBatch, seedPrices, type Batch } from './harness.js';

// Issue 12: under lost responses (the create is applied, then the connection dies before the answer),
// the retry's 409 was counted as a duplicate: at 20% faults the summary said `written 19496` for 20,052
// stored. An id that was absent before the batch is `written`, whatever happened to the answers.

const SEED = 20_261_112;
console.log(`lost-responses seed: ${SEED}`);

let stack: LocalStack;
let proxy: FaultProxy;
let services: Services;

beforeAll(async () => {
  stack = await startLocalStack({ servicePrincipals: PRINCIPALS, azurite: true });
  proxy = await startFaultProxy({ target: stack.cosmos.endpoint, targetCa: stack.trustedCa, seed: SEED });
  // Enough attempts that 30% faults never exhaust them: this test is about counting, not spilling.
  services = await openServices(stack, 'lost', {
    endpoint: proxy.url,
    bulkRetry: { attempts: 20, minDelayMs: 1, maxDelayMs: 10 },
  });
  await seedPrices(services);
  await services.pricing.current();
  await services.identities.resolve(PRINCIPALS.map((p) => p.appId));
});

afterAll(async () => {
  await services.close();
  await proxy.close();
  await stack.stop();
});

async function storedIds(): Promise<Set<string>> {
  const { resources } = await services.database
    .container('usage')
    .items.query<{ id: string }>('SELECT c.id FROM c')
    .fetchAll();
  return new Set(resources.map((r) => r.id));
}

const ingest = async (batch: Batch) => {
  const result = await ingestBatch(batch.bodies, batch.sources, services.ingest, services.spill);
  if (result.status !== 'processed') throw new Error(`batch spilled: ${result.reason}`);
  return result.summary;
};

describe('counts under lost responses', () => {
  it('written is exactly the ids absent before; duplicates are the rest', async () => {
    // Bulk batches (over 25 documents) and point-write batches (up to 25) take different write paths.
    const batches = [
      sampleBatch(120, SEED, 0),
      sampleBatch(20, SEED + 1, 1_000),
      sampleBatch(120, SEED + 2, 2_000),
      sampleBatch(20, SEED + 3, 3_000),
    ];
    // Some events are already stored: a redelivery overlapping the faulty one.
    const head = (b: Batch, n: number): Batch => ({
      bodies: b.bodies.slice(0, n),
      sources: b.sources.slice(0, n),
    });
    for (const batch of batches) await ingest(head(batch, 10));
    const before = await storedIds();
    expect(before.size).toBeGreaterThan(0);

    proxy.setKinds(['lostResponse']);
    proxy.setFailureRate(0.3);
    let totals = ZERO_TOTALS;
    for (const batch of batches) totals = addCounts(totals, await ingest(batch));
    proxy.setFailureRate(0);
    expect(proxy.stats.injected.lostResponse).toBeGreaterThan(0);

    const after = await storedIds();
    const expected = new Set(batches.flatMap((b) => [...expectedIds(b).records]));
    expect(after).toEqual(expected);
    const absentBefore = [...expected].filter((id) => !before.has(id));
    const written = totals.recorded + totals.pending;
    expect(written).toBe(absentBefore.length);
    expect(before.size + written).toBe(after.size);
    expect(written + totals.duplicates + totals.deadLettered).toBe(totals.received);
  });
});
