import type { Container, Database } from '@azure/cosmos';
import { z } from 'zod';

import { rollUp, type RecordAmounts } from '../report/rollupMath.js';
import type { UsageSlice } from '../report/types.js';
import { bulkUpsert } from './bulkCreate.js';
import { CosmosPriceSets } from './cosmosPriceSets.js';
import { dirtyMarkerSchema, type DirtyMarker } from './rollupMarkers.js';

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

const RECORD_PROJECTION =
  'SELECT c.day, c.appId, c.appDisplayName, c.businessUnit, c.model, c.deploymentType, c.promptTokens, ' +
  'c.cachedTokens, c.completionTokens, c.reasoningTokens, c.totalTokens, c.costNanos, c.region, c.priceSetId ' +
  'FROM c WHERE c.pk = @pk';

/**
 * Rollups are a pure function of the records: each dirty (app, day) is recomputed from its own
 * partition and written whole, so redelivery, spill replay, backfill and concurrent writers can
 * never double-count. Only the markers read before the recompute are deleted (docs/rollups.md).
 */
export class CosmosRollups {
  private readonly usage: Container;
  private readonly rollups: Container;
  private readonly priceSets: CosmosPriceSets;

  constructor(database: Database) {
    this.usage = database.container('usage');
    this.rollups = database.container('rollups');
    this.priceSets = new CosmosPriceSets(database.container('prices'));
  }

  async refreshDirty(): Promise<{ groups: number; slices: number }> {
    return this.refresh(await this.pendingMarkers());
  }

  /** The dirty markers stored now; `refresh` covers exactly these. */
  async pendingMarkers(): Promise<DirtyMarker[]> {
    const { resources } = await this.rollups.items
      .query<unknown>({
        query: 'SELECT c.id, c.pk, c.docType, c.groups, c.markedAt FROM c WHERE c.docType = @t',
        parameters: [{ name: '@t', value: 'dirty' }],
      })
      .fetchAll();
    return resources.map((raw) => dirtyMarkerSchema.parse(raw));
  }

  /** Recomputes every group the markers name (once each, however many markers name it), then deletes them. */
  async refresh(markers: readonly DirtyMarker[]): Promise<{ groups: number; slices: number }> {
    const groups = [...new Set(markers.flatMap((m) => m.groups))];
    let slices = 0;
    // Groups are independent partitions: a few at a time keeps a large backfill inside HTTP time limits.
    for (let i = 0; i < groups.length; i += REFRESH_CONCURRENCY) {
      const counts = await Promise.all(
        groups.slice(i, i + REFRESH_CONCURRENCY).map((pk) => this.recompute(pk)),
      );
      slices += counts.reduce((a, b) => a + b, 0);
    }
    for (let i = 0; i < markers.length; i += REFRESH_CONCURRENCY) {
      await Promise.all(markers.slice(i, i + REFRESH_CONCURRENCY).map((m) => this.deleteMarker(m)));
    }
    return { groups: groups.length, slices };
  }

  private async deleteMarker(marker: DirtyMarker): Promise<void> {
    await this.rollups
      .item(marker.id, marker.pk)
      .delete()
      .catch((error: unknown) => {
        // 404: a concurrent refresher covered it too.
        if ((error as { code?: number }).code !== 404) throw error;
      });
  }

  private async recompute(pk: string): Promise<number> {
    const { resources } = await this.usage.items
      .query<RecordAmounts>(
        { query: RECORD_PROJECTION, parameters: [{ name: '@pk', value: pk }] },
        { partitionKey: pk },
      )
      .fetchAll();
    const sets = await this.priceSets.read(resources.flatMap((r) => (r.priceSetId ? [r.priceSetId] : [])));
    const computedAt = new Date().toISOString();
    const meterIdsOf = (id: string) => sets.get(id)?.prices.map((p) => p.meterId) ?? [];
    const docs = rollUp(resources, meterIdsOf).map((s) => ({
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
