import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { InvocationContext } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ingestUsage } from '../../../functions/ingestUsage.js';
import { startLocalStack, type LocalStack } from '../../../local/stack.js';
import { sharedServices } from '../../../shared/app/lazyServices.js';
import type { Services } from '../../../shared/app/services.js';
import { sourcesFromTrigger } from '../../../shared/events/triggerSources.js';
import { ingestBatch } from '../../../shared/pipeline/ingestBatch.js';
import { ingestStream } from '../../../shared/pipeline/ingestStream.js';
import { readEvents } from '../../../shared/pipeline/readEvents.js';
import { runAudit } from '../../../shared/report/audit.js';
import {
  entries,
  FAST_RETRY,
  openServices,
  PRINCIPALS,
  sampleBatch,
  seedPrices,
  snapshot,
  type Batch,
} from './harness.js';

let stack: LocalStack;
let dir: string;
const opened: Services[] = [];
const savedEnv = { ...process.env };
// Two batches from one partition, 20 events each (plus an in-batch duplicate and bad bodies).
const batches: Batch[] = [sampleBatch(20, 41, 0), sampleBatch(20, 42, 100)];

async function open(database: string): Promise<Services> {
  const services = await openServices(stack, database);
  opened.push(services);
  await seedPrices(services);
  return services;
}

/** What the Event Hubs extension hands the handler for `cardinality: 'many'`. */
const metadata = (batch: Batch) => ({
  partitionContext: { partitionId: '0' },
  sequenceNumberArray: batch.sources.map((s) => s.sequenceNumber),
  offsetArray: batch.sources.map((s) => String(s.sequenceNumber)),
  enqueuedTimeUtcArray: batch.sources.map(() => '2025-09-01T23:59:00.000Z'),
});

/** Calls the Event Hub handler as the host does. */
async function deliver(batch: Batch): Promise<void> {
  const context = new InvocationContext({
    functionName: 'ingestUsage',
    invocationId: randomUUID(),
    triggerMetadata: metadata(batch),
  });
  await ingestUsage(batch.bodies, context);
}

const slice = (batch: Batch, from: number, to?: number): Batch => ({
  bodies: batch.bodies.slice(from, to),
  sources: batch.sources.slice(from, to),
});

beforeAll(async () => {
  stack = await startLocalStack({ servicePrincipals: PRINCIPALS });
  dir = mkdtempSync(path.join(tmpdir(), 'chargeback-redelivery-'));
});

afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  await stack.stop();
  rmSync(dir, { recursive: true, force: true });
  process.env = savedEnv;
});

describe('redelivery and concurrency', () => {
  it('each batch delivered 3 times, and again with other boundaries, leaves what one clean delivery leaves', async () => {
    const clean = await open('clean-hub');
    for (const batch of batches) {
      const sources = sourcesFromTrigger(metadata(batch), batch.bodies.length);
      await ingestBatch(batch.bodies, sources, clean.ingest, clean.spill);
    }

    // The handler builds its services with sharedServices(); the first call decides their options.
    Object.assign(process.env, stack.env, { COSMOS_DATABASE: 'redelivered-hub' });
    const services = await sharedServices({ trustedCa: stack.trustedCa, bulkRetry: FAST_RETRY });
    opened.push(services);
    await seedPrices(services);
    for (let delivery = 0; delivery < 3; delivery++) for (const batch of batches) await deliver(batch);
    // A host restarting from an older checkpoint may cut the partition into different batches.
    const all: Batch = {
      bodies: batches.flatMap((b) => b.bodies),
      sources: batches.flatMap((b) => b.sources),
    };
    await deliver(slice(all, 7, 30));
    await deliver(slice(all, 30));

    const [expected, actual] = await Promise.all([snapshot(clean), snapshot(services)]);
    expect(actual.totals).toEqual(expected.totals);
    expect(entries(actual.records)).toEqual(entries(expected.records));
    expect(entries(actual.deadLetters)).toEqual(entries(expected.deadLetters));
    expect(entries(actual.rollups)).toEqual(entries(expected.rollups));

    // The ledger saw every event once per distinct batch, and the books balance.
    const noSpills = {
      list: () => Promise.resolve([]),
      listQuarantined: () => Promise.resolve([]),
      read: () => Promise.reject(new Error('none')),
      replayFailures: () => Promise.reject(new Error('none')),
    };
    const audit = await runAudit(
      { database: services.database, spill: noSpills },
      { from: '2025-09-01', to: new Date().toISOString().slice(0, 10) },
    );
    expect(audit.balanced).toBe(true);
    expect(audit.total.seen).toBe(expected.recordCount + expected.deadLetterCount);
    expect(audit.total.duplicates).toBeGreaterThan(0);
  });

  it('two overlapping ingests of the same file leave what one ingest leaves', async () => {
    const lines = batches
      .flatMap((b) => b.bodies)
      .map((body) =>
        typeof body === 'string'
          ? body
          : Buffer.isBuffer(body)
            ? body.toString('utf8')
            : JSON.stringify(body),
      );
    const file = path.join(dir, 'usage.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`, 'utf8');

    const clean = await open('clean-file');
    await ingestStream(readEvents(file), clean.ingest, clean.spill, { batchSize: 10 });

    const services = await open('overlapping-file');
    // Different batch sizes, both in flight at once: the same ids race for the same creates.
    const results = await Promise.all([
      ingestStream(readEvents(file), services.ingest, services.spill, { batchSize: 7, concurrency: 3 }),
      ingestStream(readEvents(file), services.ingest, services.spill, { batchSize: 11, concurrency: 2 }),
    ]);
    for (const result of results) {
      const t = result.totals;
      expect(result.spilled).toEqual([]);
      expect(t.recorded + t.pending + t.duplicates + t.deadLettered).toBe(result.read);
    }
    // Between the two runs every record was created exactly once.
    expect(results[0].totals.recorded + results[1].totals.recorded).toBe((await snapshot(clean)).recordCount);

    const [expected, actual] = await Promise.all([snapshot(clean), snapshot(services)]);
    expect(actual.totals).toEqual(expected.totals);
    expect(entries(actual.records)).toEqual(entries(expected.records));
    expect(entries(actual.deadLetters)).toEqual(entries(expected.deadLetters));
    expect(entries(actual.rollups)).toEqual(entries(expected.rollups));
  });
});
