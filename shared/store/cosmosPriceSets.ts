import type { Container } from '@azure/cosmos';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';

import type { PriceSet } from '../cost/priceSet.js';
import { bulkCreate, DEFAULT_BULK_RETRY, type BulkRetryOptions } from './bulkCreate.js';
import { METER_KINDS } from '../pricing/types.js';

/** Price sets share one logical partition of `prices`: thousands of small documents at most. */
export const PRICE_SET_PK = 'priceSet';

export interface PriceSetDoc extends PriceSet {
  readonly pk: typeof PRICE_SET_PK;
  readonly docType: 'priceSet';
  readonly createdAt: string;
}

const priceSetDocSchema = z.object({
  id: z.string(),
  currency: z.string(),
  prices: z.array(
    z.object({
      kind: z.enum(METER_KINDS),
      meterId: z.string(),
      meterName: z.string(),
      unitPrice: z.string(),
      unitSize: z.union([z.literal(100), z.literal(1000), z.literal(1000000)]),
      effectiveStartDate: z.string(),
      override: z.string().optional(),
    }),
  ),
});

/**
 * The `prices` documents that records name by `priceSetId`. Sets are content-addressed and
 * immutable, so a create that meets a 409 is a success, and what this process stored or read once
 * never needs a second request.
 */
export class CosmosPriceSets {
  private readonly known = new LRUCache<string, PriceSet>({ max: 10_000 });
  private readonly saving = new Map<string, Promise<void>>();

  constructor(
    private readonly container: Container,
    private readonly retry: BulkRetryOptions = DEFAULT_BULK_RETRY,
  ) {}

  /** Stores the sets this process has not stored yet; records naming them are written after. */
  async save(sets: readonly PriceSet[], at: Date): Promise<void> {
    const waits: Promise<void>[] = [];
    const fresh: PriceSet[] = [];
    for (const set of new Map(sets.map((s) => [s.id, s])).values()) {
      if (this.known.has(set.id)) continue;
      // Concurrent batches meeting a new set share one write instead of racing to 409s.
      const pending = this.saving.get(set.id);
      if (pending) waits.push(pending);
      else fresh.push(set);
    }
    if (fresh.length > 0) {
      const docs: PriceSetDoc[] = fresh.map((set) => ({
        ...set,
        pk: PRICE_SET_PK,
        docType: 'priceSet',
        createdAt: at.toISOString(),
      }));
      const write = bulkCreate(this.container, docs, this.retry).then(() => {
        for (const set of fresh) this.known.set(set.id, set);
      });
      const settled = write.finally(() => {
        for (const set of fresh) this.saving.delete(set.id);
      });
      for (const set of fresh) this.saving.set(set.id, settled);
      waits.push(settled);
    }
    await Promise.all(waits);
  }

  /** The sets with these ids; an id with no document (never expected) is left out of the map. */
  async read(ids: readonly string[]): Promise<Map<string, PriceSet>> {
    const found = new Map<string, PriceSet>();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const hit = this.known.get(id);
      if (hit) found.set(id, hit);
      else missing.push(id);
    }
    // Point reads: 1 RU each, and a refresh meets a few dozen distinct sets at most.
    const read = await Promise.all(
      missing.map(async (id) => {
        const response = await this.container.item(id, PRICE_SET_PK).read<Record<string, unknown>>();
        const parsed = priceSetDocSchema.safeParse(response.resource);
        return parsed.success ? parsed.data : undefined;
      }),
    );
    for (const set of read) {
      if (set === undefined) continue;
      this.known.set(set.id, set);
      found.set(set.id, set);
    }
    return found;
  }
}
