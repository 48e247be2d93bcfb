import type { IdentityResolver, IngestStore } from '../ports.js';
import { applyUpdates, type RecordUpdate } from './applyUpdates.js';
import type { UsageRecordStore } from './recordStore.js';

export interface IdentityBackfill {
  /** Pending records looked at this run. */
  readonly examined: number;
  readonly completed: number;
  /** Still pending after this run: the directory still had no answer, or a write failed or conflicted. */
  readonly stillPending: number;
  /** More pending records exist past this run's limit. */
  readonly more: boolean;
  readonly conflicts: number;
  readonly failed: number;
  readonly firstError: string | undefined;
}

/**
 * Completes records written `pending` because the directory was unavailable at ingest. One
 * resolver call for all their apps: LRU → `apps` → one Graph `$batch` round per 20 misses.
 */
export async function completeIdentities(
  usage: UsageRecordStore,
  identities: IdentityResolver,
  store: Pick<IngestStore, 'markRollupsDirty'>,
  limit: number,
): Promise<IdentityBackfill> {
  const { records, more } = await usage.collect({ kind: 'pendingIdentity' }, limit);
  if (records.length === 0) {
    return {
      examined: 0,
      completed: 0,
      stillPending: 0,
      more,
      conflicts: 0,
      failed: 0,
      firstError: undefined,
    };
  }
  const resolved = await identities.resolve([...new Set(records.map(({ record }) => record.appId))]);
  const updates: RecordUpdate[] = [];
  for (const { record, etag } of records) {
    const identity = resolved.get(record.appId);
    if (identity === undefined || identity.status === 'pending') continue;
    updates.push({
      etag,
      next: {
        ...record,
        appDisplayName: identity.displayName,
        businessUnit: identity.businessUnit,
        identityStatus: identity.status,
      },
    });
  }
  const counts = await applyUpdates(usage, store, updates);
  return {
    examined: records.length,
    completed: counts.replaced,
    stillPending: records.length - counts.replaced,
    more,
    conflicts: counts.conflicts,
    failed: counts.failed,
    firstError: counts.firstError,
  };
}
