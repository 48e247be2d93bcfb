import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO_SERVICE_PRINCIPALS } from '../../local/demoDirectory.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { createServices, type Services } from '../../shared/app/services.js';
import { loadSettings } from '../../shared/config.js';
import type { DeadLetter } from '../../shared/pipeline/ports.js';
import { ingestStream, type StreamResult } from '../../shared/pipeline/ingestStream.js';
import { readEvents } from '../../shared/pipeline/readEvents.js';
import type { UsageRecord } from '../../shared/pipeline/record.js';

const HR = '7d8a1c3e-2b4f-4e6a-9c1d-0f2e3a4b5c6d';
const SALES = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';

let stack: LocalStack;
let services: Services;
let dir: string;

beforeAll(async () => {
  stack = await startLocalStack({ servicePrincipals: DEMO_SERVICE_PRINCIPALS });
  // The same composition the CLI's withServices() builds, with the stand-ins' certificate trusted.
  const settings = loadSettings({ ...stack.env, COSMOS_DATABASE: `cli-${randomUUID().slice(0, 8)}` });
  services = await createServices(settings, { trustedCa: stack.trustedCa });
  dir = mkdtempSync(path.join(tmpdir(), 'chargeback-cli-'));
});

afterAll(async () => {
  await services.close();
  await stack.stop();
  rmSync(dir, { recursive: true, force: true });
});

function v2(requestId: string, appId: string, promptTokens: number): string {
  return JSON.stringify({
    schema: 'aoai-usage/2',
    requestId,
    eventTime: '2025-06-01T09:59:58.123Z',
    appId,
    deployment: 'gpt4o-prod',
    deploymentType: 'global',
    region: 'eastus',
    operation: 'chat.completion',
    model: 'gpt-4o-2024-08-06',
    usage: { prompt_tokens: promptTokens, completion_tokens: 5 },
  });
}

const v1 = (completion: number) =>
  JSON.stringify({
    'event-time': '6/1/2025 9:45:12 AM',
    appid: SALES,
    operation: 'chat.completion',
    model: 'gpt-35-turbo',
    modeltime: '',
    completion_tokens: String(completion),
    prompt_tokens: '14',
  });

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text, 'utf8');
  return file;
}

function ingest(file: string): Promise<StreamResult> {
  return ingestStream(readEvents(file), services.ingest, services.spill, { batchSize: 2, concurrency: 2 });
}

async function docs<T>(container: 'usage' | 'deadletter'): Promise<T[]> {
  const { resources } = await services.database.container(container).items.readAll<T & object>().fetchAll();
  return resources;
}

/** What `chargeback ingest` checks before exiting 0. */
function accounted(result: StreamResult): number {
  const t = result.totals;
  return t.recorded + t.pending + t.duplicates + t.deadLettered;
}

