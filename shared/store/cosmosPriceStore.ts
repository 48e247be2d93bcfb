import type { Container } from '@azure/cosmos';
import { z } from 'zod';

import {
  capacityDocSchema,
  CAPACITY_PK,
  toCapacityPrices,
  type CapacityDoc,
  type CapacityPrice,
} from '../pricing/capacityPrices.js';
import { PriceBook } from '../pricing/priceBook.js';
import { priceDocSchema, toPriceRows, type PriceDoc } from '../pricing/priceRows.js';
import { bulkCreate, bulkUpsert } from './bulkCreate.js';

const META_ID = 'book';
const metaSchema = z.object({
  id: z.literal(META_ID),
  refreshedAt: z.string(),
  currency: z.string(),
  serviceName: z.string(),
  items: z.number(),
  tokenMeters: z.number(),
});

export interface SavedCatalog {
  readonly created: number;
  readonly unchanged: number;
}

/** Container `prices`: every (meter, effectiveStartDate) ever seen. History is never overwritten. */
export class CosmosPriceStore {
  constructor(private readonly container: Container) {}

  async save(
    docs: readonly PriceDoc[],
    meta: { refreshedAt: string; currency: string; serviceName: string; items: number },
  ): Promise<SavedCatalog> {
    // Create-only: a window already stored keeps the price it had, so history cannot be rewritten.
    const statuses = await bulkCreate(this.container, docs);
    const created = [...statuses.values()].filter((s) => s === 'created').length;
    const metaDoc = { id: META_ID, pk: 'meta', docType: 'meta', ...meta, tokenMeters: docs.length };
    await bulkUpsert(this.container, [metaDoc]);
    return { created, unchanged: docs.length - created };
  }

  /** Capacity prices (PTU, fine-tuned hosting), create-only like every price window. */
  async saveCapacity(docs: readonly CapacityDoc[]): Promise<{ created: number }> {
    const statuses = await bulkCreate(this.container, docs);
    return { created: [...statuses.values()].filter((s) => s === 'created').length };
  }

  /**
   * The hourly capacity prices, one partition read: only the capacity estimate reads them (never the
   * pricer). Empty when no refresh has stored any yet, or when the container does not exist.
   */
  async loadCapacityPrices(currency: string, warn?: (message: string) => void): Promise<CapacityPrice[]> {
    let resources: unknown[];
    try {
      ({ resources } = await this.container.items
        .query<unknown>(
          {
            query: 'SELECT * FROM c WHERE c.pk = @pk AND c.docType = @type AND c.currency = @currency',
            parameters: [
              { name: '@pk', value: CAPACITY_PK },
              { name: '@type', value: 'capacityPrice' },
              { name: '@currency', value: currency },
            ],
          },
          { partitionKey: CAPACITY_PK },
        )
        .fetchAll());
    } catch (error) {
      if ((error as { code?: number }).code === 404) return [];
      throw error;
    }
    const docs = resources.flatMap((doc) => {
      const parsed = capacityDocSchema.safeParse(doc);
      return parsed.success ? [parsed.data] : [];
    });
    return toCapacityPrices(docs, warn);
  }

  /** The whole book in one cross-partition read; null when no refresh has run yet. */
  async load(currency: string): Promise<PriceBook | null> {
    const { resources: metas } = await this.container.items
      .query<unknown>({
        query: 'SELECT * FROM c WHERE c.id = @id AND c.pk = @pk',
        parameters: [
          { name: '@id', value: META_ID },
          { name: '@pk', value: 'meta' },
        ],
      })
      .fetchAll();
    const meta = metaSchema.safeParse(metas[0]);
    if (!meta.success) return null;
    const { resources } = await this.container.items
      .query<unknown>({
        query: 'SELECT * FROM c WHERE c.docType = @type AND c.currency = @currency',
        parameters: [
          { name: '@type', value: 'price' },
          { name: '@currency', value: currency },
        ],
      })
      .fetchAll();
    const docs = resources.flatMap((doc) => {
      const parsed = priceDocSchema.safeParse(doc);
      return parsed.success ? [parsed.data] : [];
    });
    return new PriceBook(toPriceRows(docs), currency, meta.data.refreshedAt);
  }
}
