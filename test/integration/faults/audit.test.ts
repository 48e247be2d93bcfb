import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { registerAudit } from '../../../cli/commands/audit.js';
import { registerBackfill } from '../../../cli/commands/backfill.js';
import { registerPrices } from '../../../cli/commands/prices.js';
import { startLocalStack, type LocalStack } from '../../../local/stack.js';
import type { Services } from '../../../shared/app/services.js';
import { DependencyError } from '../../../shared/errors.js';
import { ingestBatch } from '../../../shared/pipeline/ingestBatch.js';
import type { IngestPorts } from '../../../shared/pipeline/ports.js';
import { buildSampleEvents } from '../../../shared/producer/sampleEvents.js';
import { runAudit } from '../../../shared/report/audit.js';
import { APPS, openServices, PRINCIPALS, seedPrices, type Batch } from './harness.js';
import { runCommands } from '../../helpers/cliInProcess.js';

const DATABASE = 'audit';
let stack: LocalStack;
let services: Services;
let dir: string;
const savedEnv = { ...process.env };
const today = new Date().toISOString().slice(0, 10);
const range = { from: new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10), to: today };

/** Recent events (audit ranges are days, and dead letters are filed under the day they arrived). */
function recentBatch(count: number, seed: number, firstSequence: number): Batch {
  const start = new Date(Date.now() - 3 * 3600_000);
  const events = buildSampleEvents(count, { seed, apps: [...APPS], start });
  const bodies: unknown[] = events.map((e, i) => (i === 3 ? 'not json' : { ...e, region: 'eastus' }));
  return {
    bodies,
    sources: bodies.map((_, i) => ({
      kind: 'eventhub',
      partitionId: '1',
      sequenceNumber: firstSequence + i,
    })),
  };
}

/** Runs `chargeback <args>` in-process, as cli/main.ts would, and returns its exit code and output. */
const cli = (...args: string[]) => runCommands([registerAudit, registerBackfill, registerPrices], args);

const audit = () => runAudit(services, range);

async function recordPk(id: string): Promise<string | undefined> {
  const { resources } = await services.database
    .container('usage')
    .items.query<{ pk: string }>({
      query: 'SELECT c.pk FROM c WHERE c.id = @id',
      parameters: [{ name: '@id', value: id }],
    })
    .fetchAll();
  return resources[0]?.pk;
}

beforeAll(async () => {
  stack = await startLocalStack({ servicePrincipals: PRINCIPALS, azurite: true });
  services = await openServices(stack, DATABASE);
  await seedPrices(services);
  dir = mkdtempSync(path.join(tmpdir(), 'chargeback-audit-'));
  const ca = path.join(dir, 'ca.pem');
  writeFileSync(ca, stack.trustedCa, 'utf8');
  Object.assign(process.env, stack.env, { COSMOS_DATABASE: DATABASE, CHARGEBACK_TRUSTED_CA_FILE: ca });
});

afterAll(async () => {
  await services.close();
  await stack.stop();
  rmSync(dir, { recursive: true, force: true });
  process.env = savedEnv;
});

