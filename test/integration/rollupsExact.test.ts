import { randomUUID } from 'node:crypto';

import type { Database } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { pricerSettings, type Services } from '../../shared/app/services.js';
import { backfillDeps } from '../../shared/app/backfillDeps.js';
import { runBackfill } from '../../shared/pipeline/backfill.js';
import type { UsageRecord } from '../../shared/pipeline/record.js';
import { createPricingPort } from '../../shared/pricing/pricingPort.js';
import { runAudit } from '../../shared/report/audit.js';
import { rollupSliceId } from '../../shared/report/rollupMath.js';
import { runReport } from '../../shared/report/runReport.js';
import { CosmosRollups } from '../../shared/store/cosmosRollups.js';
import {
  allRecords,
  startChargebackStack,
  sumNanos,
  type ChargebackStack,
} from '../helpers/chargebackStack.js';
import {
  day,
  dueMarkers as dueMarkersOf,
  HR,
  ingest as ingestInto,
  SALES,
  slicesOf as slicesIn,
  v1Event,
  withoutSystemFields,
  type StoredDoc,
} from '../helpers/rollupWorld.js';

let world: ChargebackStack;
let services: Services;
let db: Database;

beforeAll(async () => {
  world = await startChargebackStack([], { azurite: true });
  services = world.services;
  db = world.db;
});

afterAll(async () => {
  await world.close();
});

const ingest = (bodies: readonly unknown[]) => ingestInto(services, bodies);
const slicesOf = (pk: string) => slicesIn(db, pk);
const dueMarkers = () => dueMarkersOf(services);

