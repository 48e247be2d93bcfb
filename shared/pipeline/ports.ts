import type { PriceSet } from '../cost/priceSet.js';
import type { CostResult } from '../cost/types.js';
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
  /** The body as received, capped at 16 KB. */
  readonly raw: string;
  readonly rawBytes: number;
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
}
