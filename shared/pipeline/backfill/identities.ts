import type { AppIdentity } from '../../identity/types.js';
import type { IdentityResolver, IngestStore } from '../ports.js';
import { applyUpdates, type RecordUpdate } from './applyUpdates.js';
import type { UsageRecordStore } from './recordStore.js';

export interface IdentityBackfill {
  /** Pending records of apps the directory answered for, looked at this run. */
  readonly examined: number;
  readonly completed: number;
  /** Pending after this run, all apps: the directory still had no answer, or a write failed or conflicted. */
  readonly stillPending: number;
  /** More records the directory answered for exist past this run's limit. */
  readonly more: boolean;
  readonly conflicts: number;
  readonly failed: number;
  readonly firstError: string | undefined;
}

/**
 * Completes records written `pending` because the directory was unavailable at ingest. One
 * resolver call for every app with pending records (LRU → `apps` → one Graph `$batch` round per 20
 * misses), then up to `limit` records of the apps it answered for, oldest first.
 */
export async function completeIdentities(
  usage: UsageRecordStore,
  identities: IdentityResolver,
  store: Pick<IngestStore, 'markRollupsDirty'>,
  limit: number,
): Promise<IdentityBackfill> {
  const apps = await usage.pendingApps();
  const resolved: ReadonlyMap<string, AppIdentity> =
    apps.length === 0 ? new Map() : await identities.resolve(apps);
  // Only records the directory now answers for take the run's limit: an app it keeps failing for
  // can no longer hold back the others, however many old records it has.
  const answered = apps.filter((appId) => {
    const identity = resolved.get(appId);
    return identity !== undefined && identity.status !== 'pending';
  });
  const { records, more } =
    answered.length === 0
      ? { records: [], more: false }
      : await usage.collect({ kind: 'pendingIdentityOf', appIds: answered }, limit);
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
    stillPending: apps.length === 0 ? 0 : await usage.count({ kind: 'pendingIdentity' }),
    more,
    conflicts: counts.conflicts,
    failed: counts.failed,
    firstError: counts.firstError,
  };
}
