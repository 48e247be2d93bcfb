import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { InvocationContext } from '@azure/functions';
import type { Database } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ingestUsage } from '../../functions/ingestUsage.js';
import { DEMO_SERVICE_PRINCIPALS } from '../../local/demoDirectory.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { sharedServices } from '../../shared/app/lazyServices.js';
import { createServices, type Services } from '../../shared/app/services.js';
import { loadSettings } from '../../shared/config.js';
import { ingestStream } from '../../shared/pipeline/ingestStream.js';
import type { DeadLetter } from '../../shared/pipeline/ports.js';
import { readEvents } from '../../shared/pipeline/readEvents.js';

const HR = '7d8a1c3e-2b4f-4e6a-9c1d-0f2e3a4b5c6d';
const SALES = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';

let stack: LocalStack;
let functionServices: Services;
let cliServices: Services;
let dir: string;
const savedEnv = { ...process.env };

beforeAll(async () => {
  stack = await startLocalStack({ servicePrincipals: DEMO_SERVICE_PRINCIPALS });
  // The function and the CLI each write to their own database, so their outcomes can be compared.
  Object.assign(process.env, stack.env, { COSMOS_DATABASE: `fn-${randomUUID().slice(0, 8)}` });
  functionServices = await sharedServices({ trustedCa: stack.trustedCa });
  cliServices = await createServices(
    loadSettings({ ...stack.env, COSMOS_DATABASE: `cli-${randomUUID().slice(0, 8)}` }),
    { trustedCa: stack.trustedCa },
  );
  dir = mkdtempSync(path.join(tmpdir(), 'chargeback-parity-'));
});

afterAll(async () => {
  await functionServices.close();
  await cliServices.close();
  await stack.stop();
  rmSync(dir, { recursive: true, force: true });
  process.env = savedEnv;
});

const v2 = (appId: string) => ({
  schema: 'aoai-usage/2',
  requestId: randomUUID(),
  eventTime: '2025-06-01T09:59:58.123Z',
  appId,
  deployment: 'gpt4o-prod',
  deploymentType: 'global',
  region: 'eastus',
  operation: 'chat.completion',
  model: 'gpt-4o-2024-08-06',
  usage: { prompt_tokens: 12, completion_tokens: 5 },
});

/** Every form a body takes on the way in, as the host hands it to the trigger. */
const BODIES: readonly unknown[] = [
  v2(HR),
  JSON.stringify(v2(SALES)), // an event encoded as a JSON string (capture tools, some hosts)
  JSON.stringify(JSON.stringify(v2(HR))), // encoded twice: a string holding a string
  {
    'event-time': '6/1/2025 9:45:12 AM',
    appid: SALES,
    operation: 'chat.completion',
    model: 'gpt-35-turbo',
    modeltime: '',
    completion_tokens: '3',
    prompt_tokens: '14',
  },
  'this is not json {',
  42,
  null,
  [v2(HR)],
  { hello: 'world' },
  { ...v2(HR), usage: { prompt_tokens: -1, completion_tokens: 5 } },
];

interface Outcomes {
  readonly records: string[];
  readonly deadLetters: [string, string[]][];
}

async function outcomes(database: Database): Promise<Outcomes> {
  const records = await database
    .container('usage')
    .items.readAll<{ requestId: string | null; schema: string; promptTokens: number }>()
    .fetchAll();
  const letters = await database.container('deadletter').items.readAll<DeadLetter>().fetchAll();
  return {
    // Without a request id, an event's record id includes its hub position by design: compare content.
    records: records.resources.map((r) => `${r.requestId ?? r.schema}:${r.promptTokens}`).sort(),
    deadLetters: letters.resources
      .map((d): [string, string[]] => [d.raw, d.reasons.map((r) => `${r.path}: ${r.problem}`)])
      .sort((a, b) => a[0].localeCompare(b[0])),
  };
}

describe('the CLI and the Event Hub function treat every body alike', () => {
  it('gives the same records and the same dead letters, with the same reasons', async () => {
    const context = new InvocationContext({
      functionName: 'ingestUsage',
      invocationId: randomUUID(),
      triggerMetadata: {
        partitionContext: { partitionId: '0', consumerGroup: '$Default' },
        sequenceNumberArray: BODIES.map((_, i) => i),
        offsetArray: BODIES.map((_, i) => String(i * 512)),
        enqueuedTimeUtcArray: BODIES.map(() => '2025-06-01T10:00:05.000Z'),
      },
      logHandler: () => undefined,
    });
    await ingestUsage([...BODIES], context);

    // A JSON Lines file holds each body as one JSON text: what the host decodes back into the body.
    const file = path.join(dir, 'bodies.jsonl');
    writeFileSync(file, BODIES.map((body) => JSON.stringify(body)).join('\n'));
    const result = await ingestStream(readEvents(file), cliServices.ingest, cliServices.spill);

    const viaFunction = await outcomes(functionServices.database);
    const viaCli = await outcomes(cliServices.database);
    expect(viaFunction.records).toHaveLength(3);
    expect(viaCli).toEqual(viaFunction);
    expect(result.totals.deadLettered).toBe(BODIES.length - 3);
  });
});
