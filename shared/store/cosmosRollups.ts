import { randomUUID } from 'node:crypto';

import type { Container, Database } from '@azure/cosmos';
import pMap from 'p-map';
import { z } from 'zod';

import { rollupGroupId, rollupSliceId } from '../report/rollupMath.js';
import type { UsageSlice } from '../report/types.js';
import { wonRace } from './conditionalWrite.js';
import { dayOfGroup, parseMarker, splitMarker, type DirtyMarker } from './rollupMarkers.js';
import {
  DRAFT,
  GROUP,
  ROLLUP_FORMAT,
  RollupSource,
  SLICE,
  visibleSlices,
  type StoredRollups,
} from './rollupSource.js';

const REFRESH_CONCURRENCY = 8;
/** Markers settled per round: progress is saved (markers deleted) after each, so a cut-off run is not wasted. */
const MARKERS_PER_ROUND = 50;

const storedSchema = z.object({ id: z.string(), _etag: z.string(), docType: z.string() });

/** Days in [from, to] (inclusive, YYYY-MM-DD): a report refreshes only the groups it will read. */
export interface DayRange {
  readonly from: string;
  readonly to: string;
}

export interface RefreshResult {
  readonly groups: number;
  readonly slices: number;
  /** Groups another refresher wrote while this one computed: their markers stay for the next run. */
  readonly contended: number;
  /** Markers left for later: deferred (`notBefore`), naming a contended group, or naming days outside the range. */
  readonly markersLeft: number;
}

function urlSafe(id: string): boolean {
  try {
    encodeURIComponent(id);
    return true;
  } catch {
    return false;
  }
}

/**
 * Rollups are a pure function of the records: each dirty (app, day) is recomputed from its own
 * partition and written whole (stale slices deleted), so redelivery, spill replay, backfill and
 * concurrent writers can never double-count. Every write is conditioned on what was read before the
 * records, and a marker is deleted only once every group it names was written that way (docs/rollups.md).
 */
export class CosmosRollups {
  private readonly rollups: Container;
  private readonly source: RollupSource;

  constructor(
    database: Database,
    /** Test seam: runs between reading a group's records and writing its slices (a racing refresher). */
    private readonly afterCompute: (pk: string) => Promise<void> = () => Promise.resolve(),
  ) {
    this.rollups = database.container('rollups');
    this.source = new RollupSource(database);
  }

