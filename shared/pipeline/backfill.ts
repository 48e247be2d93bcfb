import type { Container } from '@azure/cosmos';

import type { Services } from '../app/services.js';
import { CosmosRollups, type RefreshResult } from '../store/cosmosRollups.js';
import { ensureError } from '../errors.js';
import { completeIdentities, type IdentityBackfill } from './backfill/identities.js';
import { repriceRecords, type PriceBackfill } from './backfill/prices.js';
import { replaySpills, type SpillReplay, type SpillStore } from './backfill/spills.js';
import type { IngestPorts, PricingPort } from './ports.js';

/** What backfill needs; `backfillDeps(services)` builds it for the timer function and the CLI. */
export interface BackfillDeps {
  readonly usage: Container;
  readonly spill: SpillStore;
  readonly ingest: IngestPorts;
  readonly pricing: PricingPort & { invalidate(): void };
  /** Recomputes dirty rollups, so reports find little left to do (docs/rollups.md). */
  readonly rollups: { refreshDirty(): Promise<RefreshResult> };
}

export interface BackfillOptions {
  /** Pending and unpriced records handled per step and run; the rest waits for the next run. */
  readonly limit?: number;
}

export interface BackfillResult {
  readonly spills: StepResult<SpillReplay>;
  readonly identities: StepResult<IdentityBackfill>;
  readonly prices: StepResult<PriceBackfill>;
  readonly rollups: StepResult<RefreshResult>;
}

export const DEFAULT_BACKFILL_LIMIT = 5_000;

export function backfillDeps(services: Services): BackfillDeps {
  return {
    usage: services.database.container('usage'),
    spill: services.spill,
    ingest: services.ingest,
    pricing: services.pricing,
    rollups: new CosmosRollups(services.database),
  };
}

/**
 * The one implementation behind the `backfill` timer and `chargeback backfill`. Spills are replayed
 * first, so records they bring in `pending` or `unpriced` are completed in the same run. Every
 * step is idempotent (create-only ingest, ETag-conditioned replaces, recomputed rollups), so runs
 * may overlap each other and ingest, and a run that dies half-way is finished by the next one.
 */
export async function runBackfill(
  deps: BackfillDeps,
  options: BackfillOptions = {},
): Promise<BackfillResult> {
  const limit = options.limit ?? DEFAULT_BACKFILL_LIMIT;
  // Each step stands alone: a blob outage must not hold back identities, nor a failed query prices.
  const spills = await step(() => replaySpills(deps.spill, deps.ingest));
  const identities = await step(() =>
    completeIdentities(deps.usage, deps.ingest.identities, deps.ingest.store, limit),
  );
  const prices = await step(() => repriceRecords(deps.usage, deps.pricing, deps.ingest.store, limit));
  // Last, so it covers what the steps above marked; a report then only refreshes what came since.
  const rollups = await step(() => deps.rollups.refreshDirty());
  return { spills, identities, prices, rollups };
}

/** A step's result, or why it could not run (it is simply tried again next run). */
export type StepResult<T> = ({ readonly ok: true } & T) | { readonly ok: false; readonly error: string };

async function step<T>(run: () => Promise<T>): Promise<StepResult<T>> {
  try {
    return { ok: true, ...(await run()) };
  } catch (error) {
    return { ok: false, error: ensureError(error).message };
  }
}

/** Lines for the CLI and the function log. */
export function formatBackfill(result: BackfillResult): string[] {
  const { spills, identities, prices, rollups } = result;
  const lines = [
    spills.ok
      ? `spills: replayed ${spills.batches} batches (${spills.events} events: recorded ${spills.totals.recorded}, ` +
        `pending ${spills.totals.pending}, duplicates ${spills.totals.duplicates}, ` +
        `dead-lettered ${spills.totals.deadLettered}); ${spills.failed.length + spills.skipped} still waiting`
      : `spills: not replayed: ${spills.error}`,
    identities.ok
      ? `identities: completed ${identities.completed} of ${identities.examined} pending records; ` +
        `still pending ${identities.stillPending}${identities.more ? ' (more next run)' : ''}`
      : `identities: not completed: ${identities.error}`,
    prices.ok
      ? `prices: re-priced ${prices.repriced} of ${prices.examined} unpriced records; ` +
        `still unpriced ${prices.stillUnpriced}${prices.more ? ' (more next run)' : ''}`
      : `prices: not re-priced: ${prices.error}`,
    rollups.ok
      ? `rollups: recomputed ${rollups.groups} app-days (${rollups.slices} slices); ` +
        `${rollups.markersLeft} markers left for later (deferred, or ${rollups.contended} app-days written meanwhile)`
      : `rollups: not refreshed: ${rollups.error}`,
  ];
  if (spills.ok) for (const f of spills.failed) lines.push(`spill ${f.name} kept: ${f.reason}`);
  if (spills.ok) {
    for (const q of spills.quarantined) {
      lines.push(
        `spill QUARANTINED as ${q.name}, not replayed again until moved back (docs/reliability.md): ${q.reason}`,
      );
    }
  }
  for (const [name, r] of [
    ['identities', identities],
    ['prices', prices],
  ] as const) {
    if (!r.ok) continue;
    if (r.conflicts > 0)
      lines.push(`${name}: ${r.conflicts} records changed meanwhile (412), retried next run`);
    if (r.failed > 0)
      lines.push(`${name}: ${r.failed} writes failed, retried next run: ${r.firstError ?? ''}`);
  }
  return lines;
}

/** True when a step could not run or a spill could not be replayed: a dependency is still failing. */
export function backfillFailed(result: BackfillResult): boolean {
  const { spills, identities, prices, rollups } = result;
  return (
    !spills.ok ||
    !identities.ok ||
    !prices.ok ||
    !rollups.ok ||
    spills.failed.length + spills.skipped + spills.quarantined.length > 0
  );
}

/** True when this run left nothing behind that a later run must finish. */
export function backfillComplete(result: BackfillResult): boolean {
  const { identities, prices } = result;
  return (
    !backfillFailed(result) &&
    identities.ok &&
    identities.stillPending === 0 &&
    !identities.more &&
    prices.ok &&
    prices.stillUnpriced === 0 &&
    !prices.more
  );
}
