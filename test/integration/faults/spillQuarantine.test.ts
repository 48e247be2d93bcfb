import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startLocalStack, type LocalStack } from '../../../local/stack.js';
import type { Services } from '../../../shared/app/services.js';
import { DependencyError, RejectedWriteError } from '../../../shared/errors.js';
import { backfillFailed, formatBackfill, type BackfillResult } from '../../../shared/pipeline/backfill.js';
import { MAX_REPLAY_FAILURES, replaySpills } from '../../../shared/pipeline/backfill/spills.js';
import { ingestBatch } from '../../../shared/pipeline/ingestBatch.js';
import type { IngestPorts } from '../../../shared/pipeline/ports.js';
import { buildSampleEvents } from '../../../shared/producer/sampleEvents.js';
import { runAudit } from '../../../shared/report/audit.js';
import { auditTable } from '../../../shared/report/auditFormat.js';
import { openSpillContainer } from '../../../shared/spill/blobSpill.js';
import { APPS, openServices, PRINCIPALS } from './harness.js';

// Issue 12: a spill that keeps failing to replay for a reason other than the store was retried by every
// backfill forever, in silence, and `audit` said nothing. Real Azurite spills, the real Cosmos stand-in;
// only the store's answer to the records is scripted (a document it refuses, or an outage).

let stack: LocalStack;
let services: Services;
const today = new Date().toISOString().slice(0, 10);
const range = { from: new Date(Date.now() - 86_400_000).toISOString().slice(0, 10), to: today };

beforeAll(async () => {
  stack = await startLocalStack({ servicePrincipals: PRINCIPALS, azurite: true });
  services = await openServices(stack, 'quarantine');
});

afterAll(async () => {
  await services.close();
  await stack.stop();
});

/** The real ports, with the records' create answered by `failure` (dead letters, ledger and markers written). */
const recordsFail = (failure: () => Error): IngestPorts => ({
  ...services.ingest,
  store: {
    ...services.ingest.store,
    writeLedger: (docs) => services.ingest.store.writeLedger?.(docs) ?? Promise.resolve(),
    createRecords: () => Promise.reject(failure()),
    createDeadLetters: (d) => services.ingest.store.createDeadLetters(d),
    markRollupsDirty: (g) => services.ingest.store.markRollupsDirty(g),
    savePriceSets: (s) => services.ingest.store.savePriceSets(s),
  },
});
const refused = () => recordsFail(() => new RejectedWriteError('Create x in usage failed with 400'));
const down = () => recordsFail(() => new DependencyError('cosmos', 'injected: store down'));

const asStep = (spills: Awaited<ReturnType<typeof replaySpills>>): BackfillResult => ({
  spills: { ok: true, ...spills },
  identities: { ok: false, error: 'not run' },
  prices: { ok: false, error: 'not run' },
  rollups: { ok: false, error: 'not run' },
});

describe('a spill whose replay keeps failing for a reason other than the store', () => {
  it('is counted, reported by audit, then quarantined and reported, never dropped', async () => {
    const events = buildSampleEvents(6, {
      seed: 7,
      apps: [...APPS],
      start: new Date(Date.now() - 3_600_000),
    });
    const bodies = events.map((e) => ({ ...e, region: 'eastus' }));
    const sources = bodies.map((_, i) => ({
      kind: 'eventhub' as const,
      partitionId: '3',
      sequenceNumber: i,
    }));
    const spilled = await ingestBatch(bodies, sources, refused(), services.spill);
    expect(spilled).toMatchObject({
      status: 'spilled',
      reason: expect.stringMatching(/^not a store failure: /) as unknown,
    });
    if (spilled.status !== 'spilled') return;
    // A blob no replay can decode, as a truncated upload would leave.
    const container = await openSpillContainer({ AzureWebJobsStorage: stack.env.AzureWebJobsStorage });
    const corrupt = `${today}/zz-corrupt.json`;
    await container.getBlockBlobClient(corrupt).upload('{"format":"chargeback-spill/1","bod', 35);

    // A store outage is not the spill's fault: it is not counted.
    const outage = await replaySpills(services.spill, down());
    expect(outage.quarantined).toEqual([]);
    expect(await services.spill.replayFailures(spilled.spill)).toEqual({ count: 0, last: null });

    for (let attempt = 1; attempt < MAX_REPLAY_FAILURES; attempt++) {
      const run = await replaySpills(services.spill, refused());
      expect(run.quarantined).toEqual([]);
      expect(run.failed.map((f) => f.reason)).toEqual([
        `Create x in usage failed with 400 (failed replay ${attempt} of ${MAX_REPLAY_FAILURES})`,
        expect.stringMatching(new RegExp(`^cannot read: .*\\(failed replay ${attempt} of`)) as unknown,
      ]);
    }
    const failing = await runAudit(services, range);
    expect(failing.spillHealth?.failing.map((n) => [n.name, n.failures])).toEqual([
      [spilled.spill, 2],
      [corrupt, 2],
    ]);
    expect(auditTable(failing)).toContain('spills whose replay is failing (not a store failure):');

    const last = await replaySpills(services.spill, refused());
    expect(last.quarantined.map((q) => q.name)).toEqual([
      `quarantine/${spilled.spill}`,
      `quarantine/${corrupt}`,
    ]);
    expect(backfillFailed(asStep(last))).toBe(true);
    expect(formatBackfill(asStep(last)).join('\n')).toContain(
      `spill QUARANTINED as quarantine/${spilled.spill}`,
    );
    // Moved aside, whole: no longer replayed, still readable.
    expect(await services.spill.list()).toEqual([]);
    expect(await services.spill.listQuarantined()).toEqual([
      `quarantine/${spilled.spill}`,
      `quarantine/${corrupt}`,
    ]);
    expect((await services.spill.read(`quarantine/${spilled.spill}`)).bodies).toHaveLength(6);
    expect((await replaySpills(services.spill, refused())).batches).toBe(0);

    const audit = await runAudit(services, range);
    expect(audit.balanced).toBe(false);
    expect(audit.spillHealth?.quarantined.map((n) => n.failures)).toEqual([3, 3]);
    // Its events were seen by the ledger; they are in the quarantined spill, not missing.
    expect(audit.total).toMatchObject({ seen: 6, missing: 0, waiting: 6, spilledEvents: 6 });
    const table = auditTable(audit);
    expect(table).toContain('2 spills quarantined');
    expect(table).toContain(
      `quarantine/${spilled.spill}: 3 failed replays; last: Create x in usage failed with 400`,
    );
  });
});
