import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { InvocationContext } from '@azure/functions';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { registerIngest } from '../../../cli/commands/ingest.js';
import { ingestUsage } from '../../../functions/ingestUsage.js';
import { startLocalStack, type LocalStack } from '../../../local/stack.js';
import { sharedServices } from '../../../shared/app/lazyServices.js';
import type { Services } from '../../../shared/app/services.js';
import type { EventSource } from '../../../shared/events/types.js';
import { backfillDeps } from '../../../shared/app/backfillDeps.js';
import { runBackfill } from '../../../shared/pipeline/backfill.js';
import { ingestBatch } from '../../../shared/pipeline/ingestBatch.js';
import { ingestStream } from '../../../shared/pipeline/ingestStream.js';
import { readEvents } from '../../../shared/pipeline/readEvents.js';
import { openSpillContainer } from '../../../shared/spill/blobSpill.js';
import { buildSampleEvents } from '../../../shared/producer/sampleEvents.js';
import { startFaultProxy, type FaultProxy } from '../../helpers/faultProxy.js';
import {
  APPS,
  expectedIds,
  FAST_RETRY,
  openServices,
  PRINCIPALS,
  seedPrices,
  snapshot,
  type Batch,
} from './harness.js';

// Hostile bodies (issue 12 §3 and §4): a body nested 20,000 levels must not take its batch down with
// it, in or out of an outage; and nothing planted in a body (prompts, completions, keys) may be
// stored anywhere or logged, on any path.

const SEED = 20_261_129;
const DOWN = ['unavailable', 'throttle', 'timeout'] as const;

let stack: LocalStack;
let proxy: FaultProxy;
const opened: Services[] = [];
let dir: string;
const savedEnv = { ...process.env };

beforeAll(async () => {
  stack = await startLocalStack({ servicePrincipals: PRINCIPALS, azurite: true });
  proxy = await startFaultProxy({ target: stack.cosmos.endpoint, targetCa: stack.trustedCa, seed: SEED });
  dir = mkdtempSync(path.join(tmpdir(), 'chargeback-hostile-'));
});

afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  await proxy.close();
  await stack.stop();
  rmSync(dir, { recursive: true, force: true });
  process.env = savedEnv;
});

async function open(database: string): Promise<Services> {
  const services = await openServices(stack, database, { endpoint: proxy.url });
  opened.push(services);
  return services;
}

const deep = (depth: number): unknown => {
  let value: unknown = { leaf: 'PLANTED-deep-leaf-5e7a' };
  for (let i = 0; i < depth; i++) value = { nested: value };
  return value;
};

/** Valid sample events with a 20,000-deep body as an object, as JSON text and as bytes among them. */
function deepBatch(firstSequence: number): Batch {
  const events = buildSampleEvents(6, {
    seed: SEED + firstSequence,
    apps: [...APPS],
    start: '2025-09-01T10:00:00Z',
  });
  const nest = '['.repeat(20_000) + ']'.repeat(20_000);
  const bodies: unknown[] = [
    events[0],
    deep(20_000),
    events[1],
    `{"schema":"aoai-usage/2","usage":${nest}}`,
    JSON.stringify(events[2]),
    Buffer.from(`{"event-time":${nest}}`),
    Buffer.from(JSON.stringify(events[3])),
    { ...events[4], extra: deep(20_000) },
    events[5],
  ];
  const sources = bodies.map((_, i): EventSource => ({
    kind: 'eventhub',
    partitionId: '1',
    sequenceNumber: firstSequence + i,
  }));
  return { bodies, sources };
}

