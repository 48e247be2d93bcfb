import { ensureError, isStoreFailure } from '../../errors.js';
import type { EventSource } from '../../events/types.js';
import { ingestBatch, type Spill } from '../ingestBatch.js';
import type { IngestPorts } from '../ports.js';
import { addCounts, ZERO_TOTALS, type Totals } from '../summary.js';

/** Spills whose replay kept failing for a reason other than the store (docs/reliability.md, "Spills"). */
export const QUARANTINE_PREFIX = 'quarantine/';

/** A spill's failed replays so far, as its store keeps them. */
export interface ReplayFailures {
  readonly count: number;
  readonly last: string | null;
}

/** The spill as backfill sees it (BlobSpill in Azure and locally on Azurite). */
export interface SpillStore extends Spill {
  list(): Promise<string[]>;
  read(name: string): Promise<{ bodies: unknown[]; sources: EventSource[]; savedAt: string }>;
  remove(name: string): Promise<void>;
  /** Counts one more replay that failed for a reason other than the store; returns the count. */
  recordReplayFailure(name: string, reason: string): Promise<number>;
  /** Moves the spill aside (`quarantine/<name>`): no longer replayed, never deleted. */
  quarantine(name: string): Promise<string>;
}

/**
 * Replays that may fail for a reason other than the store before the spill is quarantined: at one
 * backfill every 15 minutes, about 45 minutes in which a deployed fix still lets it through.
 */
export const MAX_REPLAY_FAILURES = 3;

export interface SpillReplay {
  readonly batches: number;
  readonly events: number;
  readonly totals: Totals;
  /** Spills kept for the next run, with why. */
  readonly failed: readonly { readonly name: string; readonly reason: string }[];
  /** Spills not tried because the store is still failing. */
  readonly skipped: number;
  /** Spills moved to quarantine by this run, after MAX_REPLAY_FAILURES non-store failures. */
  readonly quarantined: readonly { readonly name: string; readonly reason: string }[];
}

/**
 * Replays spilled batches oldest first, with their original sources so every id (and dead-letter
 * id) is the one the first delivery would have written: a batch already partly written before it
 * spilled just meets its own records as duplicates. The blob is removed only after the replay
 * succeeded, and a replay never spills again, so a failure keeps the blob where it is.
 *
 * A store failure stops the run (the next run retries). Any other failure (a spill that cannot be
 * decoded, a document the store refuses, a bug) is counted on the blob; after MAX_REPLAY_FAILURES
 * the spill is quarantined and reported here and by `audit`, never retried in silence nor dropped.
 */
export async function replaySpills(spill: SpillStore, ports: IngestPorts): Promise<SpillReplay> {
  const names = await spill.list();
  let batches = 0;
  let events = 0;
  let totals = ZERO_TOTALS;
  const failed: { name: string; reason: string }[] = [];
  const quarantined: { name: string; reason: string }[] = [];

  const notStoreFailure = async (name: string, reason: string) => {
    try {
      const count = await spill.recordReplayFailure(name, reason);
      if (count < MAX_REPLAY_FAILURES) {
        failed.push({ name, reason: `${reason} (failed replay ${count} of ${MAX_REPLAY_FAILURES})` });
        return;
      }
      const moved = await spill.quarantine(name);
      quarantined.push({ name: moved, reason: `${count} replays failed, the last: ${reason}` });
    } catch (error) {
      failed.push({
        name,
        reason: `${reason}; its failure could not be counted: ${ensureError(error).message}`,
      });
    }
  };

  for (const [index, name] of names.entries()) {
    let batch;
    try {
      batch = await spill.read(name);
    } catch (error) {
      // Another backfill replayed and removed it between our list and read.
      if ((error as { statusCode?: unknown }).statusCode === 404) continue;
      const reason = `cannot read: ${ensureError(error).message}`;
      if (isStorageFailure(error)) failed.push({ name, reason });
      else await notStoreFailure(name, reason);
      continue;
    }
    try {
      const result = await ingestBatch(batch.bodies, batch.sources, ports, undefined);
      if (result.status === 'processed') totals = addCounts(totals, result.summary);
    } catch (error) {
      const reason = ensureError(error).message;
      // The store is still down: every other replay would wait out the same retries.
      if (isStoreFailure(error)) {
        failed.push({ name, reason });
        return { batches, events, totals, failed, skipped: names.length - index - 1, quarantined };
      }
      await notStoreFailure(name, reason);
      continue;
    }
    batches++;
    events += batch.bodies.length;
    // If the blob cannot be removed, the next run replays it again: harmless, every write is idempotent.
    await spill.remove(name).catch((error: unknown) => {
      failed.push({ name, reason: `replayed, but not removed: ${(error as Error).message}` });
    });
  }
  return { batches, events, totals, failed, skipped: 0, quarantined };
}

/** Blob storage answered with a status or the connection failed; otherwise the blob's content is at fault. */
function isStorageFailure(error: unknown): boolean {
  const { statusCode, code } = error as { statusCode?: unknown; code?: unknown };
  return typeof statusCode === 'number' || typeof code === 'string';
}
