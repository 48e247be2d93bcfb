import type { Database } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Services } from '../../shared/app/services.js';
import { ingestBatch } from '../../shared/pipeline/ingestBatch.js';
import type { UsageRecord } from '../../shared/pipeline/record.js';
import { runReport } from '../../shared/report/runReport.js';
import type { UsageSlice } from '../../shared/report/types.js';
import { CosmosRollups } from '../../shared/store/cosmosRollups.js';
import {
  allRecords,
  sampleBatch,
  startChargebackStack,
  sumNanos,
  type ChargebackStack,
  type RecordRow,
} from '../helpers/chargebackStack.js';

const HR = '7d8a1c3e-2b4f-4e6a-9c1d-0f2e3a4b5c6d';
const SALES = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
// Wide enough for every sample (2025-06 and 2026-11); runReport itself does not cap the range.
const ALL = { from: '2025-01-01', to: '2026-12-31' } as const;

let world: ChargebackStack;
let services: Services;
let db: Database;

beforeAll(async () => {
  world = await startChargebackStack();
  services = world.services;
  db = world.db;
});

afterAll(async () => {
  await world.close();
});

const sliceKey = (s: { day: string; appId: string; model: string; deploymentType: string }) =>
  `${s.day}|${s.appId}|${s.model}|${s.deploymentType}`;

/** Groups records the way a rollup does, summing straight from the `usage` container. */
function expectedSlices(records: readonly RecordRow[]) {
  const groups = new Map<
    string,
    { costNanos: bigint; requests: number; totalTokens: number; unpriced: number }
  >();
  for (const r of records) {
    const g = groups.get(sliceKey(r)) ?? { costNanos: 0n, requests: 0, totalTokens: 0, unpriced: 0 };
    groups.set(sliceKey(r), {
      costNanos: g.costNanos + BigInt(r.costNanos ?? 0),
      requests: g.requests + 1,
      totalTokens: g.totalTokens + r.totalTokens,
      unpriced: g.unpriced + (r.costNanos === null ? 1 : 0),
    });
  }
  return groups;
}

/** Every rollup equals the sum of its records, and there is no rollup without records. */
function expectRollupsExact(rollups: readonly UsageSlice[], records: readonly RecordRow[]): void {
  const expected = expectedSlices(records);
  const actual = new Map(
    rollups.map((s) => [
      sliceKey(s),
      {
        costNanos: s.costNanos,
        requests: s.requests,
        totalTokens: s.totalTokens,
        unpriced: s.unpricedRequests,
      },
    ]),
  );
  expect(actual).toEqual(expected);
}

async function refreshAndRead(): Promise<{ rollups: UsageSlice[]; records: RecordRow[] }> {
  const rollups = new CosmosRollups(services.database);
  await rollups.refreshDirty();
  return { rollups: await rollups.read(ALL.from, ALL.to), records: await allRecords(db) };
}