describe('chargeback audit', () => {
  it('balances after ingest: seen = records + dead letters, per day', async () => {
    for (const [i, seed] of [1, 2].entries()) {
      const batch = recentBatch(15, seed, i * 100);
      await ingestBatch(batch.bodies, batch.sources, services.ingest, services.spill);
    }
    const result = await audit();
    expect(result.balanced).toBe(true);
    expect(result.total).toMatchObject({
      seen: 30,
      records: 28,
      deadLetters: 2,
      missing: 0,
      unledgered: 0,
      spills: 0,
    });
    expect(result.deadLettersByReason).toEqual({ '(body)': 2 });
    const { code, out } = await cli('audit', '--from', range.from, '--to', range.to);
    expect(code).toBe(0);
    expect(out).toContain('balanced: 30 events seen = 28 records + 2 dead letters');
  });

  it('a batch the store refused is counted as waiting in its spill (exit 3) until backfill replays it', async () => {
    const batch = recentBatch(10, 3, 200);
    // The ledger is written, then the records fail: the batch spills whole.
    const failing: IngestPorts = {
      ...services.ingest,
      store: {
        ...services.ingest.store,
        writeLedger: (docs) => services.ingest.store.writeLedger?.(docs) ?? Promise.resolve(),
        createRecords: () => Promise.reject(new DependencyError('cosmos', 'injected: store down')),
        createDeadLetters: (d) => services.ingest.store.createDeadLetters(d),
        markRollupsDirty: (g) => services.ingest.store.markRollupsDirty(g),
      },
    };
    const spilled = await ingestBatch(batch.bodies, batch.sources, failing, services.spill);
    expect(spilled.status).toBe('spilled');

    const waiting = await audit();
    expect(waiting.balanced).toBe(true);
    expect(waiting.total).toMatchObject({ seen: 40, waiting: 9, missing: 0, spills: 1, spilledEvents: 10 });
    expect((await cli('audit', '--from', range.from, '--to', range.to)).code).toBe(3);

    const backfill = await cli('backfill');
    expect(backfill.code).toBe(0);
    expect(backfill.out).toContain('replayed 1 batches (10 events');
    const after = await audit();
    expect(after.total).toMatchObject({ seen: 40, records: 37, deadLetters: 3, waiting: 0, spills: 0 });
    expect((await cli('audit', '--from', range.from, '--to', range.to)).code).toBe(0);
  });

  it('does not balance when a record is lost, or one appears that ingest never saw (exit 1)', async () => {
    const usage = services.database.container('usage');
    const { resources } = await usage.items
      .query<{ id: string; pk: string } & Record<string, unknown>>('SELECT * FROM c')
      .fetchAll();
    const victim = resources[0];
    if (victim === undefined) throw new Error('no records');
    await usage.item(victim.id, victim.pk).delete();

    const lost = await audit();
    expect(lost.balanced).toBe(false);
    expect(lost.total.missing).toBe(1);
    expect(lost.missingIds).toEqual([victim.id]);
    const { code, out } = await cli('audit', '--from', range.from, '--to', range.to);
    expect(code).toBe(1);
    expect(out).toContain('NOT BALANCED: 1 events seen but neither recorded, dead-lettered nor spilled');

    const { id: _id, _rid, _self, _etag, _ts, ...copy } = victim;
    await usage.items.create({ ...copy, id: victim.id });
    await usage.items.create({ ...copy, id: 'forged-record' });
    const forged = await audit();
    expect(forged.total).toMatchObject({ missing: 0, unledgered: 1 });
    expect(forged.balanced).toBe(false);
  });

  it('does not balance when a priced record names a price set that is not stored (exit 1)', async () => {
    await services.database
      .container('usage')
      .item('forged-record', (await recordPk('forged-record')) ?? '')
      .delete();
    const before = await audit();
    expect(before.balanced).toBe(true);
    expect(before.untraceablePrices).toBe(0);

    const { resources } = await services.database
      .container('usage')
      .items.query<{ priceSetId: string | null }>('SELECT c.priceSetId FROM c')
      .fetchAll();
    const named = resources.flatMap((r) => (r.priceSetId === null ? [] : [r.priceSetId]));
    const victim = named[0];
    if (victim === undefined) throw new Error('no priced records');
    const prices = services.database.container('prices');
    const { resource: stored } = await prices.item(victim, 'priceSet').read<Record<string, unknown>>();
    if (stored === undefined) throw new Error(`price set ${victim} is not stored`);
    await prices.item(victim, 'priceSet').delete();

    const broken = await audit();
    expect(broken.balanced).toBe(false);
    expect(broken.untraceablePrices).toBe(named.filter((id) => id === victim).length);
    expect(broken.missingPriceSets).toEqual([victim]);
    const { code, out } = await cli('audit', '--from', range.from, '--to', range.to);
    expect(code).toBe(1);
    expect(out).toContain(`price sets named but not stored: ${victim}`);

    const { _rid, _self, _etag, _ts, ...copy } = stored;
    await prices.items.create(copy);
    expect((await audit()).balanced).toBe(true);
  });

  it('rejects a bad range with a clear error', async () => {
    await expect(cli('audit', '--from', '2025-02-30', '--to', today)).rejects.toThrow(/from: must be a date/);
  });
});

describe('chargeback prices show', () => {
  it("prints the meters and unit prices behind a record's priceSetId, and exits 1 for one not stored", async () => {
    const { resources } = await services.database
      .container('usage')
      .items.query<{ priceSetId: string | null }>('SELECT c.priceSetId FROM c')
      .fetchAll();
    const id = resources.find((r) => r.priceSetId !== null)?.priceSetId;
    if (id === undefined || id === null) throw new Error('no priced records');
    const { resource: stored } = await services.database
      .container('prices')
      .item(id, 'priceSet')
      .read<{ prices: { meterId: string; unitPrice: string }[] }>();
    if (stored === undefined) throw new Error(`price set ${id} is not stored`);

    const table = await cli('prices', 'show', id);
    expect(table.code).toBe(0);
    for (const p of stored.prices) {
      expect(table.out).toContain(p.meterId);
      expect(table.out).toContain(`${p.unitPrice} USD`);
    }
    const json = await cli('prices', 'show', id, '--format', 'json');
    expect(JSON.parse(json.out)).toEqual([expect.objectContaining({ id, prices: stored.prices })]);

    expect((await cli('prices', 'show', id, '0123456789abcdef')).code).toBe(1);
    await expect(cli('prices', 'show', 'not-an-id')).rejects.toThrow(/priceSetId: "not-an-id" is not 16/);
  });
});
