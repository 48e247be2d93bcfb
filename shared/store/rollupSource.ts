import type { Container, Database } from '@azure/cosmos';
import { z } from 'zod';

import { rollUp, type RecordAmounts } from '../report/rollupMath.js';
import type { UsageSlice } from '../report/types.js';
import { CosmosPriceSets } from './cosmosPriceSets.js';

/** A stored rollup slice. Its id is `rollupSliceId` of the key parts, which are kept as fields. */
export const rollupDocSchema = z.object({
  id: z.string(),
  pk: z.string(),
  docType: z.literal('rollup'),
  day: z.string(),
  appId: z.string(),
  appDisplayName: z.string().nullable(),
  businessUnit: z.string().nullable(),
  model: z.string(),
  deploymentType: z.string(),
  requests: z.number(),
  promptTokens: z.number(),
  cachedTokens: z.number(),
  completionTokens: z.number(),
  reasoningTokens: z.number(),
  totalTokens: z.number(),
  /** Decimal string: a busy app-day can pass 2^53 nano-units. */
  costNanos: z.string().regex(/^\d+$/),
  unpricedRequests: z.number(),
  meterIds: z.array(z.string()).default([]),
  region: z.string().nullable().default(null),
  computedAt: z.string(),
});

/** A stored slice as the report sees it, with the document id that holds it. */
export function sliceOfDoc(raw: unknown): UsageSlice & { readonly id: string; readonly pk: string } {
  const doc = rollupDocSchema.parse(raw);
  return { ...doc, costNanos: BigInt(doc.costNanos) };
}

// `c.prices`: records written before price sets carried their meters inline. `c._ts`: which name is latest.
const RECORD_PROJECTION =
  'SELECT c.day, c.appId, c.appDisplayName, c.businessUnit, c.model, c.deploymentType, c.promptTokens, ' +
  'c.cachedTokens, c.completionTokens, c.reasoningTokens, c.totalTokens, c.costNanos, c.region, c.priceSetId, ' +
  'c.prices, c._ts FROM c WHERE c.pk = @pk';

/**
 * What the rollups of one (app, day) must be: `rollUp` of every record in its partition, read with
 * one single-partition query. The refresher writes this and `audit` compares the stored slices with
 * it, so both rest on one piece of logic.
 */
export class RollupSource {
  private readonly usage: Container;
  private readonly priceSets: CosmosPriceSets;

  constructor(database: Database) {
    this.usage = database.container('usage');
    this.priceSets = new CosmosPriceSets(database.container('prices'));
  }

  async slicesOf(pk: string): Promise<UsageSlice[]> {
    const { resources } = await this.usage.items
      .query<RecordAmounts>(
        { query: RECORD_PROJECTION, parameters: [{ name: '@pk', value: pk }] },
        { partitionKey: pk },
      )
      .fetchAll();
    const sets = await this.priceSets.read(resources.flatMap((r) => (r.priceSetId ? [r.priceSetId] : [])));
    return rollUp(resources, (id) => sets.get(id)?.prices.map((p) => p.meterId) ?? []);
  }
}