describe('rollups are recomputed from records', () => {
  it('stay exact when the same batch is delivered three times (once, then twice at once)', async () => {
    const { bodies, sources } = await sampleBatch();
    const first = await ingestBatch(bodies, sources, services.ingest, undefined);
    expect(first.status).toBe('processed');
    const once = await refreshAndRead();
    expect(once.records.length).toBeGreaterThan(15);
    expectRollupsExact(once.rollups, once.records);

    // Redelivery after the rollups were computed, two deliveries racing each other.
    await Promise.all([
      ingestBatch(bodies, sources, services.ingest, undefined),
      ingestBatch(bodies, sources, services.ingest, undefined),
    ]);
    const thrice = await refreshAndRead();
    expect(thrice.records.length).toBe(once.records.length);
    expectRollupsExact(thrice.rollups, thrice.records);
    const costs = (slices: readonly UsageSlice[]) => new Map(slices.map((s) => [sliceKey(s), s.costNanos]));
    expect(costs(thrice.rollups)).toEqual(costs(once.rollups));

    // What every front shows: the report's totals are the record sums, per app and overall.
    const { report } = await runReport(services, { ...ALL, by: 'app' });
    expect(report.total.costNanos).toBe(sumNanos(thrice.records));
    expect(report.total.requests).toBe(thrice.records.length);
    for (const row of report.rows) {
      expect(row.costNanos, row.key).toBe(sumNanos(thrice.records.filter((r) => r.appId === row.key)));
    }
    const byModel = await runReport(services, { ...ALL, by: 'model' });
    expect(byModel.report.total.costNanos).toBe(sumNanos(thrice.records));
    // Each refresh recomputes ~20 groups; the SDK's bulk executor waits ~1 s per partial batch.
  }, 180_000);

  it('follow a backfill that changes a record once its (app, day) is marked dirty', async () => {
    const usage = db.container('usage');
    const records = await allRecords(db);
    const priced = records.find((r) => r.appId === HR && r.costNanos !== null);
    const unpriced = records.find((r) => r.appId === SALES && r.costNanos === null);
    if (priced === undefined || unpriced === undefined)
      throw new Error('the samples lost a priced HR or unpriced Sales record');
    const before = await runReport(services, { ...ALL, by: 'app' });

    // What backfill does: rewrite the record in place (a repriced cost, a newly resolved name) ...
    const { resource: doc } = await usage.item(priced.id, priced.pk).read<UsageRecord>();
    if (doc === undefined) throw new Error(`record ${priced.id} vanished`);
    await usage.items.upsert({
      ...doc,
      costNanos: (doc.costNanos ?? 0) + 123_456_789,
      appDisplayName: 'HR Assistant v2',
    });
    const { resource: gap } = await usage.item(unpriced.id, unpriced.pk).read<UsageRecord>();
    if (gap === undefined) throw new Error(`record ${unpriced.id} vanished`);
    await usage.items.upsert({
      ...gap,
      cost: 0.005,
      costNanos: 5_000_000,
      costStatus: 'priced',
      unpricedReason: null,
    });

    // ... which the rollups do not see until the group is marked: the marker is the whole contract.
    const stale = await runReport(services, { ...ALL, by: 'app' });
    expect(stale.report.total.costNanos).toBe(before.report.total.costNanos);

    await services.ingest.store.markRollupsDirty([
      { day: priced.day, appId: priced.appId },
      { day: unpriced.day, appId: unpriced.appId },
    ]);
    const after = await refreshAndRead();
    expectRollupsExact(after.rollups, after.records);
    const { report } = await runReport(services, { ...ALL, by: 'app' });
    expect(report.total.costNanos).toBe(before.report.total.costNanos + 123_456_789n + 5_000_000n);
    expect(report.total.costNanos).toBe(sumNanos(after.records));
    expect(report.total.unpricedRequests).toBe(before.report.total.unpricedRequests - 1);
    // The name too: the latest known name of the group's records is the rollup's name.
    const renamed = after.rollups.find(
      (s) => s.appId === HR && s.day === priced.day && s.model === priced.model,
    );
    expect(renamed?.appDisplayName).toBe('HR Assistant v2');
  });

  it('keep a group dirty when a write marks it while a refresh runs (only markers read are deleted)', async () => {
    const rollups = new CosmosRollups(services.database);
    const group = { day: '2026-11-16', appId: HR };
    await services.ingest.store.markRollupsDirty([group]);
    const seen = await rollups.pendingMarkers();
    expect(seen.flatMap((m) => m.groups)).toEqual([`${HR}|${group.day}`]);

    // A concurrent ingest marks the same group after the refresher read the markers ...
    await services.ingest.store.markRollupsDirty([group]);
    const during = await rollups.pendingMarkers();
    expect(during).toHaveLength(2);
    expect(new Set(during.map((m) => m.id)).size).toBe(2);

    // ... so the refresh of what it read deletes only that marker, leaving the group dirty.
    const result = await rollups.refresh(seen);
    expect(result.groups).toBe(1);
    const left = await rollups.pendingMarkers();
    expect(left.map((m) => m.id)).toEqual(during.filter((m) => m.id !== seen[0]?.id).map((m) => m.id));

    // The next refresh covers the new marker and clears it; a second refresher racing it finds nothing to do.
    const [next, racing] = await Promise.all([rollups.refreshDirty(), rollups.refresh(left)]);
    expect(next.groups + racing.groups).toBeGreaterThanOrEqual(1);
    expect(await rollups.pendingMarkers()).toEqual([]);
    const after = await refreshAndRead();
    expectRollupsExact(after.rollups, after.records);
  });

  it('never let a refresher that read older records overwrite a newer result (conditional slice writes)', async () => {
    const usage = db.container('usage');
    await new CosmosRollups(services.database).refreshDirty();
    const target = (await allRecords(db)).find((r) => r.costNanos !== null);
    if (target === undefined) throw new Error('no priced record');
    const group = { day: target.day, appId: target.appId };
    await services.ingest.store.markRollupsDirty([group]);

    // Refresher A has read the group's records; before it writes, a backfill changes a record and
    // refresher B recomputes the group with it. A must lose: its slices are older than B's.
    let raced = false;
    const a = new CosmosRollups(services.database, async (pk) => {
      if (raced || pk !== target.pk) return;
      raced = true;
      const { resource } = await usage.item(target.id, target.pk).read<UsageRecord>();
      if (resource === undefined) throw new Error('record vanished');
      await usage.items.upsert({ ...resource, costNanos: (resource.costNanos ?? 0) + 777 });
      await services.ingest.store.markRollupsDirty([group]);
      await new CosmosRollups(services.database).refreshDirty();
    });
    const result = await a.refreshDirty();
    expect(raced).toBe(true);
    expect(result.contended).toBe(1);
    expect(result.markersLeft).toBe(1);

    // What is stored is B's result, which includes the change; A's marker is left for the next run.
    const stored = await new CosmosRollups(services.database).read(ALL.from, ALL.to);
    expectRollupsExact(stored, await allRecords(db));
    expect((await new CosmosRollups(services.database).refreshDirty()).contended).toBe(0);
    expect(await new CosmosRollups(services.database).pendingMarkers()).toEqual([]);
  });

  it('leave a deferred marker until its time, and read markers written before batch markers', async () => {
    const rollups = new CosmosRollups(services.database);
    await rollups.refreshDirty();
    const [record] = await allRecords(db);
    if (record === undefined) throw new Error('no records');
    const group = { day: record.day, appId: record.appId };
    const later = new Date(Date.now() + 30 * 60_000);
    await services.ingest.store.markRollupsDirty([group], later);
    // The pre-batch-marker shape: one document per app-day, no `groups`.
    await db.container('rollups').items.create({
      id: `dirty|${record.appId}|${record.day}`,
      pk: record.pk,
      docType: 'dirty',
      appId: record.appId,
      day: record.day,
      markedAt: new Date().toISOString(),
    });

    const now = await rollups.refresh(await rollups.pendingMarkers());
    expect(now).toMatchObject({ groups: 1, markersLeft: 1 });
    const [deferred] = await rollups.pendingMarkers();
    expect(deferred?.notBefore).toBe(later.toISOString());
    expect(deferred?.groups).toEqual([record.pk]);

    const after = await rollups.refresh(await rollups.pendingMarkers(), new Date(later.getTime() + 1));
    expect(after).toMatchObject({ groups: 1, markersLeft: 0 });
    expect(await rollups.pendingMarkers()).toEqual([]);
  });

  it('write one marker per batch, naming each (app, day) of the batch once', async () => {
    const rollups = new CosmosRollups(services.database);
    await rollups.refreshDirty();
    const { bodies, sources } = await sampleBatch();
    await ingestBatch(bodies, sources, services.ingest, undefined);
    const markers = await rollups.pendingMarkers();
    // Every record in the database came from this batch (the tests above replayed and rewrote it).
    const batchGroups = new Set((await allRecords(db)).map((r) => r.pk));
    expect(markers).toHaveLength(1);
    expect(new Set(markers[0]?.groups)).toEqual(batchGroups);
    expect(markers[0]?.groups).toHaveLength(batchGroups.size);
  });
});
