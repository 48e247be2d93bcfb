import { createInventoryPricing } from '../inventory/inventoryPricing.js';
import type { InventoryIndex } from '../inventory/match.js';
import type { PricingPort, Pricer } from '../pipeline/ports.js';
import type { PriceBook } from './priceBook.js';
import { createPricer, type PricerSettings } from './pricer.js';

export interface PricingPortOptions {
  readonly load: () => Promise<PriceBook | null>;
  /** The deployment inventory, when INVENTORY_SUBSCRIPTIONS is set; read on the same TTL as the book. */
  readonly loadInventory?: () => Promise<InventoryIndex>;
  readonly settings: PricerSettings;
  /** How long one instance trusts its in-memory book before reading `prices` again. */
  readonly ttlMs?: number;
  readonly now?: () => number;
  readonly log?: (message: string) => void;
}

/**
 * Reads the price book once per instance and again after the TTL. Ingest never calls the Retail
 * Prices API. If the store cannot be read, the last book stays in use; with none, records are
 * written `unpriced` and `backfill` prices them later.
 */
export function createPricingPort(options: PricingPortOptions): PricingPort & { invalidate(): void } {
  const ttl = options.ttlMs ?? 15 * 60_000;
  const now = options.now ?? Date.now;
  let cached: { pricer: Pricer; loadedAt: number } | undefined;
  let loading: Promise<Pricer> | undefined;
  let lastInventory: InventoryIndex | undefined;

  // [inventory hook] Without an inventory it was told to use, no pricer: a provisioned deployment's
  // traffic must never fall back to per-token prices. The last inventory read stays in use.
  const inventoryPricing = async () => {
    if (options.loadInventory === undefined) return undefined;
    try {
      lastInventory = await options.loadInventory();
    } catch (error) {
      options.log?.(`deployment inventory could not be read: ${(error as Error).message}`);
      if (lastInventory === undefined) throw new InventoryUnavailable();
    }
    return createInventoryPricing(lastInventory, options.settings, options.log);
  };

  const load = async (): Promise<Pricer> => {
    try {
      const [book, inventory] = await Promise.all([options.load(), inventoryPricing()]);
      const pricer = createPricer(book, options.settings, inventory);
      cached = { pricer, loadedAt: now() };
      return pricer;
    } catch (error) {
      if (!(error instanceof InventoryUnavailable)) {
        options.log?.(`price book could not be read: ${(error as Error).message}`);
      }
      if (cached) return cached.pricer;
      return createUnavailablePricer(
        options.settings,
        error instanceof InventoryUnavailable ? 'deployment inventory unavailable' : 'price book unavailable',
      );
    } finally {
      loading = undefined;
    }
  };

  return {
    current() {
      if (cached && now() - cached.loadedAt < ttl) return Promise.resolve(cached.pricer);
      loading ??= load();
      return loading;
    },
    invalidate() {
      cached = undefined;
    },
  };
}

class InventoryUnavailable extends Error {}

function createUnavailablePricer(settings: PricerSettings, reason: string): Pricer {
  const inner = createPricer(null, settings);
  return {
    // Its `book` fingerprint is null: nothing priced with this pricer counts as tried.
    ...(inner.fingerprint === undefined ? {} : { fingerprint: inner.fingerprint }),
    ...(inner.sourcesOf === undefined ? {} : { sourcesOf: inner.sourcesOf }),
    currency: inner.currency,
    price: (usage) => ({
      key: inner.price(usage).key,
      cost: { status: 'unpriced', reason },
    }),
  };
}
