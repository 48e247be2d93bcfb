import type { Dispatcher } from 'undici';

import { isCapacityItem, toCapacityDocs, type CapacityDoc } from './capacityPrices.js';
import { toPriceDocs, type PriceDoc } from './priceRows.js';
import { fetchFoundryCatalog } from './retailPricesClient.js';

export interface RefreshResult {
  readonly serviceName: string;
  readonly items: number;
  readonly tokenMeters: number;
  readonly created: number;
  readonly unchanged: number;
  /** Hourly PTU and fine-tuned hosting price windows kept for the capacity estimate (capacityPrices.ts). */
  readonly capacityMeters: number;
  readonly capacityCreated: number;
  readonly skipped: Readonly<Record<string, number>>;
  /**
   * Also logged: one line per price rounded to 18 decimals or refused (`checkRetailPrice`), per capacity
   * meter left out, and one naming the meters counted as `unrecognised name` (unrecognisedMeters.ts).
   */
  readonly warnings: readonly string[];
  readonly requests: number;
}

/** Where a refresh stores the book (CosmosPriceStore in Azure and locally). */
export interface PriceBookStore {
  save(
    docs: readonly PriceDoc[],
    meta: { refreshedAt: string; currency: string; serviceName: string; items: number },
  ): Promise<{ readonly created: number; readonly unchanged: number }>;
  /** Capacity prices, create-only beside the token prices; never part of the token book. */
  saveCapacity(docs: readonly CapacityDoc[]): Promise<{ readonly created: number }>;
}

/** Retail Prices → `prices`: the one path shared by the timer function and `chargeback prices refresh`. */
export async function refreshPriceBook(options: {
  readonly url: string;
  readonly currency: string;
  readonly store: PriceBookStore;
  readonly dispatcher?: Dispatcher | undefined;
  readonly log?: (message: string) => void;
  readonly now?: Date;
}): Promise<RefreshResult> {
  const now = options.now ?? new Date();
  const catalog = await fetchFoundryCatalog({
    url: options.url,
    currency: options.currency,
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  // Capacity meters go to their own documents; the token book never sees them, kept or refused.
  const { docs, skipped, warnings } = toPriceDocs(
    catalog.items.filter((item) => !isCapacityItem(item)),
    options.currency,
    now.toISOString(),
  );
  const capacity = toCapacityDocs(catalog.items, options.currency, now.toISOString());
  for (const [reason, count] of capacity.skipped) skipped.set(reason, (skipped.get(reason) ?? 0) + count);
  warnings.push(...capacity.warnings);
  for (const warning of warnings) options.log?.(warning);
  const saved = await options.store.save(docs, {
    refreshedAt: now.toISOString(),
    currency: options.currency,
    serviceName: catalog.serviceName,
    items: catalog.items.length,
  });
  const savedCapacity = await options.store.saveCapacity(capacity.docs);
  return {
    serviceName: catalog.serviceName,
    items: catalog.items.length,
    tokenMeters: docs.length,
    ...saved,
    capacityMeters: capacity.docs.length,
    capacityCreated: savedCapacity.created,
    skipped: Object.fromEntries(skipped),
    warnings,
    requests: catalog.requests,
  };
}