describe('a body nested 20,000 levels deep', () => {
  it('with Cosmos up: the valid events are written and the deep ones dead-lettered', async () => {
    const services = await open('deep-up');
    proxy.setFailureRate(0);
    const batch = deepBatch(0);
    const result = await ingestBatch(batch.bodies, batch.sources, services.ingest, services.spill);
    expect(result.status).toBe('processed');
    const run = await snapshot(services);
    const expected = expectedIds(batch);
    expect(expected.records.size).toBe(5); // the valid event with a deep field is refused whole
    expect(expected.deadLetters.size).toBe(4);
    expect(new Set(run.records.keys())).toEqual(expected.records);
    expect(new Set(run.deadLetters.keys())).toEqual(expected.deadLetters);
  });

  it('with Cosmos down: the whole batch is spilled to Azurite, and backfill replays every valid event', async () => {
    const services = await open('deep-down');
    proxy.setKinds([...DOWN]);
    proxy.setFailureRate(1);
    const batch = deepBatch(100);
    const result = await ingestBatch(batch.bodies, batch.sources, services.ingest, services.spill);
    proxy.setFailureRate(0);
    expect(result.status).toBe('spilled');
    expect(await services.spill.list()).toHaveLength(1);

    const replayed = await runBackfill(backfillDeps(services));
    expect(replayed.spills).toMatchObject({ ok: true, batches: 1, events: batch.bodies.length, failed: [] });
    const run = await snapshot(services);
    const expected = expectedIds(batch);
    expect(new Set(run.records.keys())).toEqual(expected.records);
    expect(new Set(run.deadLetters.keys())).toEqual(expected.deadLetters);
  });
});

describe('a body nested 20,000 levels deep, from a file', () => {
  it('with Cosmos down, `ingest` spills every batch of a JSON array file and backfill replays it', async () => {
    const services = await open('deep-file');
    const events = buildSampleEvents(4, { seed: SEED + 7, apps: [...APPS], start: '2025-09-01T10:00:00Z' });
    const nest = `${'{"nested":'.repeat(20_000)}{"leaf":1}${'}'.repeat(20_000)}`;
    const items = [
      JSON.stringify(events[0]),
      nest,
      JSON.stringify(events[1]),
      `[${'['.repeat(20_000)}${']'.repeat(20_000)}]`,
    ];
    items.push(JSON.stringify(events[2]), JSON.stringify(events[3]));
    const file = path.join(dir, 'deep.json');
    writeFileSync(file, `[\n${items.join(',\n')}\n]\n`);
    proxy.setKinds([...DOWN]);
    proxy.setFailureRate(1);
    const result = await ingestStream(readEvents(file), services.ingest, services.spill, { batchSize: 3 });
    proxy.setFailureRate(0);
    expect(result.read).toBe(6);
    expect(result.spilled.map((s) => s.events)).toEqual([3, 3]);

    const replayed = await runBackfill(backfillDeps(services));
    expect(replayed.spills).toMatchObject({ ok: true, batches: 2, events: 6, failed: [] });
    const run = await snapshot(services);
    expect(run.recordCount).toBe(4);
    expect(run.deadLetterCount).toBe(2);
  });
});

describe('request ids that are no valid document id', () => {
  it('a record whose request id is "." or ".." is stored under a valid id, and backfill re-prices it', async () => {
    const services = await open('dots');
    proxy.setFailureRate(0);
    const [first, second, third] = buildSampleEvents(3, {
      seed: SEED,
      apps: [...APPS],
      start: '2025-09-01T10:00:00Z',
    });
    const bodies = [
      { ...first, requestId: '.', region: 'eastus' },
      { ...second, requestId: '..', region: 'eastus' },
      { ...third, requestId: '...', region: 'eastus' },
    ];
    const sources = bodies.map((): EventSource => ({ kind: 'file', file: 'dots.jsonl' }));
    const result = await ingestBatch(bodies, sources, services.ingest, services.spill);
    expect(result.status === 'processed' && result.summary.deadLettered).toBe(0);
    const before = await snapshot(services);
    expect(before.recordCount).toBe(3);
    expect([...before.records.values()].map((r) => r.costStatus)).toEqual([
      'unpriced',
      'unpriced',
      'unpriced',
    ]);

    // The price book arrives: backfill must be able to replace each of the three records.
    await seedPrices(services);
    const backfill = await runBackfill(backfillDeps(services));
    expect(backfill.prices).toMatchObject({ ok: true });
    const after = await snapshot(services);
    expect(after.recordCount).toBe(3);
    expect([...after.records.values()].map((r) => [r.requestId, r.costStatus]).sort()).toEqual([
      ['.', 'priced'],
      ['..', 'priced'],
      ['...', 'priced'],
    ]);
  });
});

