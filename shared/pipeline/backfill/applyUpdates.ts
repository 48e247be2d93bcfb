import pMap from 'p-map';

import type { IngestStore } from '../ports.js';
import type { UsageRecord } from '../record.js';
import type { UsageRecordStore } from './recordStore.js';

export interface RecordUpdate {
  readonly next: UsageRecord;
  readonly etag: string;
  /** False when only bookkeeping changes (the check stamp): no rollup can differ, so none is marked. */
  readonly affectsRollups?: boolean;
}

export interface UpdateCounts {
  readonly replaced: number;
  /** Of those, the ones that affect rollups (the rest only changed bookkeeping). */
  readonly replacedAffectingRollups: number;
  /** 412: another backfill changed the record first; whatever is left to do is picked up next run. */
  readonly conflicts: number;
  /** The write failed after the SDK's retries; the record is unchanged or changed, and the next run sees which. */
  readonly failed: number;
  readonly firstError: string | undefined;
}

const CONCURRENCY = 8;
/** Far longer than a run's replaces take (5,000 records, 8 at a time): the mark after them is the norm. */
const SAFETY_NET_DELAY_MS = 30 * 60_000;

/**
 * Rewrites records and keeps their rollups exact: the (app, day) groups are marked after the
 * replaces (every marker is a new document, so a refresh that ran meanwhile cannot have cleared it).
 * Should this run die before that mark, a deferred mark written first is the safety net: refreshers
 * take it once the run is surely over. Groups of failed replaces are marked too, since a lost
 * response may hide a write that did happen.
 */
export async function applyUpdates(
  usage: Pick<UsageRecordStore, 'replaceIfUnchanged'>,
  store: Pick<IngestStore, 'markRollupsDirty'>,
  updates: readonly RecordUpdate[],
): Promise<UpdateCounts> {
  if (updates.length === 0)
    return { replaced: 0, replacedAffectingRollups: 0, conflicts: 0, failed: 0, firstError: undefined };
  const marked = updates.filter((update) => update.affectsRollups !== false);
  const groups = [
    ...new Map(marked.map(({ next }) => [next.pk, { day: next.day, appId: next.appId }])).values(),
  ];
  if (groups.length > 0) await store.markRollupsDirty(groups, new Date(Date.now() + SAFETY_NET_DELAY_MS));

  let replaced = 0;
  let replacedAffectingRollups = 0;
  let conflicts = 0;
  let failed = 0;
  let firstError: string | undefined;
  await pMap(
    updates,
    async (update) => {
      try {
        const outcome = await usage.replaceIfUnchanged(update.next, update.etag);
        if (outcome === 'replaced') {
          replaced++;
          if (update.affectsRollups !== false) replacedAffectingRollups++;
        } else conflicts++;
      } catch (error) {
        failed++;
        firstError ??= (error as Error).message;
      }
    },
    { concurrency: CONCURRENCY },
  );

  if (groups.length > 0) await store.markRollupsDirty(groups);
  return { replaced, replacedAffectingRollups, conflicts, failed, firstError };
}
