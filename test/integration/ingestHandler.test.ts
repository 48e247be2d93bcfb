import { randomUUID } from 'node:crypto';
import { Agent } from 'node:https';

import { CosmosClient, type Database } from '@azure/cosmos';
import { InvocationContext } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ingestUsage } from '../../functions/ingestUsage.js';
import { DEMO_SERVICE_PRINCIPALS } from '../../local/demoDirectory.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { sharedServices } from '../../shared/app/lazyServices.js';
import type { Services } from '../../shared/app/services.js';
import { seedV1Event } from '../helpers/seedEvent.js';

const HR = '7d8a1c3e-2b4f-4e6a-9c1d-0f2e3a4b5c6d';
const SALES = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const FINANCE = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const STRANGER = '5b31c38c-2584-42f0-aa47-657fb3a84230';

let stack: LocalStack;
let services: Services;
let reader: CosmosClient;
let db: Database;
const savedEnv = { ...process.env };

beforeAll(async () => {
  stack = await startLocalStack({ servicePrincipals: DEMO_SERVICE_PRINCIPALS });
  const database = `ingest-${randomUUID().slice(0, 8)}`;
  Object.assign(process.env, stack.env, { COSMOS_DATABASE: database });
  // The handler calls sharedServices() itself; it caches the first call's promise per process, so
  // building it here first is how a test (or the demo) makes it trust the stand-ins' certificate.
  services = await sharedServices({ trustedCa: stack.trustedCa });
  reader = new CosmosClient({
    endpoint: stack.env.COSMOS_ENDPOINT ?? '',
    key: stack.env.COSMOS_KEY ?? '',
    agent: new Agent({ ca: stack.trustedCa }),
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  db = reader.database(database);
});

afterAll(async () => {
  await services.close();
  reader.dispose();
  await stack.stop();
  process.env = savedEnv;
});

interface Logged {
  readonly level: string;
  readonly message: string;
}

/** Calls the handler as the host does for `cardinality: 'many'`, from one partition. */
async function deliver(bodies: unknown[], partitionId: string, firstSequence: number): Promise<Logged[]> {
  const logs: Logged[] = [];
  const sequences = bodies.map((_, i) => firstSequence + i);
  const context = new InvocationContext({
    functionName: 'ingestUsage',
    invocationId: randomUUID(),
    triggerMetadata: {
      partitionContext: { partitionId, consumerGroup: '$Default' },
      sequenceNumberArray: sequences,
      offsetArray: sequences.map((s) => String(s * 512)),
      enqueuedTimeUtcArray: sequences.map(() => '2025-06-01T10:00:05.000Z'),
    },
    logHandler: (level, ...args) => logs.push({ level, message: args.map(String).join(' ') }),
  });
  await ingestUsage(bodies, context);
  return logs;
}

function summaryOf(logs: readonly Logged[]): Record<string, number> {
  const line = logs.find((l) => l.message.startsWith('usage batch: '));
  if (line === undefined) throw new Error(`no summary line in ${JSON.stringify(logs)}`);
  const counts: Record<string, number> = {};
  for (const [, name, value] of line.message.matchAll(/(\w+)=(\d+)/g)) counts[name ?? ''] = Number(value);
  return counts;
}

async function all(container: 'usage' | 'deadletter'): Promise<Record<string, unknown>[]> {
  const { resources } = await db.container(container).items.readAll<Record<string, unknown>>().fetchAll();
  return resources;
}

const ofIds = (docs: Record<string, unknown>[], ids: readonly string[]) =>
  ids.map((id) => docs.find((d) => d.id === id)).filter((d) => d !== undefined);

function v2(
  requestId: string,
  appId: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    schema: 'aoai-usage/2',
    requestId,
    eventTime: '2025-06-01T09:59:58.123Z',
    appId,
    deployment: 'gpt4o-prod',
    deploymentType: 'GlobalStandard',
    region: 'eastus',
    operation: 'chat.completion',
    model: 'gpt-4o-2024-08-06',
    usage: { prompt_tokens: 2414, completion_tokens: 140, prompt_tokens_details: { cached_tokens: 1024 } },
    ...overrides,
  };
}

const v1Seed = (overrides: Record<string, unknown> = {}) =>
  seedV1Event(FINANCE, { 'event-time': '6/1/2025 9:45:12 AM', ...overrides });

const ids = () => [randomUUID(), randomUUID(), randomUUID(), randomUUID()] as const;

describe('ingestUsage handler against the local stack', () => {
  it('writes one named, unpriced record per event with every required field', async () => {
    const [a, b, c, d] = ids();
    const o1Usage = {
      completion_tokens: 1518,
      prompt_tokens: 1566,
      total_tokens: 3084,
      completion_tokens_details: { audio_tokens: null, reasoning_tokens: 576 },
      prompt_tokens_details: { audio_tokens: null, cached_tokens: 1408 },
    };
    const logs = await deliver(
      [
        v2(a.toUpperCase(), HR.toUpperCase()),
        v2(b, SALES, { model: 'o1-2024-12-17', deployment: 'o1', usage: o1Usage }),
        v2(c, STRANGER, { deploymentType: 'DataZoneStandard', region: 'EastUS2' }),
        v1Seed({ 'message-id': d }),
      ],
      '0',
      1,
    );
    expect(summaryOf(logs)).toMatchObject({
      received: 4,
      recorded: 0,
      pending: 4,
      unpriced: 4,
      deadLettered: 0,
    });

    const [hr, sales, stranger, finance] = ofIds(await all('usage'), [a, b, c, d]);
    expect(hr).toMatchObject({
      id: a,
      requestId: a,
      pk: `${HR}|2025-06-01`,
      eventTime: '2025-06-01T09:59:58.123Z',
      appId: HR,
      appDisplayName: 'HR Assistant',
      businessUnit: 'HR',
      identityStatus: 'resolved',
      model: 'gpt-4o-2024-08-06',
      deployment: 'gpt4o-prod',
      deploymentType: 'global',
      region: 'eastus',
      operation: 'chat.completion',
      promptTokens: 2414,
      cachedTokens: 1024,
      completionTokens: 140,
      reasoningTokens: 0,
      totalTokens: 2554,
      currency: 'USD',
      cost: null,
      costStatus: 'unpriced',
      unpricedReason: 'no price book',
    });
    expect(sales).toMatchObject({
      appDisplayName: 'Sales Copilot',
      businessUnit: 'Sales',
      model: 'o1-2024-12-17',
    });
    expect(sales).toMatchObject({
      promptTokens: 1566,
      cachedTokens: 1408,
      completionTokens: 1518,
      reasoningTokens: 576,
    });
    expect(stranger).toMatchObject({
      identityStatus: 'unknown',
      appDisplayName: null,
      businessUnit: null,
      deploymentType: 'datazone',
      region: 'eastus2',
    });
    // v1 carries no placement: the defaults from the settings apply.
    expect(finance).toMatchObject({
      id: d,
      eventTime: '2025-06-01T09:45:12.000Z',
      appDisplayName: 'Finance Forecasting',
      businessUnit: 'Finance',
      deploymentType: 'global',
      region: 'eastus',
      totalTokens: 20,
      costStatus: 'unpriced',
    });
  });

  it('takes the same batch three times and keeps one record per event, first write winning', async () => {
    const [a, b] = ids();
    const batch = [v2(a, HR), v2(b, SALES)];
    const first = summaryOf(await deliver(batch, '1', 10));
    const before = ofIds(await all('usage'), [a, b]);
    const second = summaryOf(await deliver(batch, '1', 10));
    const third = summaryOf(await deliver(batch, '1', 10));

    expect(first).toMatchObject({ received: 2, pending: 2, duplicates: 0 });
    expect(second).toMatchObject({ received: 2, recorded: 0, pending: 0, duplicates: 2 });
    expect(third).toMatchObject({ received: 2, recorded: 0, pending: 0, duplicates: 2 });
    const after = await all('usage');
    expect(after.filter((r) => r.id === a || r.id === b)).toHaveLength(2);
    expect(ofIds(after, [a, b])).toEqual(before);
  });

  it('records the good events of a mixed batch and dead-letters each bad one once', async () => {
    const [a, b] = ids();
    const negative = v2(randomUUID(), HR, { usage: { prompt_tokens: 10, completion_tokens: -1 } });
    const batch = [v2(a, HR), '{"schema":"aoai-usage/2", oops', JSON.stringify(negative), v2(b, SALES)];
    const logs = await deliver(batch, '5', 200);

    expect(summaryOf(logs)).toMatchObject({ received: 4, pending: 2, deadLettered: 2 });
    expect(ofIds(await all('usage'), [a, b])).toHaveLength(2);
    const letters = (await all('deadletter')).filter(
      (d) => (d.source as { partitionId?: string }).partitionId === '5',
    );
    expect(letters).toHaveLength(2);
    const bySeq = (n: number) =>
      letters.find((d) => (d.source as { sequenceNumber?: number }).sequenceNumber === n);
    expect(bySeq(201)).toMatchObject({
      // Unparseable, so only its kind and size are kept (docs/security.md).
      raw: '"string:30"',
      rawBytes: 30,
      truncated: false,
      reasons: [{ path: '(body)', problem: expect.stringContaining('body is not JSON') as string }],
      source: { kind: 'eventhub', partitionId: '5', sequenceNumber: 201, offset: String(201 * 512) },
    });
    expect(bySeq(202)).toMatchObject({
      raw: JSON.stringify(negative),
      reasons: [{ path: 'usage.completion_tokens', problem: 'must not be negative' }],
      source: { partitionId: '5', sequenceNumber: 202, enqueuedTimeUtc: '2025-06-01T10:00:05.000Z' },
    });
    const warned = logs.filter((l) => l.level === 'warning' && l.message.startsWith('dead-lettered'));
    expect(warned.map((l) => l.message).join('\n')).toContain(
      'usage.completion_tokens: must not be negative',
    );
    expect(warned).toHaveLength(2);

    // Redelivery of the same position: nothing new, and no second warning.
    const again = await deliver(batch, '5', 200);
    expect(summaryOf(again)).toMatchObject({ received: 4, duplicates: 2, deadLettered: 2, pending: 0 });
    expect(again.filter((l) => l.message.startsWith('dead-lettered'))).toHaveLength(0);
    const lettersAfter = (await all('deadletter')).filter(
      (d) => (d.source as { partitionId?: string }).partitionId === '5',
    );
    expect(lettersAfter.map((d) => d.id).sort()).toEqual(letters.map((d) => d.id).sort());
  });

  it('keys v1 events without message-id by hub position', async () => {
    const body = v1Seed({ completion_tokens: '7', total_tokens: '21' });
    const usageFor7 = async () =>
      (await all('usage')).filter((r) => r.appId === FINANCE && r.completionTokens === 7);

    await deliver([body], '7', 300);
    await deliver([JSON.stringify(body)], '7', 300); // redelivered: same position
    expect(await usageFor7()).toHaveLength(1);
    expect((await usageFor7())[0]).toMatchObject({
      requestId: null,
      id: expect.stringMatching(/^h-/) as string,
    });

    await deliver([body], '7', 301); // the same call logged twice: a second request
    await deliver([body], '8', 300);
    const records = await usageFor7();
    expect(records).toHaveLength(3);
    expect(new Set(records.map((r) => r.id)).size).toBe(3);
  });

  it('accepts bodies as bytes and as JSON strings', async () => {
    const [a, b] = ids();
    const logs = await deliver(
      [
        Buffer.from(JSON.stringify(v2(a, HR))),
        JSON.stringify(v2(b, SALES, { usage: { input_tokens: 20, output_tokens: 11 } })),
      ],
      '9',
      1,
    );
    expect(summaryOf(logs)).toMatchObject({ received: 2, pending: 2, deadLettered: 0 });
    const [fromBytes, fromString] = ofIds(await all('usage'), [a, b]);
    expect(fromBytes).toMatchObject({ appId: HR, promptTokens: 2414, cachedTokens: 1024 });
    expect(fromString).toMatchObject({
      appId: SALES,
      promptTokens: 20,
      completionTokens: 11,
      totalTokens: 31,
    });
  });

  it('logs one summary line whose counts add up to what was received', async () => {
    const [a, b, c] = ids();
    await deliver([v2(c, HR)], '10', 1);
    const batch = [v2(a, HR), v2(a, HR), v2(b, SALES), v2(c, HR), 'not json', { foo: 'bar' }];
    const counts = summaryOf(await deliver(batch, '10', 2));

    expect(counts).toMatchObject({ received: 6, recorded: 0, pending: 2, duplicates: 2, deadLettered: 2 });
    const { received, recorded, pending, duplicates, deadLettered } = counts;
    expect((recorded ?? 0) + (pending ?? 0) + (duplicates ?? 0) + (deadLettered ?? 0)).toBe(received);
  });
});