/** Values no stored document, blob or log line may contain. */
const PLANTED = {
  message: 'PLANTED-message-content-4f1d',
  prompt: 'PLANTED-prompt-9c2e',
  input: 'PLANTED-input-77aa',
  apiKey: 'PLANTED-api-key-0b3c',
  bearer: 'PLANTED-bearer-token-d1e5',
  subscription: 'PLANTED-subscription-key-6a8f',
  nested: 'PLANTED-nested-authorization-2c4b',
  completion: 'PLANTED-completion-text-81f0',
  usageKey: 'PLANTED-usage-api-key-93d0',
  text: 'PLANTED-plain-text-body-a4c6',
  broken: 'PLANTED-broken-json-70e2',
  deep: 'PLANTED-deep-leaf-5e7a',
};
const leaks = (text: string) => Object.values(PLANTED).filter((value) => text.includes(value));

function plantedEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schema: 'aoai-usage/2',
    requestId: randomUUID(),
    eventTime: '2025-09-01T10:11:12.345Z',
    appId: APPS[0],
    deployment: 'gpt4o-prod',
    deploymentType: 'global',
    region: 'eastus',
    operation: 'chat.completion',
    model: 'gpt-4o-2024-08-06',
    usage: { prompt_tokens: 10, completion_tokens: 5, 'api-key': PLANTED.usageKey },
    messages: [{ role: 'user', content: PLANTED.message }],
    prompt: PLANTED.prompt,
    input: [PLANTED.input],
    'api-key': PLANTED.apiKey,
    Authorization: `Bearer ${PLANTED.bearer}`,
    headers: { 'Ocp-Apim-Subscription-Key': PLANTED.subscription, inner: { AUTHORIZATION: PLANTED.nested } },
    choices: [{ message: { role: 'assistant', content: PLANTED.completion } }],
    ...overrides,
  };
}

/** Every kind of body, each carrying planted values: valid, invalid, not JSON, broken, deep. */
function plantedBodies(): unknown[] {
  return [
    plantedEvent(),
    JSON.stringify(plantedEvent()),
    Buffer.from(JSON.stringify(plantedEvent())),
    plantedEvent({ requestId: undefined }),
    plantedEvent({ appId: 'not-a-guid' }),
    plantedEvent({ model: { name: PLANTED.prompt } }),
    JSON.stringify(plantedEvent({ usage: { prompt_tokens: -1, 'api-key': PLANTED.usageKey } })),
    `${PLANTED.text} ${PLANTED.apiKey}`,
    `{"prompt":"${PLANTED.broken}","api-key":"${PLANTED.apiKey}" oops`,
    { ...plantedEvent(), extra: deep(20_000) },
  ];
}

/** Every document in every container of the database, as text. */
async function storedText(services: Services): Promise<string> {
  const { resources: containers } = await services.database.containers.readAll().fetchAll();
  expect(containers.map((c) => c.id)).toEqual(expect.arrayContaining(['usage', 'deadletter', 'rollups']));
  const texts: string[] = [];
  for (const { id } of containers) {
    const { resources } = await services.database.container(id).items.readAll().fetchAll();
    texts.push(JSON.stringify(resources));
  }
  return texts.join('\n');
}

/** Every spill blob in Azurite, as the bytes stored. */
async function spilledText(): Promise<{ names: string[]; text: string }> {
  const container = await openSpillContainer({ AzureWebJobsStorage: stack.env.AzureWebJobsStorage });
  const names: string[] = [];
  const texts: string[] = [];
  if (!(await container.exists())) return { names, text: '' };
  for await (const blob of container.listBlobsFlat()) {
    names.push(blob.name);
    texts.push((await container.getBlobClient(blob.name).downloadToBuffer()).toString('utf8'));
  }
  return { names, text: texts.join('\n') };
}