describe('a recompute replaces every slice of its (app, day)', () => {
  it('drops the old slice when backfill re-keys a record (DEPLOYMENTS fixed after ingest)', async () => {
    const d = '2026-11-10';
    const pk = `${HR}|${d}`;
    await ingest([v1Event(HR, d, 'gpt-4o')]);
    await runReport(services, { ...day(d), by: 'app' });
    const before = await slicesOf(pk);
    expect(before).toMatchObject([
      { model: 'gpt-4o', deploymentType: 'global', requests: 1, unpricedRequests: 1 },
    ]);
    const [record] = (await allRecords(db)).filter((r) => r.pk === pk);
    expect(record?.costNanos).toBeNull();

    // The operator adds the mapping, then runs backfill (a new process reads the new DEPLOYMENTS).
    const settings = {
      ...pricerSettings(services.settings),
      deployments: {
        ...services.settings.DEPLOYMENTS,
        'gpt-4o': { version: '0806', deploymentType: 'datazone' as const },
      },
    };
    const pricing = createPricingPort({
      load: () => services.prices.load(services.settings.PRICE_CURRENCY),
      settings,
    });
    const deps = { ...backfillDeps(services), pricing };
    const first = await runBackfill(deps);
    expect(first.prices).toMatchObject({ ok: true, repriced: 1 });

    const records = (await allRecords(db)).filter((r) => r.pk === pk);
    expect(records).toMatchObject([{ deploymentType: 'datazone' }]);
    expect(records[0]?.costNanos).toBeGreaterThan(0);
    const after = await slicesOf(pk);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({
      model: 'gpt-4o',
      deploymentType: 'datazone',
      requests: 1,
      unpricedRequests: 0,
    });
    expect(after[0]?.costNanos).toBe(String(records[0]?.costNanos));

    const { report } = await runReport(services, { ...day(d), by: 'app' });
    expect(report.total.requests).toBe(1);
    expect(report.total.costNanos).toBe(sumNanos(records));
    const audit = await runAudit(services, day(d));
    expect(audit.rollups).toMatchObject({ differing: 0, pending: 0 });
    // Backfill's deferred marker still names the group: that must not excuse a slice gone wrong.
    const [slice] = after;
    if (slice === undefined) throw new Error('no slice');
    await db.container('rollups').items.upsert({ ...slice, requests: 2 });
    const wrong = await runAudit(services, day(d));
    expect(wrong.balanced).toBe(false);
    expect(wrong.rollups?.first).toMatchObject([
      { id: slice.id, problem: 'requests is 2, the records give 1' },
    ]);
    await db.container('rollups').items.upsert(slice);

    // Again, with the deferred safety-net marker due as well: nothing changes.
    await runBackfill(deps);
    const rollups = new CosmosRollups(services.database);
    await rollups.refresh(await rollups.pendingMarkers(), new Date(Date.now() + 3_600_000));
    const again = await slicesOf(pk);
    // Recomputed (a new generation), but the same slice: same key, same amounts.
    const content = (docs: StoredDoc[]) =>
      docs.map((x) => [x.model, x.deploymentType, x.costNanos, x.requests, x.unpricedRequests]);
    expect(content(again)).toEqual(content(after));
    expect((await runReport(services, { ...day(d), by: 'app' })).report.total.requests).toBe(1);
  });

  it('keeps models that differ only in / \\ ? # against _ apart', async () => {
    const d = '2026-11-11';
    const pk = `${SALES}|${d}`;
    const models = ['gpt-x/1', 'gpt-x\\1', 'gpt-x?1', 'gpt-x#1', 'gpt-x_1', 'gpt-x|1'];
    await ingest(models.map((m) => v1Event(SALES, d, m)));
    const { report } = await runReport(services, { ...day(d), by: 'model' });
    expect(report.total.requests).toBe(models.length);
    expect(report.rows.map((r) => r.key).sort()).toEqual([...models].sort());
    const stored = await slicesOf(pk);
    expect(stored.map((s) => s.model).sort()).toEqual([...models].sort());
    for (const s of stored) expect(s.id).toMatch(/^[0-9a-f]{64}$/);
    expect(await dueMarkers()).toEqual([]);
  });

  it('builds a valid id for a model name holding a lone UTF-16 surrogate', async () => {
    const d = '2026-11-12';
    const pk = `${SALES}|${d}`;
    await ingest([v1Event(SALES, d, 'gpt-4o-mini')]);
    await runReport(services, { ...day(d), by: 'app' });
    // A record stored before the normalizer refused such names (it now dead-letters them).
    const usage = db.container('usage');
    const { resources } = await usage.items
      .query<UsageRecord>({
        query: 'SELECT * FROM c WHERE c.pk = @pk',
        parameters: [{ name: '@pk', value: pk }],
      })
      .fetchAll();
    const [base] = resources;
    if (base === undefined) throw new Error('the event was not recorded');
    for (const model of ['gpt-4o-\ud800', 'gpt-4o-\udc00x']) {
      await usage.items.create({ ...withoutSystemFields(base), id: randomUUID(), model });
    }
    await services.ingest.store.markRollupsDirty([{ day: d, appId: SALES }]);

    const { report } = await runReport(services, { ...day(d), by: 'model' });
    expect(report.total.requests).toBe(3);
    expect(await dueMarkers()).toEqual([]);
    const stored = await slicesOf(pk);
    expect(stored).toHaveLength(3);
    for (const s of stored) expect(s.id).toMatch(/^[0-9a-f]{64}$/);
  });

  it('replaces slices written under the old id scheme, so an upgrade counts nothing twice', async () => {
    const d = '2026-11-13';
    const pk = `${HR}|${d}`;
    await ingest([v1Event(HR, d, 'gpt-4o-mini'), v1Event(HR, d, 'gpt-35-turbo')]);
    await runReport(services, { ...day(d), by: 'app' });
    await toOldScheme(pk, d);

    // A new request for the group after the upgrade: its recompute takes over the old slices.
    await ingest([v1Event(HR, d, 'gpt-4o-mini')]);
    const { report } = await runReport(services, { ...day(d), by: 'app' });
    expect(report.total.requests).toBe(3);
    const stored = await slicesOf(pk);
    expect(stored.map((s) => [s.model, s.deploymentType, s.requests]).sort()).toEqual([
      ['gpt-35-turbo', 'regional', 1],
      ['gpt-4o-mini', 'global', 2],
    ]);
    for (const s of stored) expect(s.id).toBe(rollupSliceId({ ...s, day: d, appId: HR }, s.gen ?? ''));
  });

  it('converts an old-scheme group no write marks again, dropping what the old release orphaned', async () => {
    const d = '2026-11-19';
    const pk = `${HR}|${d}`;
    await ingest([v1Event(HR, d, 'gpt-4o-mini')]);
    await runReport(services, { ...day(d), by: 'app' });
    const [slice] = await toOldScheme(pk, d);
    // The slice a re-key left behind in the old release: no record supports it, no marker names it.
    if (slice === undefined) throw new Error('no slice');
    await db.container('rollups').items.create({
      ...slice,
      id: `rollup|${d}|${HR}|gpt-4o|global`,
      model: 'gpt-4o',
    });

    const { report } = await runReport(services, { ...day(d), by: 'model' });
    expect(report.rows.map((r) => [r.key, r.requests])).toEqual([['gpt-4o-mini', 1]]);
    expect((await slicesOf(pk)).map((s) => [s.model, s.gen === undefined])).toEqual([['gpt-4o-mini', false]]);
  });
});

/** Rewrites a group as the previous release stored it: ids `rollup|day|app|model|type`, no generation, no commit. */
async function toOldScheme(pk: string, d: string): Promise<Record<string, unknown>[]> {
  const rollups = db.container('rollups');
  const legacy: Record<string, unknown>[] = [];
  for (const s of await slicesOf(pk)) {
    await rollups.item(s.id, pk).delete();
    const { gen: _gen, ...plain } = withoutSystemFields(s);
    const doc = { ...plain, id: `rollup|${d}|${s.appId}|${s.model}|${s.deploymentType}` };
    await rollups.items.create(doc);
    legacy.push(doc);
  }
  const { resources: commits } = await rollups.items
    .query<{ id: string }>({
      query: 'SELECT c.id FROM c WHERE c.pk = @pk AND c.docType = @t',
      parameters: [
        { name: '@pk', value: pk },
        { name: '@t', value: 'rollupGroup' },
      ],
    })
    .fetchAll();
  for (const c of commits) await rollups.item(c.id, pk).delete();
  return legacy;
}

