import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { registerIngest } from '../../cli/commands/ingest.js';
import { closeServer } from '../../local/closeServer.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { startFaultProxy, type FaultProxy } from '../helpers/faultProxy.js';

// Issue 12: `chargeback ingest` exited 3 ("the batch was spilled; run backfill") also when the spill itself
// had failed and nothing was saved. Cosmos is made to fail every document request (the fault proxy, 503);
// the spill goes to Azurite (saved) or to a blob endpoint that refuses every request (not saved).

let stack: LocalStack;
let proxy: FaultProxy;
let refusing: Server;
let refusingUrl: string;
let dir: string;
let events: string;
const savedEnv = { ...process.env };

beforeAll(async () => {
  stack = await startLocalStack({ azurite: true });
  proxy = await startFaultProxy({
    target: stack.cosmos.endpoint,
    targetCa: stack.trustedCa,
    seed: 12,
    failureRate: 1,
    kinds: ['unavailable'],
  });
  // Blob storage that answers every request 403, as an account with a revoked key would.
  refusing = createServer((_req, res) => {
    res.writeHead(403, { 'content-type': 'application/xml', 'x-ms-error-code': 'AuthorizationFailure' });
    res.end('<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthorizationFailure</Code></Error>');
  });
  await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
  refusingUrl = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}/devstoreaccount1`;
  dir = mkdtempSync(path.join(tmpdir(), 'chargeback-exit-'));
  const ca = path.join(dir, 'ca.pem');
  writeFileSync(ca, stack.trustedCa, 'utf8');
  events = path.join(dir, 'events.jsonl');
  const event = (requestId: string) =>
    JSON.stringify({
      schema: 'aoai-usage/2',
      requestId,
      eventTime: '2025-06-01T09:59:58.123Z',
      appId: '7d8a1c3e-2b4f-4e6a-9c1d-0f2e3a4b5c6d',
      deployment: 'gpt4o-prod',
      deploymentType: 'global',
      region: 'eastus',
      operation: 'chat.completion',
      model: 'gpt-4o-2024-08-06',
      usage: { prompt_tokens: 10, completion_tokens: 5 },
    });
  writeFileSync(events, `${event(randomUUID())}\n${event(randomUUID())}\n`, 'utf8');
  Object.assign(process.env, stack.env, {
    COSMOS_ENDPOINT: proxy.url,
    COSMOS_DATABASE: `exit-${randomUUID().slice(0, 8)}`,
    CHARGEBACK_TRUSTED_CA_FILE: ca,
  });
});

afterAll(async () => {
  process.env = savedEnv;
  await closeServer(refusing);
  await proxy.close();
  await stack.stop();
  rmSync(dir, { recursive: true, force: true });
});

// A function, so TypeScript does not narrow process.exitCode to the 0 assigned before the command ran.
const exitCode = (): number => Number(process.exitCode ?? 0);

/** `chargeback ingest <file>` in-process, as cli/main.ts runs it: exit code and stderr. */
async function ingest(storage: string): Promise<{ code: number; err: string }> {
  process.env.AzureWebJobsStorage = storage;
  const program = new Command('chargeback').exitOverride();
  registerIngest(program);
  const err: string[] = [];
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err.push(String(chunk));
    return true;
  });
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  process.exitCode = 0;
  try {
    await program.parseAsync(['node', 'chargeback', 'ingest', events]);
  } finally {
    stderr.mockRestore();
    stdout.mockRestore();
  }
  const code = exitCode();
  process.exitCode = 0;
  return { code, err: err.join('') };
}

describe('chargeback ingest exit codes when the store fails', () => {
  it('3 when the batch was spilled: run backfill', async () => {
    const { code, err } = await ingest(stack.env.AzureWebJobsStorage ?? '');
    expect(code).toBe(3);
    expect(err).toContain('run `chargeback backfill`');
  });

  it('4 when the spill failed too, saying nothing was saved', async () => {
    const key = /AccountKey=([^;]+)/.exec(stack.env.AzureWebJobsStorage ?? '')?.[1] ?? '';
    const { code, err } = await ingest(
      `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${key};BlobEndpoint=${refusingUrl};`,
    );
    expect(code).toBe(4);
    expect(err).toContain('nothing saved: 2 events are neither stored nor spilled');
    expect(err).not.toContain('run `chargeback backfill`');
  });
});
