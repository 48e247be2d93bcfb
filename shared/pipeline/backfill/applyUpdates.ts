import type { Container } from '@azure/cosmos';

import type { IngestStore } from '../ports.js';
import type { UsageRecord } from '../record.js';
import { replaceIfUnchanged } from './storedRecords.js';

export interface RecordUpdate {
  readonly next: UsageRecord;
  readonly etag: string;
}

export interface UpdateCounts {
  readonly replaced: number;
  /** 412: another backfill changed the record first; whatever is left to do is picked up next run. */
  readonly conflicts: number;
  /** The write failed after the SDK's retries; the record is unchanged or changed, and the next run sees which. */
  readonly failed: number;
  readonly firstError: string | undefined;
}

const CONCURRENCY = 8;

/**
 * Rewrites records and keeps their rollups exact. The (app, day) groups are marked dirty before
 * and again after the replaces: the second mark changes the marker's ETag, so a rollup refresh
 * that ran in between (and saw the old records) cannot clear it. Groups of failed replaces are
 * marked too, since a lost response may hide a write that did happen.
 */
export async function applyUpdates(
  usage: Container,
  store: Pick<IngestStore, 'markRollupsDirty'>,
  updates: readonly RecordUpdate[],
): Promise<UpdateCounts> {
  if (updates.length === 0) return { replaced: 0, conflicts: 0, failed: 0, firstError: undefined };
  const groups = [
    ...new Map(updates.map(({ next }) => [next.pk, { day: next.day, appId: next.appId }])).values(),
  ];
  await store.markRollupsDirty(groups);

  let replaced = 0;
  let conflicts = 0;
  let failed = 0;
  let firstError: string | undefined;
  let cursor = 0;
  const worker = async () => {
    while (cursor < updates.length) {
      const update = updates[cursor++];
      if (update === undefined) return;
      try {
        const outcome = await replaceIfUnchanged(usage, update.next, update.etag);
        if (outcome === 'replaced') replaced++;
        else conflicts++;
      } catch (error) {
        failed++;
        firstError ??= (error as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, updates.length) }, worker));

  await store.markRollupsDirty(groups);
  return { replaced, conflicts, failed, firstError };
}
