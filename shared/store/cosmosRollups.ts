import type { Container, Database } from '@azure/cosmos';
import pMap from 'p-map';
import { z } from 'zod';

import { rollUp, type RecordAmounts } from '../report/rollupMath.js';
import type { UsageSlice } from '../report/types.js';
import { CosmosPriceSets } from './cosmosPriceSets.js';
import { parseMarker, type DirtyMarker } from './rollupMarkers.js';

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
/** Markers settled per round: progress is saved (markers deleted) after each, so a cut-off run is not wasted. */
const MARKERS_PER_ROUND = 50;

// `c.prices`: records written before price sets carried their meters inline.
const RECORD_PROJECTION =
  'SELECT c.day, c.appId, c.appDisplayName, c.businessUnit, c.model, c.deploymentType, c.promptTokens, ' +
  'c.cachedTokens, c.completionTokens, c.reasoningTokens, c.totalTokens, c.costNanos, c.region, c.priceSetId, ' +
  'c.prices, c.costStatus FROM c WHERE c.pk = @pk';

const sliceEtagSchema = z.object({ id: z.string(), _etag: z.string() });

export interface RefreshResult {
  readonly groups: number;
  readonly slices: number;
  /** Groups another refresher wrote while this one computed: their markers stay for the next run. */
  readonly contended: number;
  /** Markers left for later: deferred (`notBefore`) or naming a contended group. */
  readonly markersLeft: number;
}

/**
 * Rollups are a pure function of the records: each dirty (app, day) is recomputed from its own
 * partition and written whole, so redelivery, spill replay, backfill and concurrent writers can
 * never double-count. Slices are written only if no other refresher changed them meanwhile, and a
 * marker is deleted only once every group it names was written that way (docs/rollups.md).
 */
export class CosmosRollups {
  private readonly usage: Container;
  private readonly rollups: Container;
  private readonly priceSets: CosmosPriceSets;

  constructor(
    database: Database,
    /** Test seam: runs between reading a group's records and writing its slices (a racing refresher). */
    private readonly afterCompute: (pk: string) => Promise<void> = () => Promise.resolve(),
  ) {
    this.usage = database.container('usage');
    this.rollups = database.container('rollups');
    this.priceSets = new CosmosPriceSets(database.container('prices'));
  }

  async refreshDirty(): Promise<RefreshResult> {
    return this.refresh(await this.pendingMarkers());
  }

  /** The dirty markers stored now; `refresh` covers exactly these. */
  async pendingMarkers(): Promise<DirtyMarker[]> {
    const { resources } = await this.rollups.items
      .query<unknown>({
        query: 'SELECT * FROM c WHERE c.docType = @t',
        parameters: [{ name: '@t', value: 'dirty' }],
      })
      .fetchAll();
    return resources.map((raw) => parseMarker(raw));
  }

  /**
   * Recomputes every group the due markers name (once each, however many name it), round by round,
   * deleting each round's markers once their groups are written. All markers were read before any
   * recompute, so a group recomputed in an earlier round covers the later rounds' markers too.
   */
  async refresh(markers: readonly DirtyMarker[], now = new Date()): Promise<RefreshResult> {
    const due = markers.filter((m) => m.notBefore === undefined || Date.parse(m.notBefore) <= now.getTime());
    const clean = new Map<string, boolean>();
    let slices = 0;
    let left = markers.length - due.length;
    for (let i = 0; i < due.length; i += MARKERS_PER_ROUND) {
      const round = due.slice(i, i + MARKERS_PER_ROUND);
      const todo = [...new Set(round.flatMap((m) => m.groups))].filter((g) => !clean.has(g));
      // Groups are independent partitions: a few at a time.
      const results = await pMap(todo, (pk) => this.recompute(pk), { concurrency: REFRESH_CONCURRENCY });
      results.forEach((result, k) => {
        clean.set(todo[k] ?? '', result.clean);
        slices += result.slices;
      });
      const settled = round.filter((m) => m.groups.every((g) => clean.get(g) === true));
      left += round.length - settled.length;
      await pMap(settled, (m) => this.deleteMarker(m), { concurrency: REFRESH_CONCURRENCY });
    }
    const contended = [...clean.values()].filter((ok) => !ok).length;
    return { groups: clean.size, slices, contended, markersLeft: left };
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

  /**
   * One group: the slices' ETags are read first, then the records; each slice is replaced only if its
   * ETag is unchanged (created only if still absent). A refresher that read older records than another
   * can then never overwrite the newer result: it loses the race (`clean: false`) and keeps its markers.
   */
  private async recompute(pk: string): Promise<{ slices: number; clean: boolean }> {
    const { resources: stored } = await this.rollups.items
      .query<unknown>(
        {
          query: 'SELECT c.id, c._etag FROM c WHERE c.pk = @pk AND c.docType = @t',
          parameters: [
            { name: '@pk', value: pk },
            { name: '@t', value: 'rollup' },
          ],
        },
        { partitionKey: pk },
      )
      .fetchAll();
    const etags = new Map(stored.map((raw) => sliceEtagSchema.parse(raw)).map((s) => [s.id, s._etag]));
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
    await this.afterCompute(pk);
    const written = await Promise.all(
      docs.map(async (doc) => {
        const etag = etags.get(doc.id);
        try {
          if (etag === undefined) await this.rollups.items.create(doc);
          else
            await this.rollups
              .item(doc.id, pk)
              .replace(doc, { accessCondition: { type: 'IfMatch', condition: etag } });
          return true;
        } catch (error) {
          const code = (error as { code?: number }).code;
          // 409/412/404: another refresher wrote (or removed) this slice since we read it.
          if (code === 409 || code === 412 || code === 404) return false;
          throw error;
        }
      }),
    );
    return { slices: docs.length, clean: written.every(Boolean) };
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
