import type { Database } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Services } from '../../shared/app/services.js';
import { runAudit } from '../../shared/report/audit.js';
import { auditTable } from '../../shared/report/auditFormat.js';
import { rollupSliceId } from '../../shared/report/rollupMath.js';
import { startChargebackStack, type ChargebackStack } from '../helpers/chargebackStack.js';
import { auditCli, day, ingest, SALES, slicesOf as slicesIn, v1Event } from '../helpers/rollupWorld.js';

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

const slicesOf = (pk: string) => slicesIn(db, pk);

describe('audit compares the rollups with their records', () => {
  const d = '2026-11-14';
  const pk = `${SALES}|${d}`;

  it('passes on a clean run and fails naming a corrupted or stale slice', async () => {
    await ingest(services, [v1Event(SALES, d, 'gpt-4o-mini'), v1Event(SALES, d, 'gpt-35-turbo')]);
    const clean = await runAudit(services, day(d));
    expect(clean.balanced).toBe(true);
    expect(clean.rollups).toMatchObject({ groups: 1, differing: 0 });
    expect(auditTable(clean)).toContain('rollups: 1 app-days equal their records');

    // A slice whose cost drifted from its records.
    const rollups = db.container('rollups');
    const [first, second] = await slicesOf(pk);
    if (first === undefined || second === undefined) throw new Error('expected two slices');
    await rollups.items.upsert({ ...first, costNanos: String(BigInt(first.costNanos) + 1n) });
    const drifted = await runAudit(services, day(d));
    expect(drifted.balanced).toBe(false);
    expect(drifted.rollups?.first[0]).toMatchObject({ id: first.id, model: first.model });
    expect(drifted.rollups?.first[0]?.problem).toContain('costNanos');
    expect(auditTable(drifted)).toContain(`(rollup ${first.id}): costNanos is "`);
    const cli = await auditCli(world, d);
    expect(cli.code).toBe(1);
    expect(cli.out).toContain(`ROLLUPS DIFFER from the records in 1 slices`);
    await rollups.items.upsert(first);
    expect((await runAudit(services, day(d))).balanced).toBe(true);

    // A slice no record supports (what a re-key used to leave behind), and one stored twice.
    const ghost = {
      ...second,
      id: rollupSliceId(
        { day: d, appId: SALES, model: 'gpt-ghost', deploymentType: second.deploymentType },
        second.gen ?? '',
      ),
      model: 'gpt-ghost',
    };
    await rollups.items.create(ghost);
    const stale = await runAudit(services, day(d));
    expect(stale.balanced).toBe(false);
    expect(stale.rollups?.first).toMatchObject([
      { id: ghost.id, problem: 'stored, but no record supports it' },
    ]);
    await rollups.item(ghost.id, pk).delete();
    await rollups.items.create({
      ...second,
      id: `rollup|${d}|${SALES}|${second.model}|${second.deploymentType}`,
    });
    const twice = await runAudit(services, day(d));
    expect(twice.balanced).toBe(false);
    expect(twice.rollups?.differing).toBe(1);
    expect(twice.rollups?.first[0]?.problem).toContain('stored twice');

    // The next recompute of the group repairs it, and audit says so.
    await services.ingest.store.markRollupsDirty([{ day: d, appId: SALES }]);
    const repaired = await runAudit(services, day(d));
    expect(repaired.balanced).toBe(true);
    expect(await slicesOf(pk)).toHaveLength(2);
  });
});
