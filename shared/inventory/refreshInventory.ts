import { ensureError } from '../errors.js';
import type { ArmReading } from './armClient.js';
import { observeAccount } from './periods.js';
import type { InventoryStore } from './ports.js';
import type { InventoryAccount } from './types.js';

export interface RefreshInventoryOptions {
  readonly subscriptions: readonly string[];
  /** Reads one subscription whole, or throws: a partial reading is never stored. */
  readonly read: (subscriptionId: string) => Promise<ArmReading>;
  readonly store: InventoryStore;
  readonly now?: () => Date;
  readonly log?: (message: string) => void;
}

export type SubscriptionOutcome =
  | {
      readonly subscriptionId: string;
      readonly ok: true;
      readonly accounts: number;
      readonly deployments: number;
      readonly changed: number;
      readonly requests: number;
    }
  | { readonly subscriptionId: string; readonly ok: false; readonly error: string };

/**
 * Reads each subscription from ARM and folds what it finds into the stored history. A subscription
 * that fails anywhere (a page, an account's deployments) keeps its last good inventory untouched.
 */
export async function refreshInventory(options: RefreshInventoryOptions): Promise<SubscriptionOutcome[]> {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => undefined);
  const snapshot = await options.store.load();
  const outcomes: SubscriptionOutcome[] = [];
  for (const subscriptionId of options.subscriptions) {
    const seenAt = now().toISOString();
    let reading: ArmReading;
    try {
      reading = await options.read(subscriptionId);
    } catch (thrown) {
      const error = ensureError(thrown).message;
      log(`inventory: subscription ${subscriptionId} kept its last good inventory: ${error}`);
      await options.store.recordFailure(subscriptionId, seenAt, error);
      outcomes.push({ subscriptionId, ok: false, error });
      continue;
    }
    const previous = new Map(
      snapshot.accounts.filter((a) => a.subscriptionId === subscriptionId).map((a) => [a.id, a]),
    );
    const merged = new Map<string, InventoryAccount>(previous);
    let changed = 0;
    for (const observed of reading.accounts) {
      const before = previous.get(observed.id);
      const after = observeAccount(before, observed, seenAt);
      changed += countNewPeriods(before, after);
      merged.set(after.id, after);
    }
    const accounts = [...merged.values()].sort((a, b) => a.id.localeCompare(b.id));
    await options.store.saveSubscription(subscriptionId, accounts, seenAt);
    outcomes.push({
      subscriptionId,
      ok: true,
      accounts: reading.accounts.length,
      deployments: reading.accounts.reduce((n, a) => n + a.deployments.length, 0),
      changed,
      requests: reading.requests,
    });
  }
  return outcomes;
}

/** New deployments and new periods of known ones. */
function countNewPeriods(before: InventoryAccount | undefined, after: InventoryAccount): number {
  const old = new Map((before?.deployments ?? []).map((d) => [d.name, d.periods.length]));
  return after.deployments.reduce((n, d) => n + d.periods.length - (old.get(d.name) ?? 0), 0);
}
