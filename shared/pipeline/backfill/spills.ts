import { DependencyError } from '../../errors.js';
import type { EventSource } from '../../events/types.js';
import { ingestBatch, type Spill } from '../ingestBatch.js';
import type { IngestPorts } from '../ports.js';
import { addCounts, ZERO_TOTALS, type Totals } from '../summary.js';

/** The spill as backfill sees it (BlobSpill in Azure and locally on Azurite). */
export interface SpillStore extends Spill {
  list(): Promise<string[]>;
  read(name: string): Promise<{ bodies: unknown[]; sources: EventSource[]; savedAt: string }>;
  remove(name: string): Promise<void>;
}

export interface SpillReplay {
  readonly batches: number;
  readonly events: number;
  readonly totals: Totals;
  /** Spills kept for the next run, with why. */
  readonly failed: readonly { readonly name: string; readonly reason: string }[];
  /** Spills not tried because the store is still failing. */
  readonly skipped: number;
}

/**
 * Replays spilled batches oldest first, with their original sources so every id (and dead-letter
 * id) is the one the first delivery would have written: a batch already partly written before it
 * spilled just meets its own records as duplicates. The blob is removed only after the replay
 * succeeded, and a replay never spills again, so a failure keeps the blob where it is.
 */
export async function replaySpills(spill: SpillStore, ports: IngestPorts): Promise<SpillReplay> {
  const names = await spill.list();
  let batches = 0;
  let events = 0;
  let totals = ZERO_TOTALS;
  const failed: { name: string; reason: string }[] = [];
  for (const [index, name] of names.entries()) {
    let batch;
    try {
      batch = await spill.read(name);
    } catch (error) {
      // Another backfill replayed and removed it between our list and read.
      if ((error as { statusCode?: unknown }).statusCode === 404) continue;
      failed.push({ name, reason: `cannot read: ${(error as Error).message}` });
      continue;
    }
    try {
      const result = await ingestBatch(batch.bodies, batch.sources, ports, undefined);
      if (result.status === 'processed') totals = addCounts(totals, result.summary);
    } catch (error) {
      failed.push({ name, reason: (error as Error).message });
      // The store is still down: every other replay would wait out the same retries.
      if (error instanceof DependencyError)
        return { batches, events, totals, failed, skipped: names.length - index - 1 };
      continue;
    }
    batches++;
    events += batch.bodies.length;
    // If the blob cannot be removed, the next run replays it again: harmless, every write is idempotent.
    await spill.remove(name).catch((error: unknown) => {
      failed.push({ name, reason: `replayed, but not removed: ${(error as Error).message}` });
    });
  }
  return { batches, events, totals, failed, skipped: 0 };
}
