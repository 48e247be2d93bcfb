import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { Database } from '@azure/cosmos';
import { expect } from 'vitest';

import { registerAudit } from '../../cli/commands/audit.js';
import type { Services } from '../../shared/app/services.js';
import { ingestBatch } from '../../shared/pipeline/ingestBatch.js';
import { CosmosRollups } from '../../shared/store/cosmosRollups.js';
import type { DirtyMarker } from '../../shared/store/rollupMarkers.js';
import type { ChargebackStack } from './chargebackStack.js';
import { runCommands } from './cliInProcess.js';

/** Apps of the demo directory (local/demoDirectory.ts). */
export const HR = '7d8a1c3e-2b4f-4e6a-9c1d-0f2e3a4b5c6d';
export const SALES = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';

/** A v1 (APIM policy) event: no deployment type, no version, as samples/events.jsonl has them. */
export function v1Event(appId: string, day: string, model: string): Record<string, string> {
  const [y, m, d] = day.split('-').map(Number);
  return {
    'event-time': `${m}/${d}/${y} 10:15:00 AM`,
    appid: appId,
    operation: 'chat.completion',
    model,
    modeltime: '120',
    prompt_tokens: '1000',
    completion_tokens: '200',
    total_tokens: '1200',
    'message-id': randomUUID(),
  };
}

export async function ingest(services: Services, bodies: readonly unknown[]): Promise<void> {
  const sources = bodies.map((_, i) => ({
    kind: 'eventhub' as const,
    partitionId: '0',
    sequenceNumber: Date.now() * 1000 + i,
  }));
  const result = await ingestBatch([...bodies], sources, services.ingest, undefined);
  expect(result.status).toBe('processed');
}

export interface StoredDoc {
  readonly id: string;
  readonly pk: string;
  readonly appId: string;
  readonly docType: string;
  readonly model: string;
  readonly deploymentType: string;
  readonly requests: number;
  readonly costNanos: string;
  readonly unpricedRequests: number;
  readonly computedAt: string;
  readonly gen?: string;
}

/** Every rollup document of one (app, day), read straight from the container. */
export async function slicesOf(db: Database, pk: string): Promise<StoredDoc[]> {
  const { resources } = await db
    .container('rollups')
    .items.query<StoredDoc>({
      query: 'SELECT * FROM c WHERE c.pk = @pk AND c.docType = @t',
      parameters: [
        { name: '@pk', value: pk },
        { name: '@t', value: 'rollup' },
      ],
    })
    .fetchAll();
  return resources.sort((a, b) => a.id.localeCompare(b.id));
}

/** A read document without Cosmos's system properties, ready to be created again. */
export function withoutSystemFields<T extends object>(doc: T): T {
  return Object.fromEntries(Object.entries(doc).filter(([key]) => !key.startsWith('_'))) as T;
}

/** Markers a refresher would take now (backfill's deferred safety net waits half an hour). */
export async function dueMarkers(services: Services): Promise<DirtyMarker[]> {
  const markers = await new CosmosRollups(services.database).pendingMarkers();
  return markers.filter((m) => m.notBefore === undefined || Date.parse(m.notBefore) <= Date.now());
}

/** `chargeback audit` in-process, as cli/main.ts runs it: its exit code and output. */
export async function auditCli(world: ChargebackStack, d: string): Promise<{ code: number; out: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'chargeback-rollups-'));
  const ca = path.join(dir, 'ca.pem');
  writeFileSync(ca, world.stack.trustedCa, 'utf8');
  const saved = process.env.CHARGEBACK_TRUSTED_CA_FILE;
  process.env.CHARGEBACK_TRUSTED_CA_FILE = ca;
  try {
    return await runCommands([registerAudit], ['audit', '--from', d, '--to', d]);
  } finally {
    process.env.CHARGEBACK_TRUSTED_CA_FILE = saved;
    rmSync(dir, { recursive: true, force: true });
  }
}

export const day = (d: string) => ({ from: d, to: d });
