import type { PriceSet } from '../cost/priceSet.js';
import type { NormalizedUsage } from '../events/types.js';
import type { AppIdentity } from '../identity/types.js';
import { SETTLED_BY_EVENT } from '../pricing/repriceFingerprint.js';
import type { PriceKeySources, Pricer, RepriceFingerprint, StoredPriceKeySources } from './ports.js';
import { usagePartitionKey, type UsageRecord } from './record.js';

const NANOS_PER_UNIT = 1e9;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A record and the price set it names, which must be stored before the record is. */
export interface BuiltRecord {
  readonly record: UsageRecord;
  readonly priceSet: PriceSet | null;
}

/** Pure: a normalized usage, its caller's identity and a pricer make one record. */
export function buildRecord(usage: NormalizedUsage, identity: AppIdentity, pricer: Pricer): BuiltRecord {
  const { key, cost, deployment } = pricer.price(usage);
  const day = usage.eventTime.slice(0, 10);
  const priced = cost.status === 'priced';
  const sources = pricer.sourcesOf?.(key);
  // One object literal of fixed shape, optional fields assigned after: object spreads in the literal
  // made this the hottest function of the ingest core (a fresh shape and a copy per spread).
  const record: Mutable<UsageRecord> = {
    id: usage.id,
    pk: usagePartitionKey(usage.appId, day),
    requestId: usage.requestId,
    eventTime: usage.eventTime,
    day,
    appId: usage.appId,
    appDisplayName: identity.displayName,
    businessUnit: identity.businessUnit,
    identityStatus: identity.status,
    model: usage.model,
    deployment: usage.deployment,
    deploymentType: key.deploymentType,
    region: key.region,
    operation: usage.operation,
    promptTokens: usage.promptTokens,
    cachedTokens: usage.cachedTokens,
    completionTokens: usage.completionTokens,
    reasoningTokens: usage.reasoningTokens,
    totalTokens: usage.totalTokens,
    currency: pricer.currency,
    cost: priced ? cost.costNanos / NANOS_PER_UNIT : null,
    costNanos: priced ? cost.costNanos : null,
    costStatus: cost.status,
    unpricedReason: cost.status === 'unpriced' ? cost.reason : null,
    priceSetId: priced ? cost.priceSet.id : null,
    schema: usage.schema,
    tenantId: usage.tenantId,
    subscriptionId: usage.subscriptionId,
    stream: usage.stream,
    modelTimeMs: usage.modelTimeMs,
  };
  if (sources !== undefined) record.priceKeySources = stored(sources);
  const stamp = checkedStamp(priced, sources, pricer.fingerprint);
  if (stamp !== undefined) record.repriceCheckedAgainst = stamp;
  if (usage.tokenKinds !== undefined) record.tokenKinds = usage.tokenKinds;
  if (usage.images !== undefined) record.images = usage.images;
  if (usage.speech !== undefined) record.speech = usage.speech;
  if (usage.durationSeconds !== undefined) record.durationSeconds = usage.durationSeconds;
  // [inventory hook] only with the inventory on, so records stay as they were without it.
  if (deployment !== undefined) {
    record.resourceId = deployment.resourceId;
    record.sku = deployment.sku;
    record.deploymentSource = deployment.deploymentSource;
  }
  return { record, priceSet: priced ? cost.priceSet : null };
}

// Pricers hand out one sources object per resolved key, so the stored form is built once per key.
const storedForms = new WeakMap<PriceKeySources, StoredPriceKeySources>();

function stored(sources: PriceKeySources): StoredPriceKeySources {
  let form = storedForms.get(sources);
  if (form === undefined) {
    const parts: { -readonly [Part in keyof StoredPriceKeySources]: StoredPriceKeySources[Part] } = {};
    for (const part of ['model', 'version', 'deploymentType', 'region'] as const) {
      const source = sources[part];
      if (source !== 'event') parts[part] = source;
    }
    form = parts;
    storedForms.set(sources, form);
  }
  return form;
}

/**
 * What the record was checked against: a priced record only depends on the key resolution (or on
 * nothing, when the event gave every part); an unpriced one also on the book. No stamp without a
 * book, so a record written during a price-book outage is tried again.
 */
function checkedStamp(
  priced: boolean,
  sources: PriceKeySources | undefined,
  fingerprint: RepriceFingerprint | undefined,
): string | undefined {
  if (sources === undefined || fingerprint === undefined) return undefined;
  if (!priced) return fingerprint.book ?? undefined;
  const allEvent =
    fingerprint.inventory !== true &&
    sources.model === 'event' &&
    sources.version === 'event' &&
    sources.deploymentType === 'event' &&
    sources.region === 'event';
  return allEvent ? SETTLED_BY_EVENT : fingerprint.key;
}

/** A record still waiting for its caller's name or its price: `backfill` completes it. */
export function isPending(record: UsageRecord): boolean {
  return record.identityStatus === 'pending' || record.costStatus === 'unpriced';
}
