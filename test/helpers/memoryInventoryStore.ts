import type { InventorySnapshot, InventoryStore, SubscriptionStatus } from '../../shared/inventory/ports.js';
import type { InventoryAccount } from '../../shared/inventory/types.js';

/** The inventory port in memory, for the pure refresh tests (the Cosmos store has its own). */
export class MemoryInventoryStore implements InventoryStore {
  accounts: InventoryAccount[] = [];
  readonly statuses = new Map<string, SubscriptionStatus>();

  load(): Promise<InventorySnapshot> {
    return Promise.resolve({ accounts: [...this.accounts], subscriptions: [...this.statuses.values()] });
  }

  saveSubscription(subscriptionId: string, accounts: readonly InventoryAccount[], at: string): Promise<void> {
    this.accounts = [...this.accounts.filter((a) => a.subscriptionId !== subscriptionId), ...accounts];
    this.statuses.set(subscriptionId, { subscriptionId, lastGoodAt: at, lastAttemptAt: at, lastError: null });
    return Promise.resolve();
  }

  recordFailure(subscriptionId: string, at: string, error: string): Promise<void> {
    const old = this.statuses.get(subscriptionId);
    this.statuses.set(subscriptionId, {
      subscriptionId,
      lastGoodAt: old?.lastGoodAt ?? null,
      lastAttemptAt: at,
      lastError: error,
    });
    return Promise.resolve();
  }
}
