import type { RepriceFingerprint } from '../ports.js';
import type { UsageRecord } from '../record.js';

export interface StoredRecord {
  readonly record: UsageRecord;
  /** The ETag read with it: the replace only applies if nobody changed the record since. */
  readonly etag: string;
}

/**
 * Which records a backfill step works on.
 * - `pendingIdentity`: written while the directory was unavailable; `pendingIdentityOf`: of these apps.
 * - `repriceCandidates`: not yet checked against the current pricing inputs (their stamp is none of
 *   `current`'s hashes nor `event`): unpriced ones, and priced ones whose key used DEPLOYMENTS or a
 *   default.
 * - `unpriced`: every unpriced record, whether tried or not (counted, for the summary).
 */
export type RecordSelection =
  | { readonly kind: 'pendingIdentity' }
  | { readonly kind: 'pendingIdentityOf'; readonly appIds: readonly string[] }
  | { readonly kind: 'repriceCandidates'; readonly current: CurrentFingerprint }
  | { readonly kind: 'unpriced' };

export type CurrentFingerprint = RepriceFingerprint & { readonly book: string };

export type ReplaceOutcome = 'replaced' | 'conflict' | 'gone';

/** The `usage` container as backfill sees it (Cosmos: shared/store/cosmosUsageRecords.ts). */
export interface UsageRecordStore {
  /**
   * Up to `limit` selected records, oldest event first, read page by page with continuation tokens
   * before anything is rewritten, so our own replaces cannot shift the pages under us.
   */
  collect(
    selection: RecordSelection,
    limit: number,
  ): Promise<{ readonly records: StoredRecord[]; readonly more: boolean; readonly invalid: number }>;
  count(selection: RecordSelection): Promise<number>;
  /** The apps that have pending records, each once (read as a projection, page by page). */
  pendingApps(): Promise<string[]>;
  /** Replaces one record if its ETag still matches: 412 means someone else got there first. */
  replaceIfUnchanged(next: UsageRecord, etag: string): Promise<ReplaceOutcome>;
}
