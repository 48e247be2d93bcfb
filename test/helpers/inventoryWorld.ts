import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { StandInArmAccount } from '../../local/armStandIn.js';
import { DEMO_SERVICE_PRINCIPALS } from '../../local/demoDirectory.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { createServices, type Services } from '../../shared/app/services.js';
import { loadSettings } from '../../shared/config.js';
import { runInventoryRefresh } from '../../shared/inventory/runRefresh.js';
import { refreshPriceBook } from '../../shared/pricing/refreshPriceBook.js';
import type { RetailPriceItem } from '../../shared/pricing/types.js';
import { CosmosInventoryStore } from '../../shared/store/cosmosInventoryStore.js';

export interface InventoryWorld {
  readonly stack: LocalStack;
  readonly services: Services;
  /** A temporary folder for the test's files (the CA file is in it); removed by `close`. */
  readonly dir: string;
  close(): Promise<void>;
}

/**
 * The local stack with an ARM inventory, its services, a price book and an inventory refreshed from
 * it, and the environment the in-process CLI reads (`env` on top of the stack's, restored by `close`).
 */
export async function startInventoryWorld(options: {
  readonly priceItems: readonly RetailPriceItem[];
  readonly armAccounts: readonly StandInArmAccount[];
  readonly env: Readonly<Record<string, string>>;
  readonly tmpPrefix: string;
}): Promise<InventoryWorld> {
  const savedEnv = { ...process.env };
  const stack = await startLocalStack({
    servicePrincipals: DEMO_SERVICE_PRINCIPALS,
    priceItems: options.priceItems,
    serveAsServiceName: 'Foundry Models',
    armAccounts: options.armAccounts,
  });
  const env = { ...stack.env, ...options.env };
  const settings = loadSettings(env);
  const services = await createServices(settings, { trustedCa: stack.trustedCa });
  const dir = mkdtempSync(path.join(tmpdir(), options.tmpPrefix));
  const ca = path.join(dir, 'ca.pem');
  writeFileSync(ca, stack.trustedCa, 'utf8');
  Object.assign(process.env, env, { CHARGEBACK_TRUSTED_CA_FILE: ca });
  const { prices, retailDispatcher: dispatcher } = services;
  await refreshPriceBook({ url: settings.RETAIL_PRICES_URL, currency: 'USD', store: prices, dispatcher });
  const store = new CosmosInventoryStore(services.database.container('inventory'));
  await runInventoryRefresh({ settings, store, dispatcher, log: () => undefined });
  return {
    stack,
    services,
    dir,
    async close() {
      await services.close();
      await stack.stop();
      rmSync(dir, { recursive: true, force: true });
      process.env = savedEnv;
    },
  };
}
