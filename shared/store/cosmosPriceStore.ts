import type { Container } from '@azure/cosmos';
import { z } from 'zod';

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
