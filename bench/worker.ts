import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

import type { Container, JSONObject, OperationInput } from '@azure/cosmos';
import pMap from 'p-map';

import { createServices, type Services } from '../shared/app/services.js';
import { loadSettings } from '../shared/config.js';
import type { EventSource } from '../shared/events/types.js';
import { ingestStream } from '../shared/pipeline/ingestStream.js';
import type { IngestPorts, IngestStore, WriteStatus } from '../shared/pipeline/ports.js';
import { processBatch } from '../shared/pipeline/processBatch.js';
import { readEvents } from '../shared/pipeline/readEvents.js';
import type { UsageRecord } from '../shared/pipeline/record.js';
import { addCounts, ZERO_TOTALS, type Totals } from '../shared/pipeline/summary.js';
import { toPriceDocs } from '../shared/pricing/priceRows.js';
import { refreshPriceBook } from '../shared/pricing/refreshPriceBook.js';
import { fetchFoundryCatalog } from '../shared/pricing/retailPricesClient.js';
import { CONTAINERS } from '../shared/store/containers.js';
import { buildMarkers } from '../shared/store/rollupMarkers.js';
import { retainedHeapMb, sampleMemory } from './memory.js';
import {
  jobSchema,
  parentMessageSchema,
  type CoreResult,
  type FloorResult,
  type IngestResult,
  type Job,
  type RefreshResult,
  type WorkerMessage,
} from './protocol.js';
import { percentile } from './stats.js';

/**
 * One measurement in its own process (forked by bench/main.ts). Protocol: the parent sends the job;
 * the worker sets up (untimed) and says `ready`; the parent snapshots its request counters and says
 * `go`; the worker measures and sends `result`. So counters and RSS cover exactly the measured part.
 */
const send = (message: WorkerMessage): Promise<void> =>
  new Promise((resolve, reject) => {
    if (!process.send) {
      reject(new Error('bench worker must be started by bench/main.js (no IPC channel)'));
      return;
    }
    process.send(message, (error: Error | null) => {
      if (error) reject(error);
      else resolve();
    });
  });

const nextMessage = (): Promise<unknown> =>
  new Promise((resolve) => {
    process.once('message', resolve);
  });

async function readyThenGo(): Promise<void> {
  await send({ type: 'ready' });
  const message = parentMessageSchema.parse(await nextMessage());
  if (message.type !== 'go') throw new Error(`expected go, got ${message.type}`);
}

const seconds = (start: number) => (performance.now() - start) / 1000;

async function main(): Promise<void> {
  const first = parentMessageSchema.parse(await nextMessage());
  if (first.type !== 'job') throw new Error('expected a job first');
  const job = jobSchema.parse(first.job);
  const services = await createServices(loadSettings(job.env), { trustedCa: job.trustedCa });
  try {
    const result = await run(job, services);
    await send({ type: 'result', result });
  } finally {
    await services.close();
  }
}

function run(job: Job, services: Services): Promise<unknown> {
  switch (job.mode) {
    case 'ingest':
      return ingest(job.file, services);
    case 'floor':
      return floor(job.container, job.file, services);
    case 'core':
      return core(job.file, job.runs, job.appIds, job.batchSize, services);
    case 'refresh':
      return refresh(job.runs, services);
  }
}

/** `chargeback ingest <file>`: the same call, with the same defaults. */
async function ingest(file: string, services: Services): Promise<IngestResult> {
  await readyThenGo();
  const baselineRssMb = process.memoryUsage.rss() / (1024 * 1024);
  const memory = sampleMemory();
  const start = performance.now();
  const result = await ingestStream(readEvents(file), services.ingest, services.spill);
  const elapsed = seconds(start);
  const peaks = memory.stop();
  return {
    seconds: elapsed,
    baselineRssMb,
    retainedHeapMb: retainedHeapMb(),
    read: result.read,
    totals: { ...result.totals },
    spilled: result.spilled.reduce((n, s) => n + s.events, 0),
    graphRequests: services.directory.stats.requests,
    ...peaks,
  };
}

