import type { PriceSet } from '../cost/priceSet.js';
import type { CostResult } from '../cost/types.js';
import type { EventTimeCulture } from '../events/eventTime.js';
import type { DeploymentType, EventSource, FieldIssue, NormalizedUsage } from '../events/types.js';
import type { AppIdentity } from '../identity/types.js';
import type { LedgerDoc } from './ledger.js';
import type { UsageRecord } from './record.js';

/** The price key a usage resolved to, after DEPLOYMENTS and the defaults. */
export interface ResolvedPriceKey {
  readonly family: string;
  readonly version: string | null;
  readonly deploymentType: DeploymentType;
  readonly region: string;
}

/** What the deployment inventory adds to a record (only when INVENTORY_SUBSCRIPTIONS is set). */
export interface DeploymentRecordFields {
  /** The account's ARM id, lower-case; null when the inventory does not know the deployment. */
  readonly resourceId: string | null;
  readonly sku: string | null;
  /** Who decided the deployment type: `inventory`, or today's rules (`event`, `map`, `default`). */
  readonly deploymentSource: 'inventory' | 'event' | 'map' | 'default';
}

/** Prices one usage from an in-memory price book: no I/O on the hot path. */
export interface Pricer {
  /** Optional, like `sourcesOf`, so small fakes may skip them; records then carry neither field. */
  readonly fingerprint?: RepriceFingerprint;
  /** Where the parts of a key this pricer returned came from. */
  readonly sourcesOf?: (key: ResolvedPriceKey) => PriceKeySources | undefined;
  readonly currency: string;
  price(usage: NormalizedUsage): {
    readonly key: ResolvedPriceKey;
    readonly cost: CostResult;
    /** Set only when the deployment inventory is on. */
    readonly deployment?: DeploymentRecordFields;
  };
  /** Counters since the last call (e.g. deploymentConflicts), for the batch summary. */
  takeStats?(): Readonly<Record<string, number>>;
}

export interface PricingPort {
  /** The current pricer (refreshed from the `prices` container on a TTL). */
  current(): Promise<Pricer>;
}

/**
 * Where a key part came from, best first: the event itself, DEPLOYMENTS (`map`), or the fallback
 * rule (`default`). An ARM deployment inventory (`inventory`) is to slot in between event and map.
 */
export type PriceKeySource = 'event' | 'inventory' | 'map' | 'default';

/** Per part of the key, its source; `model` is the family. Stored on the record (README, "Records"). */
export interface PriceKeySources {
  readonly model: PriceKeySource;
  readonly version: PriceKeySource;
  readonly deploymentType: PriceKeySource;
  readonly region: PriceKeySource;
}

/**
 * As a record stores them: only the parts that did not come from the event (`{}` when the event gave
 * every part), to keep records small. Absent on records written before sources were kept.
 */
export type StoredPriceKeySources = {
  readonly [Part in keyof PriceKeySources]?: Exclude<PriceKeySource, 'event'>;
};

/**
 * What a pricer's outcome depends on besides the event, as short hashes: `key` covers the key
 * resolution (DEPLOYMENTS, defaults), `book` that and the price book. Backfill skips records
 * already checked against the current ones (shared/pricing/repriceFingerprint.ts).
 */
export interface RepriceFingerprint {
  readonly key: string;
  /** Null without a readable price book: nothing checked then counts as tried. */
  readonly book: string | null;
  /**
   * A deployment inventory is on: it outranks even the event's own parts (a PTU deployment is never
   * priced per token), so no record is settled by its event alone.
   */
  readonly inventory?: boolean;
}

export interface IdentityResolver {
  /** Resolves every appId; a directory failure yields `pending`, never a throw. */
  resolve(appIds: readonly string[]): Promise<ReadonlyMap<string, AppIdentity>>;
  /** Counters since the last call, for the batch summary log. */
  takeStats(): Readonly<Record<string, number>>;
}

export interface DeadLetter {
  readonly id: string;
  readonly pk: string;
  readonly receivedAt: string;
  readonly day: string;
  readonly reasons: readonly FieldIssue[];
  /** The body's redacted view as JSON (docs/security.md): read fields kept, the rest as shapes; capped at 16 KB. */
  readonly raw: string;
  /** The size of the body as received. */
  readonly rawBytes: number;
  /** The view was cut at 16 KB. */
  readonly truncated: boolean;
  readonly source: EventSource;
}

export type WriteStatus = 'created' | 'exists';

/** The store as ingest sees it. Create-only writes make redelivery idempotent: the first write wins. */
export interface IngestStore {
  /** Stores the price sets records name (idempotent: sets are content-addressed); before the records. */
  savePriceSets(sets: readonly PriceSet[]): Promise<void>;
  createRecords(records: readonly UsageRecord[]): Promise<ReadonlyMap<string, WriteStatus>>;
  createDeadLetters(deadLetters: readonly DeadLetter[]): Promise<ReadonlyMap<string, WriteStatus>>;
  /**
   * Marks (day, app) rollups for recomputation, after the writes that changed them have completed.
   * With `notBefore`, refreshers leave the mark alone until then: a safety net for writes still to come.
   */
  markRollupsDirty(
    groups: readonly { readonly day: string; readonly appId: string }[],
    notBefore?: Date,
  ): Promise<void>;
  /** Upserts the batch's ingest ledger (docs/reliability.md); optional so small fakes may skip it. */
  writeLedger?(docs: readonly LedgerDoc[]): Promise<void>;
}

export interface IngestPorts {
  readonly store: IngestStore;
  readonly identities: IdentityResolver;
  readonly pricing: PricingPort;
  readonly now: () => Date;
  /** `EVENT_TIME_CULTURE`: how slash-separated event times are read; en-US when absent. */
  readonly eventTimeCulture?: EventTimeCulture;
}
