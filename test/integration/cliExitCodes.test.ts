import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { CosmosClient } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO_SERVICE_PRINCIPALS } from '../../local/demoDirectory.js';
import { freePort } from '../../local/freePort.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { runCli } from '../helpers/spawnTs.js';

const HR = '7d8a1c3e-2b4f-4e6a-9c1d-0f2e3a4b5c6d';

let stack: LocalStack;
let dir: string;
let env: Record<string, string>;
let cosmos: CosmosClient;

beforeAll(async () => {
  stack = await startLocalStack({ servicePrincipals: DEMO_SERVICE_PRINCIPALS });
  dir = mkdtempSync(path.join(tmpdir(), 'chargeback-exit-'));
  const ca = path.join(dir, 'stand-in.pem');
  writeFileSync(ca, stack.trustedCa);
  env = {
    ...stack.env,
    COSMOS_DATABASE: `exit-${randomUUID().slice(0, 8)}`,
    CHARGEBACK_TRUSTED_CA_FILE: ca,
  };
  cosmos = new CosmosClient({
    endpoint: stack.env.COSMOS_ENDPOINT ?? '',
    key: stack.env.COSMOS_KEY ?? '',
    agent: new Agent({ ca: stack.trustedCa }),
    connectionPolicy: { enableEndpointDiscovery: false },
  });
});

afterAll(async () => {
  cosmos.dispose();
  await stack.stop();
  rmSync(dir, { recursive: true, force: true });
});

function event(promptTokens = 10): Record<string, unknown> {
  return {
    schema: 'aoai-usage/2',
    requestId: randomUUID(),
    eventTime: '2025-06-01T09:59:58.123Z',
    appId: HR,
    deployment: 'gpt4o-prod',
    deploymentType: 'global',
    region: 'eastus',
    operation: 'chat.completion',
    model: 'gpt-4o-2024-08-06',
    usage: { prompt_tokens: promptTokens, completion_tokens: 5 },
  };
}

function write(text: string): string {
  const file = path.join(dir, `${randomUUID()}.json`);
  writeFileSync(file, text, 'utf8');
  return file;
}

async function databaseIds(): Promise<string[]> {
  const { resources } = await cosmos.databases.readAll().fetchAll();
  return resources.map((d) => d.id);
}

describe('chargeback ingest: mistakes do not exit 0', () => {
  it('refuses a file that opens a JSON document it never closes (exit 2), naming the forms it reads', async () => {
    const run = await runCli(['ingest', write(`[\n${JSON.stringify(event())},\n`)], env, dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('not JSON Lines either');
    expect(run.stdout).toBe('');
  });

  it('exits 1 with a message when every event is dead-lettered', async () => {
    const run = await runCli(['ingest', write('{"hello":"world"}\n{"foo":1}\nnot json\n')], env, dir);
    expect(run.stdout).toContain('read 3: written 0');
    expect(run.stderr).toContain('every event was dead-lettered');
    expect(run.code).toBe(1);
  });

  it('exits 2 for a file that does not exist, before connecting', async () => {
    const run = await runCli(['ingest', path.join(dir, 'no-such-file.jsonl')], env, dir);
    expect(run.stderr).toContain('no-such-file.jsonl: cannot read the file');
    expect(run.code).toBe(2);
  });
});

describe('commands that only read never create a database', () => {
  const READERS: readonly (readonly string[])[] = [
    ['report', '--from', '2025-06-01', '--to', '2025-06-30'],
    ['audit', '--from', '2025-06-01', '--to', '2025-06-30'],
    ['prices', 'show', '0123456789abcdef'],
    ['backfill'],
    ['apps', 'set-unit', HR, 'HR'],
  ];

  it('report, audit, prices show, backfill and apps set-unit exit 2 on a misspelt COSMOS_DATABASE and create nothing', async () => {
    const misspelt = `chargebak-${randomUUID().slice(0, 8)}`;
    const runs = await Promise.all(
      READERS.map((args) => runCli(args, { ...env, COSMOS_DATABASE: misspelt }, dir)),
    );
    for (const run of runs) {
      expect(run.stderr).toContain(
        `database ${misspelt} not found; run \`chargeback prices refresh\` or \`ingest\` first, or check COSMOS_DATABASE`,
      );
      expect(run.code).toBe(2);
    }
    expect(await databaseIds()).not.toContain(misspelt);
  });
});

describe('infrastructure failures exit 4 and name the setting', () => {
  it('audit with no blob service behind AzureWebJobsStorage', async () => {
    await runCli(['ingest', write(JSON.stringify(event()))], env, dir);
    const port = await freePort(); // nothing listens there
    const run = await runCli(
      ['audit', '--from', '2025-06-01', '--to', '2025-06-01'],
      {
        ...env,
        AzureWebJobsStorage: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${'A'.repeat(88)};BlobEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`,
      },
      dir,
    );
    expect(run.stderr).toContain('AzureWebJobsStorage');
    expect(run.stderr).toContain(`127.0.0.1:${port}`);
    expect(run.code).toBe(4);
  });

  it('report against a stand-in whose certificate is not trusted says how to trust it', async () => {
    const untrusted: Record<string, string> = { ...env };
    delete untrusted.CHARGEBACK_TRUSTED_CA_FILE;
    const run = await runCli(['report', '--from', '2025-06-01', '--to', '2025-06-30'], untrusted, dir);
    expect(run.stderr).toContain('COSMOS_ENDPOINT');
    expect(run.stderr).toContain('CHARGEBACK_TRUSTED_CA_FILE');
    expect(run.code).toBe(4);
  });

  it('report with nothing listening at COSMOS_ENDPOINT', async () => {
    const port = await freePort();
    const run = await runCli(
      ['report', '--from', '2025-06-01', '--to', '2025-06-30'],
      { ...env, COSMOS_ENDPOINT: `https://127.0.0.1:${port}/` },
      dir,
    );
    expect(run.stderr).toContain('COSMOS_ENDPOINT');
    expect(run.stderr).toContain(`127.0.0.1:${port}`);
    expect(run.code).toBe(4);
  });

  it('report against an endpoint that accepts connections but never answers fails at the timeout setting', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const run = await runCli(
        ['report', '--from', '2025-06-01', '--to', '2025-06-30'],
        { ...env, COSMOS_ENDPOINT: `https://127.0.0.1:${port}/`, CHARGEBACK_REQUEST_TIMEOUT_MS: '300' },
        dir,
      );
      expect(run.stderr).toContain(`https://127.0.0.1:${port}/`);
      expect(run.stderr).toContain('no answer within 300 ms');
      expect(run.stderr).toContain('COSMOS_ENDPOINT');
      expect(run.code).toBe(4);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