/**
 * The store floor: the SDK creating N finished usage documents into a fresh container with the `usage`
 * indexing policy, and nothing else (no parsing, pricing, markers or ledger). The documents are the
 * pipeline's own output for the same file (the same processBatch, warm caches, capturing instead of
 * writing). Reading the ingested ones back would be the same documents, but the stand-in answers a
 * cross-partition SELECT * in time quadratic in the container.
 *
 * The SDK's fastest honest bulk path: `items.bulk` with ≤ 100 operations per call and 8 calls in flight,
 * as shared/store/bulkCreate.ts sends them, but over the whole file at once rather than batch by batch.
 * Not `executeBulkOperations`: in @azure/cosmos 4.9 every call ends with a fixed 1 s wait for partial
 * batches, which would make the floor measure a sleep.
 */
async function floor(containerId: string, file: string, services: Services): Promise<FloorResult> {
  const docs: UsageRecord[] = [];
  const capture: IngestStore = {
    ...noopStore,
    createRecords: (records) => {
      docs.push(...records);
      return Promise.resolve(allCreated(records));
    },
  };
  const ports: IngestPorts = { ...services.ingest, store: capture };
  // Streamed: a million events are more text than one string may hold.
  for await (const batch of lineBatches(file, 500)) await processBatch(batch.lines, batch.sources, ports);
  const written = docs.map((doc) => Buffer.byteLength(JSON.stringify(doc)));
  // What Cosmos adds when it stores a document (_rid, _self, _etag, _attachments, _ts): point reads of a
  // few ingested ones (a query would be evaluated over the whole container by the stand-in).
  const sample = docs.filter((_, i) => i % Math.max(1, Math.floor(docs.length / 20)) === 0).slice(0, 20);
  const overheads = await Promise.all(
    sample.map(async (doc) => {
      const { resource } = await services.database.container('usage').item(doc.id, doc.pk).read<JSONObject>();
      return resource === undefined
        ? 0
        : Buffer.byteLength(JSON.stringify(resource)) - Buffer.byteLength(JSON.stringify(doc));
    }),
  );
  const overhead = overheads.length === 0 ? 0 : sum(overheads) / overheads.length;
  const { container } = await services.database.containers.createIfNotExists({
    ...CONTAINERS.usage,
    id: containerId,
  });
  await readyThenGo();
  const memory = sampleMemory();
  const start = performance.now();
  const created = await sdkBulkCreate(container, docs);
  const elapsed = seconds(start);
  const peaks = memory.stop();
  await container.delete();
  return {
    seconds: elapsed,
    docs: docs.length,
    created,
    storedOverheadBytes: overhead,
    storedBytes: sizeStats(written.map((bytes) => bytes + overhead)),
    writtenBytes: sizeStats(written),
    ...peaks,
  };
}

const sum = (values: readonly number[]) => values.reduce((total, v) => total + v, 0);

const FLOOR_OPS_PER_BULK = 100;
const FLOOR_PARALLEL_BULKS = 8;

/** `items.bulk` in chunks of 100, 8 in flight; returns how many documents were created (201). */
async function sdkBulkCreate(container: Container, docs: readonly UsageRecord[]): Promise<number> {
  const starts = Array.from(
    { length: Math.ceil(docs.length / FLOOR_OPS_PER_BULK) },
    (_, i) => i * FLOOR_OPS_PER_BULK,
  );
  const created = await pMap(
    starts,
    async (start) => {
      const ops = docs.slice(start, start + FLOOR_OPS_PER_BULK).map((doc): OperationInput => {
        // Typed as shared/store/bulkCreate.ts types its documents: the SDK serializes the whole object.
        const body: { readonly id: string; readonly pk: string } = doc;
        return { operationType: 'Create', partitionKey: doc.pk, resourceBody: { ...body } };
      });
      // eslint-disable-next-line @typescript-eslint/no-deprecated -- its replacement sleeps 1 s per call
      const results = await container.items.bulk(ops, { continueOnError: true });
      return results.filter((r) => r.statusCode === 201).length;
    },
    { concurrency: FLOOR_PARALLEL_BULKS },
  );
  return sum(created);
}

