import type { PriceSet } from '../../cost/priceSet.js';
import type { AppIdentity } from '../../identity/types.js';
import { buildRecord, type BuiltRecord } from '../buildRecord.js';
import type { IngestStore, Pricer, PricingPort } from '../ports.js';
import type { UsageRecord } from '../record.js';
import { applyUpdates, type RecordUpdate } from './applyUpdates.js';
import type { CurrentFingerprint, UsageRecordStore } from './recordStore.js';
import { usageFromRecord } from './usageFromRecord.js';

export interface PriceBackfill {
  /** Records checked this run against the current price book and key settings. */
  readonly examined: number;
  /** Of those, rewritten with a new cost, price set, deployment type or region. */
  readonly repriced: number;
  /** Unpriced records after this run, tried or not. */
  readonly stillUnpriced: number;
  /** Records not yet checked against the current book and settings: later runs take them. */
  readonly untried: number;
  /** Why the records checked this run are still unpriced, most frequent first (a few). */
  readonly reasons: readonly { readonly reason: string; readonly count: number }[];
  readonly more: boolean;
  readonly conflicts: number;
  readonly failed: number;
  readonly firstError: string | undefined;
}

const REASONS_SHOWN = 3;

/**
 * Re-prices what the pricing inputs may now change: unpriced records, and priced ones whose key
 * used DEPLOYMENTS or a default (their `priceKeySources`). Each is rebuilt by `buildRecord`, the
 * path ingest takes, from its event facts only, so the cost does not depend on when a mapping was
 * fixed. Every record looked at is stamped with what it was checked against, and skipped until
 * that changes: records no book can price never hold back the ones behind them.
 */
export async function repriceRecords(
  usage: UsageRecordStore,
  pricing: PricingPort & { invalidate(): void },
  store: Pick<IngestStore, 'markRollupsDirty' | 'savePriceSets'>,
  limit: number,
): Promise<PriceBackfill> {
  // Reloaded: a refresh may have run on another instance.
  pricing.invalidate();
  const pricer = await pricing.current();
  const key = pricer.fingerprint?.key;
  const book = pricer.fingerprint?.book;
  if (key === undefined || book === undefined || book === null)
    throw new Error('no price book could be read; records wait for the next run');
  const current: CurrentFingerprint = { key, book, inventory: pricer.fingerprint?.inventory === true };

  const { records } = await usage.collect({ kind: 'repriceCandidates', current }, limit);
  const updates: RecordUpdate[] = [];
  const priceSets: PriceSet[] = [];
  const reasons = new Map<string, number>();
  for (const { record, etag } of records) {
    const rebuilt = rebuild(record, pricer);
    const next: UsageRecord = {
      ...record,
      ...rebuilt.record,
      // A pricer that cannot say where its key came from still must not bring the record back each run.
      repriceCheckedAgainst:
        rebuilt.record.repriceCheckedAgainst ??
        (rebuilt.record.costStatus === 'priced' ? current.key : current.book),
    };
    const changed = pricingChanged(record, next);
    if (rebuilt.priceSet !== null && changed) priceSets.push(rebuilt.priceSet);
    if (next.unpricedReason !== null)
      reasons.set(next.unpricedReason, (reasons.get(next.unpricedReason) ?? 0) + 1);
    updates.push({ etag, next, affectsRollups: changed });
  }
  await store.savePriceSets(priceSets);
  const counts = await applyUpdates(usage, store, updates);
  const [stillUnpriced, untried] = await Promise.all([
    usage.count({ kind: 'unpriced' }),
    usage.count({ kind: 'repriceCandidates', current }),
  ]);
  return {
    examined: records.length,
    repriced: counts.replacedAffectingRollups,
    stillUnpriced,
    untried,
    reasons: [...reasons]
      .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
      .slice(0, REASONS_SHOWN)
      .map(([reason, count]) => ({ reason, count })),
    more: untried > 0,
    conflicts: counts.conflicts,
    failed: counts.failed,
    firstError: counts.firstError,
  };
}

/**
 * The record as ingest would write it today. A record from before `priceKeySources` existed does
 * not say which parts its v2 event carried: a deployment type or region is taken from DEPLOYMENTS
 * when the map has it, else the stored one is kept as the event's when it differs from the default
 * (only the event or an earlier mapping can have given it), else it is the default.
 */
function rebuild(record: UsageRecord, pricer: Pricer): BuiltRecord {
  const identity: AppIdentity = {
    status: record.identityStatus,
    displayName: record.appDisplayName,
    businessUnit: record.businessUnit,
    servicePrincipalType: null,
  };
  const first = buildRecord(usageFromRecord(record), identity, pricer);
  if (record.priceKeySources !== undefined || record.schema === 'v1') return first;
  const sources = first.record.priceKeySources;
  const keepType =
    sources?.deploymentType === 'default' && first.record.deploymentType !== record.deploymentType;
  const keepRegion = sources?.region === 'default' && first.record.region !== record.region;
  if (!keepType && !keepRegion) return first;
  return buildRecord(
    usageFromRecord(record, {
      deploymentType: keepType ? record.deploymentType : null,
      region: keepRegion ? record.region : null,
    }),
    identity,
    pricer,
  );
}

/**
 * What rollups and reports read of a record's price: a change there is a re-price. A new reason
 * for staying unpriced is written too, but touches no rollup.
 */
function pricingChanged(before: UsageRecord, after: UsageRecord): boolean {
  return (
    before.costStatus !== after.costStatus ||
    before.costNanos !== after.costNanos ||
    before.priceSetId !== after.priceSetId ||
    before.deploymentType !== after.deploymentType ||
    before.region !== after.region ||
    before.resourceId !== after.resourceId ||
    before.sku !== after.sku
  );
}