describe('nothing planted in a body is stored or logged', () => {
  it('through the function (records, dead letters, spill blob, replay, InvocationContext logs) and the CLI', async () => {
    const database = `secrets-${randomUUID().slice(0, 8)}`;
    const caFile = path.join(dir, 'ca.pem');
    writeFileSync(caFile, stack.trustedCa);
    Object.assign(process.env, stack.env, {
      COSMOS_DATABASE: database,
      COSMOS_ENDPOINT: proxy.url,
      CHARGEBACK_TRUSTED_CA_FILE: caFile,
    });
    const logged: string[] = [];
    const capture = (...args: unknown[]) => {
      logged.push(args.map(String).join(' '));
    };
    const spies: { mockRestore(): void }[] = [
      vi.spyOn(console, 'log').mockImplementation(capture),
      vi.spyOn(console, 'warn').mockImplementation(capture),
      vi.spyOn(console, 'error').mockImplementation(capture),
    ];
    const services = await sharedServices({
      trustedCa: stack.trustedCa,
      bulkRetry: FAST_RETRY,
      log: capture,
    });
    const deliver = async (bodies: unknown[], firstSequence: number) => {
      const sequences = bodies.map((_, i) => firstSequence + i);
      const context = new InvocationContext({
        functionName: 'ingestUsage',
        invocationId: randomUUID(),
        triggerMetadata: { partitionContext: { partitionId: '2' }, sequenceNumberArray: sequences },
        logHandler: (level, ...args) => logged.push(`${level} ${args.map(String).join(' ')}`),
      });
      await ingestUsage(bodies, context);
    };
    try {
      // Cosmos up: records and dead letters.
      proxy.setFailureRate(0);
      await deliver(plantedBodies(), 0);
      expect(logged.some((l) => l.includes('usage batch:'))).toBe(true);
      expect(logged.some((l) => l.includes('dead-lettered'))).toBe(true);

      // Cosmos down: the batch is spilled; the blob is read back from Azurite before the replay.
      proxy.setKinds([...DOWN]);
      proxy.setFailureRate(1);
      await deliver(plantedBodies(), 100);
      proxy.setFailureRate(0);
      const spilled = await spilledText();
      expect(spilled.names).toHaveLength(1);
      expect(spilled.text).toContain('chargeback-spill/2');
      expect(leaks(spilled.text)).toEqual([]);
      const replayed = await runBackfill(backfillDeps(services));
      expect(replayed.spills).toMatchObject({ ok: true, batches: 1, failed: [] });

      // The CLI, reading a file of the same bodies (as JSON Lines), logging to stdout and stderr.
      // JSON Lines of the same bodies; the deep one written out by hand (JSON.stringify would recurse).
      const lines = plantedBodies().map((b) => {
        if (typeof b === 'string') return b;
        if (Buffer.isBuffer(b)) return b.toString('utf8');
        const { extra, ...rest } = b as Record<string, unknown>;
        if (extra === undefined) return JSON.stringify(b);
        const nest = `${'{"nested":'.repeat(20_000)}{"leaf":"${PLANTED.deep}"}${'}'.repeat(20_000)}`;
        return `${JSON.stringify(rest).slice(0, -1)},"extra":${nest}}`;
      });
      const file = path.join(dir, 'planted.jsonl');
      writeFileSync(file, `${lines.join('\n')}\n`);
      const write = (chunk: unknown) => {
        logged.push(String(chunk));
        return true;
      };
      spies.push(vi.spyOn(process.stdout, 'write').mockImplementation(write));
      spies.push(vi.spyOn(process.stderr, 'write').mockImplementation(write));
      const program = new Command('chargeback').exitOverride();
      registerIngest(program);
      await program.parseAsync(['node', 'chargeback', 'ingest', file]);
      expect(logged.some((l) => /^read 10: written \d+/.test(l))).toBe(true);
    } finally {
      for (const spy of spies) spy.mockRestore();
      process.exitCode = undefined;
    }

    const stored = await storedText(services);
    const records = await services.database.container('usage').items.readAll().fetchAll();
    const letters = await services.database.container('deadletter').items.readAll().fetchAll();
    expect(records.resources.length).toBeGreaterThanOrEqual(8); // 4 valid per delivery, the file's 4 by content
    expect(letters.resources.length).toBeGreaterThanOrEqual(12);
    expect(stored).toContain('messages'); // the shape of what was left out is kept ...
    expect(leaks(stored)).toEqual([]); // ... and none of its values
    expect(leaks(logged.join('\n'))).toEqual([]);
    expect(leaks((await spilledText()).text)).toEqual([]);
  });
});