/** Accepts everything, keeps nothing: the store's cost is measured end to end, not here. */
const noopStore: IngestStore = {
  savePriceSets: () => Promise.resolve(),
  createRecords: (records) => Promise.resolve(allCreated(records)),
  createDeadLetters: (deadLetters) => Promise.resolve(allCreated(deadLetters)),
  markRollupsDirty: () => Promise.resolve(),
  writeLedger: () => Promise.resolve(),
};

function allCreated(docs: readonly { id: string }[]): ReadonlyMap<string, WriteStatus> {
  const statuses = new Map<string, WriteStatus>();
  for (const doc of docs) statuses.set(doc.id, 'created');
  return statuses;
}

interface Batch {
  readonly lines: string[];
  readonly sources: EventSource[];
}

/** The core holds its lines in memory (file reading is not part of it): the first 200,000 events at most. */
const CORE_MAX_EVENTS = 200_000;

/** The file's non-empty lines in batches, with the sources `chargeback ingest` would give them. */
async function* lineBatches(file: string, size: number, limit = Infinity): AsyncGenerator<Batch> {
  let batch: Batch = { lines: [], sources: [] };
  let line = 0;
  let taken = 0;
  for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    line++;
    if (text === '') continue;
    if (taken++ >= limit) break;
    batch.lines.push(text);
    batch.sources.push({ kind: 'file', file, line });
    if (batch.lines.length === size) {
      yield batch;
      batch = { lines: [], sources: [] };
    }
  }
  if (batch.lines.length > 0) yield batch;
}

/**
 * Core CPU: processBatch with the real pricer and a warm identity resolver, store a no-op, against
 * JSON.parse of each of the same lines. Lines are in memory: file reading is not part of either.
 */
async function core(
  file: string,
  runs: number,
  appIds: readonly string[],
  batchSize: number,
  services: Services,
): Promise<CoreResult> {
  const batches: Batch[] = [];
  for await (const batch of lineBatches(file, batchSize, CORE_MAX_EVENTS)) batches.push(batch);
  const lines = batches.flatMap((batch) => batch.lines);
  // Warm: the price book loaded, every app in the resolver's memory (from `apps`, or Graph if cold).
  await services.pricing.current();
  await services.identities.resolve(appIds);
  services.identities.takeStats();
  const now = new Date();
  const ports: IngestPorts = { ...services.ingest, store: noopStore, now: () => now };

  let sink = 0;
  const parseAll = () => {
    for (const line of lines) {
      const value = JSON.parse(line) as { modelTimeMs?: number };
      sink += value.modelTimeMs ?? 0;
    }
  };
  const processAll = async (): Promise<Totals> => {
    let totals = ZERO_TOTALS;
    for (const batch of batches)
      totals = addCounts(totals, await processBatch(batch.lines, batch.sources, ports));
    return totals;
  };

  // JIT warm-up, untimed.
  parseAll();
  await processAll();
  services.identities.takeStats();

  await readyThenGo();
  const memory = sampleMemory();
  const measured: CoreResult['runs'] = [];
  let totals = ZERO_TOTALS;
  for (let r = 0; r < runs; r++) {
    let start = performance.now();
    parseAll();
    const floorSeconds = seconds(start);
    start = performance.now();
    totals = await processAll();
    measured.push({ coreSeconds: seconds(start), floorSeconds });
  }
  const peaks = memory.stop();
  const identity = services.identities.takeStats();
  if (sink < 0) process.stdout.write('');

  // Record sizes, untimed: capture what the store would have been given.
  const sizes: number[] = [];
  const fields = new Map<string, number>();
  let sampled = 0;
  const markers = { docs: 0, bytes: 0 };
  const ledger = { docs: 0, bytes: 0 };
  const capture: IngestStore = {
    ...noopStore,
    writeLedger: (docs) => {
      ledger.docs += docs.length;
      for (const doc of docs) ledger.bytes += Buffer.byteLength(JSON.stringify(doc));
      return Promise.resolve();
    },
    markRollupsDirty: (groups) => {
      for (const doc of buildMarkers(groups, new Date())) {
        markers.docs++;
        markers.bytes += Buffer.byteLength(JSON.stringify(doc));
      }
      return Promise.resolve();
    },
    createRecords: (records) => {
      for (const record of records) {
        sizes.push(Buffer.byteLength(JSON.stringify(record)));
        if (sizes.length % 10 === 0) {
          sampled++;
          addFieldBytes(record, fields);
        }
      }
      return Promise.resolve(allCreated(records));
    },
  };
  for (const batch of batches) await processBatch(batch.lines, batch.sources, { ...ports, store: capture });

  return {
    events: lines.length,
    bytes: lines.reduce((n, line) => n + Buffer.byteLength(line) + 1, 0),
    runs: measured,
    totals: { ...totals },
    recordBytes: sizeStats(sizes),
    markers: markers.docs,
    markerBytes: markers.bytes,
    ledgerDocs: ledger.docs,
    ledgerBytes: ledger.bytes,
    fieldBytes: [...fields.entries()]
      .map(([name, total]): [string, number] => [name, total / Math.max(1, sampled)])
      .sort((a, b) => b[1] - a[1]),
    identity: { ...identity },
    ...peaks,
  };
}

