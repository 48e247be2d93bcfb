import { ensureError } from '../errors.js';
import { completeIdentities, type IdentityBackfill } from './backfill/identities.js';
import { repriceRecords, type PriceBackfill } from './backfill/prices.js';
import type { UsageRecordStore } from './backfill/recordStore.js';
import { replaySpills, type SpillReplay, type SpillStore } from './backfill/spills.js';
import type { IngestPorts, PricingPort } from './ports.js';

/** What a rollup refresh reports (CosmosRollups.refreshDirty, docs/rollups.md). */
export interface RollupRefresh {
  readonly groups: number;
  readonly slices: number;
  readonly markersLeft: number;
  readonly contended: number;
}

/**
 * What backfill needs, as ports: `backfillDeps(services)` in shared/app wires the Cosmos and blob
 * adapters for the timer function and the CLI.
 */
export interface BackfillDeps {
  readonly usage: UsageRecordStore;
  readonly spill: SpillStore;
  readonly ingest: IngestPorts;
  readonly pricing: PricingPort & { invalidate(): void };
  /** Recomputes dirty rollups, so reports find little left to do (docs/rollups.md). */
  readonly rollups: { refreshDirty(): Promise<RollupRefresh> };
}

export interface BackfillOptions {
  /** Records handled per step and run (pending ones; re-price candidates); the rest waits for the next run. */
  readonly limit?: number;
}

export interface BackfillResult {
  readonly spills: StepResult<SpillReplay>;
  readonly identities: StepResult<IdentityBackfill>;
  readonly prices: StepResult<PriceBackfill>;
  readonly rollups: StepResult<RollupRefresh>;
}

export const DEFAULT_BACKFILL_LIMIT = 5_000;

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
    ...(prices.ok ? formatPrices(prices) : [`prices: not re-priced: ${prices.error}`]),
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

function formatPrices(prices: PriceBackfill): string[] {
  const lines = [
    `prices: checked ${prices.examined} records against the current price book and DEPLOYMENTS; ` +
      `re-priced ${prices.repriced}; still unpriced ${prices.stillUnpriced}; ` +
      (prices.untried > 0
        ? `${prices.untried} records not checked yet (more next run)`
        : 'every record checked; the unpriced wait for a price book or DEPLOYMENTS change'),
  ];
  for (const { reason, count } of prices.reasons) lines.push(`prices: still unpriced (${count}): ${reason}`);
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

/**
 * True when this run left nothing behind that a later run must finish. Unpriced records already
 * checked against the current book and settings wait for a change to those, not for a run.
 */
export function backfillComplete(result: BackfillResult): boolean {
  const { identities, prices } = result;
  return (
    !backfillFailed(result) &&
    identities.ok &&
    identities.stillPending === 0 &&
    !identities.more &&
    prices.ok &&
    prices.untried === 0
  );
}
