import type { Dispatcher } from 'undici';

import type { Settings } from '../config.js';
import { readSubscription } from './armClient.js';
import { armTokenSource } from './armToken.js';
import type { InventoryStore } from './ports.js';
import { refreshInventory, type SubscriptionOutcome } from './refreshInventory.js';

export interface RunRefreshDeps {
  readonly settings: Pick<Settings, 'INVENTORY_SUBSCRIPTIONS' | 'ARM_ENDPOINT' | 'ARM_AUTH'>;
  readonly store: InventoryStore;
  /** Trusts a local stand-in's certificate; undefined in Azure. */
  readonly dispatcher: Dispatcher | undefined;
  readonly log: (message: string) => void;
}

/** What `deployments refresh` and the timer function both run: every configured subscription, once. */
export function runInventoryRefresh(deps: RunRefreshDeps): Promise<SubscriptionOutcome[]> {
  const token = armTokenSource(deps.settings.ARM_AUTH);
  return refreshInventory({
    subscriptions: deps.settings.INVENTORY_SUBSCRIPTIONS,
    read: (subscriptionId) =>
      readSubscription(subscriptionId, {
        endpoint: deps.settings.ARM_ENDPOINT,
        token,
        dispatcher: deps.dispatcher,
        log: deps.log,
      }),
    store: deps.store,
    log: deps.log,
  });
}

export const INVENTORY_OFF = 'INVENTORY_SUBSCRIPTIONS is empty: the deployment inventory is off';

/** One line per subscription, for the CLI and the function log. */
export function formatRefresh(outcomes: readonly SubscriptionOutcome[]): string[] {
  if (outcomes.length === 0) return [INVENTORY_OFF];
  return outcomes.map((o) =>
    o.ok
      ? `subscription ${o.subscriptionId}: ${o.accounts} accounts, ${o.deployments} deployments, ` +
        `${o.changed} new or changed, ${o.requests} requests`
      : `subscription ${o.subscriptionId}: FAILED, last good inventory kept: ${o.error}`,
  );
}