describe('old-scheme slices whose id no URL can hold', () => {
  it('are deleted all the same (the previous release created them from a lone surrogate)', async () => {
    const d = '2026-11-18';
    const pk = `${SALES}|${d}`;
    await ingest([v1Event(SALES, d, 'gpt-4o-mini')]);
    // What the previous release stored for a model `gpt-4o-\ud800`: created fine (the id is in the
    // body), but no later read, replace or delete could name it in a URL.
    const rollups = db.container('rollups');
    const legacy = {
      id: `rollup|${d}|${SALES}|gpt-4o-\ud800|global`,
      pk,
      docType: 'rollup',
      day: d,
      appId: SALES,
      appDisplayName: null,
      businessUnit: null,
      model: 'gpt-4o-\ud800',
      deploymentType: 'global',
      requests: 1,
      promptTokens: 1,
      cachedTokens: 0,
      completionTokens: 1,
      reasoningTokens: 0,
      totalTokens: 2,
      costNanos: '0',
      unpricedRequests: 1,
      computedAt: new Date().toISOString(),
    };
    await rollups.items.create(legacy);
    const { report } = await runReport(services, { ...day(d), by: 'model' });
    expect(report.total.requests).toBe(1);
    expect(await dueMarkers()).toEqual([]);
    expect((await slicesOf(pk)).map((s) => s.model)).toEqual(['gpt-4o-mini']);
  });
});

describe('two refreshers racing a re-key', () => {
  it('never let one that read the records before the re-key keep its old slice', async () => {
    const d = '2026-11-17';
    const pk = `${SALES}|${d}`;
    await ingest([v1Event(SALES, d, 'gpt-4o')]);
    const usage = db.container('usage');
    // Refresher A reads the group's records (nothing is stored for it yet); before it writes, backfill
    // re-keys the record and refresher B recomputes the group: A's slice and B's share no id.
    let raced = false;
    const a = new CosmosRollups(services.database, async (group) => {
      if (raced || group !== pk) return;
      raced = true;
      const { resources } = await usage.items
        .query<UsageRecord>({
          query: 'SELECT * FROM c WHERE c.pk = @pk',
          parameters: [{ name: '@pk', value: pk }],
        })
        .fetchAll();
      for (const r of resources) await usage.items.upsert({ ...r, deploymentType: 'datazone' });
      await services.ingest.store.markRollupsDirty([{ day: d, appId: SALES }]);
      await new CosmosRollups(services.database).refreshDirty();
    });
    const result = await a.refreshDirty();
    expect(raced).toBe(true);
    expect(result).toMatchObject({ contended: 1, markersLeft: 1 });

    await new CosmosRollups(services.database).refreshDirty();
    expect(await slicesOf(pk)).toMatchObject([{ deploymentType: 'datazone', requests: 1 }]);
    expect(await dueMarkers()).toEqual([]);
  });
});

describe('a report refreshes only the days it reads', () => {
  it('leaves a dirty group of another day to backfill, even when one marker names both', async () => {
    const rollups = new CosmosRollups(services.database);
    await rollups.refreshDirty();
    const [inside, outside] = ['2026-11-15', '2026-11-16'];
    await ingest([v1Event(HR, inside, 'gpt-4o-mini'), v1Event(HR, outside, 'gpt-4o-mini')]);
    const [marker] = await dueMarkers();
    expect(marker?.groups).toEqual([`${HR}|${inside}`, `${HR}|${outside}`]);

    const { report } = await runReport(services, { ...day(inside), by: 'app' });
    expect(report.total.requests).toBe(1);
    expect(await slicesOf(`${HR}|${inside}`)).toHaveLength(1);
    expect(await slicesOf(`${HR}|${outside}`)).toEqual([]);
    const left = await dueMarkers();
    expect(left.map((m) => m.groups)).toEqual([[`${HR}|${outside}`]]);

    const result = await runBackfill(backfillDeps(services));
    // Backfill may also re-key records of earlier tests (their DEPLOYMENTS changed), so count at least this group.
    expect(result.rollups).toMatchObject({ ok: true });
    expect(result.rollups.ok && result.rollups.groups).toBeGreaterThanOrEqual(1);
    expect(await slicesOf(`${HR}|${outside}`)).toMatchObject([{ requests: 1 }]);
    expect(await dueMarkers()).toEqual([]);
  });
});
