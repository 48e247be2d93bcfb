import type { Container, Database } from '@azure/cosmos';
import { z } from 'zod';

import { rollUp, type RecordAmounts } from '../report/rollupMath.js';
import type { UsageSlice } from '../report/types.js';
import { bulkUpsert } from './bulkCreate.js';

const rollupDocSchema = z.object({
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

const REFRESH_CONCURRENCY = 8;

const markerSchema = z.object({ id: z.string(), pk: z.string(), _etag: z.string() });

const RECORD_PROJECTION =
  'SELECT c.day, c.appId, c.appDisplayName, c.businessUnit, c.model, c.deploymentType, c.promptTokens, ' +
  'c.cachedTokens, c.completionTokens, c.reasoningTokens, c.totalTokens, c.costNanos, c.region, c.prices ' +
  'FROM c WHERE c.pk = @pk';

/**
 * Rollups are a pure function of the records: each dirty (app, day) is recomputed from its own
 * partition and written whole, so redelivery, spill replay, backfill and concurrent writers can
 * never double-count. A marker is removed only if no write touched it since we read it (ETag).
 */
export class CosmosRollups {
  private readonly usage: Container;
  private readonly rollups: Container;

  constructor(database: Database) {
    this.usage = database.container('usage');
    this.rollups = database.container('rollups');
  }

  async refreshDirty(): Promise<{ groups: number; slices: number }> {
    const { resources } = await this.rollups.items
      .query<unknown>({
        query: 'SELECT * FROM c WHERE c.docType = @t',
        parameters: [{ name: '@t', value: 'dirty' }],
      })
      .fetchAll();
    let slices = 0;
    const markers = resources.map((raw) => markerSchema.parse(raw));
    // Groups are independent partitions: a few at a time keeps a large backfill inside HTTP time limits.
    for (let i = 0; i < markers.length; i += REFRESH_CONCURRENCY) {
      const counts = await Promise.all(
        markers.slice(i, i + REFRESH_CONCURRENCY).map((m) => this.refreshOne(m)),
      );
      slices += counts.reduce((a, b) => a + b, 0);
    }
    return { groups: resources.length, slices };
  }

  private async refreshOne(marker: z.infer<typeof markerSchema>): Promise<number> {
    const slices = await this.recompute(marker.pk);
    await this.rollups
      .item(marker.id, marker.pk)
      .delete({ accessCondition: { type: 'IfMatch', condition: marker._etag } })
      .catch((error: unknown) => {
        // 412: a write re-marked the group while we computed; it stays dirty for the next run.
        const code = (error as { code?: number }).code;
        if (code !== 412 && code !== 404) throw error;
      });
    return slices;
  }

  private async recompute(pk: string): Promise<number> {
    const { resources } = await this.usage.items
      .query<RecordAmounts>(
        { query: RECORD_PROJECTION, parameters: [{ name: '@pk', value: pk }] },
        { partitionKey: pk },
      )
      .fetchAll();
    const computedAt = new Date().toISOString();
    const docs = rollUp(resources).map((s) => ({
      ...s,
      id: `rollup|${s.day}|${s.appId}|${s.model}|${s.deploymentType}`.replace(/[/\\?#]/g, '_'),
      pk,
      docType: 'rollup' as const,
      costNanos: s.costNanos.toString(),
      computedAt,
    }));
    await bulkUpsert(this.rollups, docs);
    return docs.length;
  }

  /** Rollup slices for days in [from, to] (inclusive, YYYY-MM-DD). */
  async read(from: string, to: string): Promise<UsageSlice[]> {
    const { resources } = await this.rollups.items
      .query<unknown>({
        query: 'SELECT * FROM c WHERE c.docType = @t AND c.day >= @from AND c.day <= @to',
        parameters: [
          { name: '@t', value: 'rollup' },
          { name: '@from', value: from },
          { name: '@to', value: to },
        ],
      })
      .fetchAll();
    return resources.map((raw) => {
      const doc = rollupDocSchema.parse(raw);
      return { ...doc, costNanos: BigInt(doc.costNanos) };
    });
  }
}
