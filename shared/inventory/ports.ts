import type { InventoryAccount } from './types.js';

/** How the last refreshes of one subscription went. */
export interface SubscriptionStatus {
  readonly subscriptionId: string;
  /** When the stored accounts were last read in full; null before the first good refresh. */
  readonly lastGoodAt: string | null;
  readonly lastAttemptAt: string;
  /** Why the last attempt failed; null when it succeeded. */
  readonly lastError: string | null;
}

export interface InventorySnapshot {
  readonly accounts: readonly InventoryAccount[];
  readonly subscriptions: readonly SubscriptionStatus[];
}

/** Where the inventory lives; the core and the refresh depend on this only. */
export interface InventoryStore {
  load(): Promise<InventorySnapshot>;
  /** Replaces a subscription's accounts after a complete reading (idempotent upserts). */
  saveSubscription(
    subscriptionId: string,
    accounts: readonly InventoryAccount[],
    refreshedAt: string,
  ): Promise<void>;
  /** Notes a failed attempt; the accounts stored for the subscription stay as they were. */
  recordFailure(subscriptionId: string, at: string, error: string): Promise<void>;
}