describe('chargeback ingest building blocks on files', () => {
  it('ingests JSON Lines with blank and non-JSON lines, then only finds duplicates on a second run', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const file = write(
      'events.jsonl',
      [
        v2(a, HR, 100),
        '',
        '   ',
        v2(b, SALES, 200),
        'this is not json {',
        v1(7),
        v2(a, HR, 100), // the same request logged twice
        '\t',
      ].join('\r\n') + '\r\n',
    );

    const first = await ingest(file);
    expect(first.read).toBe(5);
    expect(first.spilled).toEqual([]);
    expect(first.totals).toMatchObject({ received: 5, pending: 3, duplicates: 1, deadLettered: 1 });
    expect(accounted(first)).toBe(first.read);

    const records = (await docs<UsageRecord>('usage')).filter((r) => r.promptTokens < 1000);
    expect(records.find((r) => r.id === a)).toMatchObject({
      appDisplayName: 'HR Assistant',
      promptTokens: 100,
    });
    expect(records.find((r) => r.id === b)).toMatchObject({ businessUnit: 'Sales', promptTokens: 200 });
    expect(records.find((r) => r.schema === 'v1' && r.completionTokens === 7)).toMatchObject({
      requestId: null,
      modelTimeMs: null,
      id: expect.stringMatching(/^h-[0-9a-f]{40}$/) as string,
    });

    const letters = (await docs<DeadLetter>('deadletter')).filter((d) => d.source.file === file);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({
      raw: '"string:18"', // only its kind and size (docs/security.md)
      source: { kind: 'file', file, line: 5 },
      reasons: [{ path: '(body)', problem: expect.stringContaining('body is not JSON') as string }],
    });

    const second = await ingest(file);
    expect(second.totals).toMatchObject({
      received: 5,
      recorded: 0,
      pending: 0,
      duplicates: 4,
      deadLettered: 1,
    });
    expect(accounted(second)).toBe(second.read);
    expect((await docs<UsageRecord>('usage')).filter((r) => r.promptTokens < 1000)).toHaveLength(
      records.length,
    );
    expect((await docs<DeadLetter>('deadletter')).filter((d) => d.source.file === file)).toHaveLength(1);
  });

  it('ingests a pretty-printed JSON array, dead-lettering items that are not events', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const items: unknown[] = [
      JSON.parse(v2(a, HR, 1001)),
      42,
      JSON.parse(v2(b, SALES, 1002)),
      { hello: 'world' },
    ];
    const file = write('events.json', `\n${JSON.stringify(items, null, 2)}\n`);

    const first = await ingest(file);
    expect(first.read).toBe(4);
    expect(first.totals).toMatchObject({ received: 4, pending: 2, deadLettered: 2, duplicates: 0 });
    const usage = await docs<UsageRecord>('usage');
    expect(
      usage
        .filter((r) => r.id === a || r.id === b)
        .map((r) => r.promptTokens)
        .sort(),
    ).toEqual([1001, 1002]);

    const letters = (await docs<DeadLetter>('deadletter')).filter((d) => d.source.file === file);
    expect(letters.map((d) => d.source.line).sort()).toEqual([2, 4]);
    expect(letters.find((d) => d.source.line === 2)?.reasons[0]?.problem).toContain('got number');

    const second = await ingest(file);
    expect(second.totals).toMatchObject({
      received: 4,
      pending: 0,
      recorded: 0,
      duplicates: 2,
      deadLettered: 2,
    });
    expect((await docs<DeadLetter>('deadletter')).filter((d) => d.source.file === file)).toHaveLength(2);
  });

  it('reads a JSON array saved with a UTF-8 BOM and CRLF (PowerShell, Notepad)', async () => {
    const id = randomUUID();
    const file = write('bom.json', `\uFEFF[\r\n  ${v2(id, HR, 1003)},\r\n  ${v1(9)}\r\n]\r\n`);
    const result = await ingest(file);
    expect(result.totals).toMatchObject({ received: 2, pending: 2, deadLettered: 0 });
    expect((await docs<UsageRecord>('usage')).find((r) => r.id === id)).toMatchObject({ promptTokens: 1003 });
  });

  it('refuses a file that starts like a JSON array but is not one, before reading any event', async () => {
    const file = write('broken.json', '[\n{"schema": "aoai-usage/2"},\n');
    await expect(ingest(file)).rejects.toThrow(/line 1 opens a JSON document, but the file is not one/);
    expect((await docs<DeadLetter>('deadletter')).filter((d) => d.source.file === file)).toEqual([]);
  });

  it('reads a pretty-printed single event as one event (it was read line by line: 7 dead letters)', async () => {
    const id = randomUUID();
    const file = write('one.json', JSON.stringify(JSON.parse(v2(id, HR, 1004)), null, 2));
    const result = await ingest(file);
    expect(result.read).toBe(1);
    expect(result.totals).toMatchObject({ received: 1, pending: 1, deadLettered: 0 });
  });

  it('reads the events of {"value": [...]} and {"records": [...]}, pretty-printed or on one line', async () => {
    const events = (): unknown[] => [
      JSON.parse(v2(randomUUID(), HR, 1005)),
      JSON.parse(v2(randomUUID(), SALES, 1006)),
    ];
    const value = await ingest(
      write('value.json', JSON.stringify({ value: events(), nextLink: null }, null, 2)),
    );
    expect(value.totals).toMatchObject({ received: 2, pending: 2, deadLettered: 0 });
    const records = await ingest(write('records.json', JSON.stringify({ records: events() })));
    expect(records.totals).toMatchObject({ received: 2, pending: 2, deadLettered: 0 });
    await expect(
      ingest(write('both.json', JSON.stringify({ value: [], records: events() }))),
    ).rejects.toThrow(/both "value" and "records" are arrays/);
  });

  it('reads JSON Lines as lines when the first line starts with [ (it was read as one array)', async () => {
    const lines = [JSON.stringify([{ note: 'a header, not an event' }]), v2(randomUUID(), HR, 1007), v1(11)];
    const file = write('bracket.jsonl', lines.join('\n'));
    const result = await ingest(file);
    expect(result.read).toBe(3);
    expect(result.totals).toMatchObject({ received: 3, pending: 2, deadLettered: 1 });
    const letters = (await docs<DeadLetter>('deadletter')).filter((d) => d.source.file === file);
    expect(letters.map((d) => [d.source.line, d.reasons[0]?.problem])).toEqual([
      [1, 'body must be a JSON object, got an array'],
    ]);
  });
});
