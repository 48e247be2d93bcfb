import type { Container } from '@azure/cosmos';

import type { PriceSet } from '../../cost/priceSet.js';
import type { NormalizedUsage } from '../../events/types.js';
import { buildRecord } from '../buildRecord.js';
import type { IngestStore, PricingPort } from '../ports.js';
import type { UsageRecord } from '../record.js';
import { applyUpdates, type RecordUpdate } from './applyUpdates.js';
import { collectRecords } from './storedRecords.js';

export interface PriceBackfill {
  readonly examined: number;
  readonly repriced: number;
  readonly stillUnpriced: number;
  readonly more: boolean;
  readonly conflicts: number;
  readonly failed: number;
  readonly firstError: string | undefined;
}

/**
 * Prices records written `unpriced` once the book has their meter. The book is reloaded first
 * (a refresh may have run on another instance), and each record is rebuilt by `buildRecord`, the
 * code path ingest uses, so a backfilled cost is the cost ingest would have written.
 */
export async function repriceRecords(
  usage: Container,
  pricing: PricingPort & { invalidate(): void },
  store: Pick<IngestStore, 'markRollupsDirty' | 'savePriceSets'>,
  limit: number,
): Promise<PriceBackfill> {
  const { records, more } = await collectRecords(usage, 'unpriced', limit);
  if (records.length === 0) {
    return {
      examined: 0,
      repriced: 0,
      stillUnpriced: 0,
      more,
      conflicts: 0,
      failed: 0,
      firstError: undefined,
    };
  }
  pricing.invalidate();
  const pricer = await pricing.current();
  const updates: RecordUpdate[] = [];
  const priceSets: PriceSet[] = [];
  for (const { record, etag } of records) {
    const identity = {
      status: record.identityStatus,
      displayName: record.appDisplayName,
      businessUnit: record.businessUnit,
      servicePrincipalType: null,
    };
    const rebuilt = buildRecord(usageFromRecord(record), identity, pricer);
    // Only a price is written back: an unavailable book must not overwrite a useful reason.
    // [inventory hook] …or the inventory's word that the deployment is provisioned (never per token).
    if (rebuilt.priceSet === null && rebuilt.record.costStatus !== 'provisioned') continue;
    if (rebuilt.priceSet !== null) priceSets.push(rebuilt.priceSet);
    updates.push({ etag, next: { ...record, ...rebuilt.record } });
  }
  await store.savePriceSets(priceSets);
  const counts = await applyUpdates(usage, store, updates);
  return {
    examined: records.length,
    repriced: counts.replaced,
    stillUnpriced: records.length - counts.replaced,
    more,
    conflicts: counts.conflicts,
    failed: counts.failed,
    firstError: counts.firstError,
  };
}

/**
 * The usage a record was built from. v1 events never carry a deployment type or region, so those
 * are resolved again (a DEPLOYMENTS fix applies). A v2 record keeps the ones it resolved at
 * ingest, since the record does not say whether the event itself carried them.
 */
export function usageFromRecord(record: UsageRecord): NormalizedUsage {
  const v1 = record.schema === 'v1';
  return {
    id: record.id,
    requestId: record.requestId,
    schema: record.schema,
    eventTime: record.eventTime,
    appId: record.appId,
    tenantId: record.tenantId,
    subscriptionId: record.subscriptionId,
    model: record.model,
    deployment: record.deployment,
    deploymentType: v1 ? null : record.deploymentType,
    region: v1 ? null : record.region,
    operation: record.operation,
    stream: record.stream,
    statusCode: null,
    modelTimeMs: record.modelTimeMs,
    promptTokens: record.promptTokens,
    cachedTokens: record.cachedTokens,
    completionTokens: record.completionTokens,
    reasoningTokens: record.reasoningTokens,
    totalTokens: record.totalTokens,
  };
}