  /** Refreshes every dirty group, or with `range` only those whose day is in it (a report's own days). */
  async refreshDirty(range?: DayRange): Promise<RefreshResult> {
    return this.refresh(await this.pendingMarkers(), new Date(), range);
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
   * Recomputes every group the due markers name (once each, however many name it; with `range`, only
   * groups of days in it), round by round, settling each round's markers once their groups are written.
   * All markers were read before any recompute, so a group recomputed in an earlier round covers the
   * later rounds' markers too. A marker that also names groups outside the range is replaced by one
   * naming just those, so they stay dirty and the clean ones are not recomputed again.
   */
  async refresh(markers: readonly DirtyMarker[], now = new Date(), range?: DayRange): Promise<RefreshResult> {
    const inRange = (group: string) => {
      const day = dayOfGroup(group);
      return range === undefined || (day >= range.from && day <= range.to);
    };
    const due = markers.filter(
      (m) =>
        (m.notBefore === undefined || Date.parse(m.notBefore) <= now.getTime()) && m.groups.some(inRange),
    );
    const clean = new Map<string, boolean>();
    let slices = 0;
    let left = markers.length - due.length;
    for (let i = 0; i < due.length; i += MARKERS_PER_ROUND) {
      const round = due.slice(i, i + MARKERS_PER_ROUND);
      const todo = [...new Set(round.flatMap((m) => m.groups.filter(inRange)))].filter((g) => !clean.has(g));
      // Groups are independent partitions: a few at a time.
      const results = await pMap(todo, (pk) => this.recompute(pk), { concurrency: REFRESH_CONCURRENCY });
      results.forEach((result, k) => {
        clean.set(todo[k] ?? '', result.clean);
        slices += result.slices;
      });
      const settled = round.filter((m) => m.groups.filter(inRange).every((g) => clean.get(g) === true));
      left += round.length - settled.length;
      await pMap(
        settled,
        async (m) => {
          const rest = m.groups.filter((g) => !inRange(g));
          if (rest.length > 0) {
            // Created before the delete: the rest's writes stay marked whatever happens in between.
            await this.rollups.items.create(splitMarker(m, rest));
            left++;
          }
          await this.deleteMarker(m);
        },
        { concurrency: REFRESH_CONCURRENCY },
      );
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
   * One group, as a new generation. The ETag of the group's commit document is read first, then the
   * records; the slices are created as drafts of a fresh generation (new ids, seen by no reader), and
   * the commit document is replaced, only if its ETag is unchanged, to name that generation. That one
   * conditional write is the switch: reports see the old slices or the new ones, never a mix, and a
   * refresher that read older records than one that committed meanwhile loses it (`clean: false`),
   * keeps its markers and leaves nothing visible, even when the two computed disjoint slices (a re-key).
   * The winner then deletes every slice it had read (older generations, under any id scheme ever
   * used) and turns its drafts into `rollup` documents, which is what direct queries count.
   */
  private async recompute(pk: string): Promise<{ slices: number; clean: boolean }> {
    const { resources: stored } = await this.rollups.items
      .query<unknown>(
        {
          query:
            'SELECT c.id, c._etag, c.docType FROM c WHERE c.pk = @pk AND ARRAY_CONTAINS(@types, c.docType)',
          parameters: [
            { name: '@pk', value: pk },
            { name: '@types', value: [SLICE, DRAFT, GROUP] },
          ],
        },
        { partitionKey: pk },
      )
      .fetchAll();
    const docsRead = stored.map((raw) => storedSchema.parse(raw));
    const groupId = rollupGroupId(pk);
    const groupEtag = docsRead.find((d) => d.id === groupId && d.docType === GROUP)?._etag;
    const older = docsRead.filter((d) => d.docType !== GROUP).map((d) => d.id);

    const computed = await this.source.slicesOf(pk);
    const gen = randomUUID();
    const computedAt = new Date().toISOString();
    const docs = computed.map((s) => ({
      ...s,
      id: rollupSliceId(s, gen),
      pk,
      docType: DRAFT,
      gen,
      costNanos: s.costNanos.toString(),
      ...(s.meters === undefined
        ? {}
        : { meters: s.meters.map((m) => ({ ...m, estimateNanos: String(m.estimateNanos) })) }),
      computedAt,
    }));
    await this.afterCompute(pk);

    await this.each(docs, (doc) => this.rollups.items.create(doc));
    const [appId, day] = [pk.slice(0, pk.lastIndexOf('|')), dayOfGroup(pk)];
    const commit = {
      id: groupId,
      pk,
      docType: GROUP,
      day,
      appId,
      gen,
      format: ROLLUP_FORMAT,
      slices: docs.length,
      computedAt,
    };
    const won = await wonRace(() =>
      groupEtag === undefined
        ? this.rollups.items.create(commit)
        : this.rollups
            .item(groupId, pk)
            .replace(commit, { accessCondition: { type: 'IfMatch', condition: groupEtag } }),
    );
    if (!won) {
      await this.each(docs, (doc) => this.rollups.item(doc.id, pk).delete());
      return { slices: docs.length, clean: false };
    }
    // Older first: a direct query in between misses a slice rather than counting one twice. A replace,
    // not an upsert: a newer winner may already have deleted this generation, and it must stay deleted.
    await this.each(older, (id) => this.deleteSlice(id, pk));
    await this.each(docs, (doc) => this.rollups.item(doc.id, pk).replace({ ...doc, docType: SLICE }));
    return { slices: docs.length, clean: true };
  }

  /**
   * A point delete names the id in the URL. An old-scheme id made from a lone surrogate cannot be
   * encoded there (the SDK throws "URI malformed"), so that one goes in a bulk request's body.
   */
  private async deleteSlice(id: string, pk: string): Promise<void> {
    if (urlSafe(id)) {
      await this.rollups.item(id, pk).delete();
      return;
    }
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- one operation: executeBulkOperations sleeps 1 s per call (bulkCreate.ts)
    const [result] = await this.rollups.items.bulk([{ operationType: 'Delete', id, partitionKey: pk }]);
    const status = result?.statusCode ?? 0;
    if (status >= 300 && status !== 404)
      throw Object.assign(new Error(`could not delete rollup ${JSON.stringify(id)}`), { code: status });
  }

  /** A few writes at a time; one another refresher made moot (409/412/404) is not an error. */
  private async each<T>(items: readonly T[], write: (item: T) => Promise<unknown>): Promise<void> {
    await pMap(items, (item) => wonRace(() => write(item)), { concurrency: REFRESH_CONCURRENCY });
  }

  /** True when the write landed, false when another refresher got there first (or removed it). */
  /** The visible rollup slices for days in [from, to] (inclusive, YYYY-MM-DD). */
  async read(from: string, to: string): Promise<UsageSlice[]> {
    const { slices, unreadable } = await this.readStored(from, to);
    const [bad] = unreadable;
    // A damaged total must stop the report, not vanish from it (`audit` names every one).
    if (bad !== undefined) throw new Error(`rollup ${bad.id} of ${bad.pk}: ${bad.error}`);
    return slices;
  }

  /**
   * What readers see for days in [from, to], with every stored slice document of the range. Groups
   * still in the id scheme from before generations are recomputed first (once: that gives them a
   * commit), so what an older release left behind (a slice a re-key orphaned, two models sharing an
   * id) is replaced even if the group is never written again.
   */
  async readStored(from: string, to: string): Promise<StoredRollups> {
    const stored = await this.readRange(from, to);
    if (stored.legacyGroups.length === 0) return stored;
    await pMap(stored.legacyGroups, (pk) => this.recompute(pk), { concurrency: REFRESH_CONCURRENCY });
    return this.readRange(from, to);
  }

  private async readRange(from: string, to: string): Promise<StoredRollups> {
    const { resources } = await this.rollups.items
      .query<unknown>({
        query: 'SELECT * FROM c WHERE ARRAY_CONTAINS(@types, c.docType) AND c.day >= @from AND c.day <= @to',
        parameters: [
          { name: '@types', value: [SLICE, DRAFT, GROUP] },
          { name: '@from', value: from },
          { name: '@to', value: to },
        ],
      })
      .fetchAll();
    return visibleSlices(resources);
  }
}