function addFieldBytes(record: UsageRecord, fields: Map<string, number>): void {
  for (const [name, value] of Object.entries(record)) {
    // "name":value plus the comma: what this field adds to the document.
    const bytes = Buffer.byteLength(JSON.stringify(name)) + 1 + Buffer.byteLength(JSON.stringify(value)) + 1;
    fields.set(name, (fields.get(name) ?? 0) + bytes);
  }
}

const LOAD_TIMING_MAX_ROWS = 5_000;

/** refreshPriceBook against a large synthetic catalog: first run creates every row, later runs find them. */
async function refresh(runs: number, services: Services): Promise<RefreshResult> {
  await readyThenGo();
  const memory = sampleMemory();
  const measured: RefreshResult['runs'] = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    const result = await refreshPriceBook({
      url: services.settings.RETAIL_PRICES_URL,
      currency: services.settings.PRICE_CURRENCY,
      store: services.prices,
      dispatcher: services.retailDispatcher,
    });
    measured.push({
      seconds: seconds(start),
      items: result.items,
      tokenMeters: result.tokenMeters,
      created: result.created,
      unchanged: result.unchanged,
      requests: result.requests,
    });
  }
  // Where the time goes: the catalog download (300 sequential pages for 30,000 items, the stand-in's own
  // filtering included) and the conversion; the rest of a run is the create-only save.
  let start = performance.now();
  const catalog = await fetchFoundryCatalog({
    url: services.settings.RETAIL_PRICES_URL,
    currency: services.settings.PRICE_CURRENCY,
    dispatcher: services.retailDispatcher,
  });
  const fetchSeconds = seconds(start);
  start = performance.now();
  toPriceDocs(catalog.items, services.settings.PRICE_CURRENCY, new Date().toISOString());
  const convertSeconds = seconds(start);
  const peaks = memory.stop();
  // Loading the book is one cross-partition query. The stand-in evaluates queries in time quadratic in
  // the container (an accumulating array spread in @zeit/cosmosdb-query), so a large book's load time
  // would measure the stand-in, not us: timed only for books a few thousand rows small.
  const rows = measured[0]?.tokenMeters ?? 0;
  const breakdown = { fetchSeconds, convertSeconds };
  if (rows > LOAD_TIMING_MAX_ROWS)
    return { runs: measured, ...breakdown, loadSeconds: null, bookRows: rows, ...peaks };
  start = performance.now();
  const book = await services.prices.load(services.settings.PRICE_CURRENCY);
  return { runs: measured, ...breakdown, loadSeconds: seconds(start), bookRows: book?.size ?? 0, ...peaks };
}

function sizeStats(values: readonly number[]): { median: number; p95: number; max: number; mean: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: sorted.reduce((sum, v) => sum + v, 0) / Math.max(1, sorted.length),
  };
}

main().then(
  () => {
    if (process.connected) process.disconnect();
  },
  async (error: unknown) => {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    await send({ type: 'error', message }).catch(() => undefined);
    process.exitCode = 1;
    if (process.connected) process.disconnect();
  },
);
