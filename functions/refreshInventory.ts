import { app, type InvocationContext, type Timer } from '@azure/functions';

import { sharedServices } from '../shared/app/lazyServices.js';
import { formatRefresh, runInventoryRefresh } from '../shared/inventory/runRefresh.js';
import { CosmosInventoryStore } from '../shared/store/cosmosInventoryStore.js';

/** Timer → ARM → `inventory`. With INVENTORY_SUBSCRIPTIONS empty it only says the inventory is off. */
export async function refreshInventory(_timer: Timer, context: InvocationContext): Promise<void> {
  const services = await sharedServices();
  const outcomes = await runInventoryRefresh({
    settings: services.settings,
    store: new CosmosInventoryStore(services.database.container('inventory')),
    dispatcher: services.retailDispatcher,
    log: (m) => {
      context.warn(m);
    },
  });
  for (const line of formatRefresh(outcomes)) context.log(line);
  // This instance prices with the new inventory at once; others pick it up on the pricing TTL.
  services.pricing.invalidate();
}

app.timer('refreshInventory', {
  schedule: '%INVENTORY_REFRESH_SCHEDULE%',
  runOnStartup: false,
  handler: refreshInventory,
});
