import { createHash, randomUUID } from 'node:crypto';

import type { Container, Database } from '@azure/cosmos';
import pMap from 'p-map';
import { z } from 'zod';

import { wonRace } from '../store/conditionalWrite.js';
import { CONTAINERS } from '../store/containers.js';
import type { KeyAllocation } from './billedShares.js';

const CONCURRENCY = 16;
const nanos = z
  .string()
  .regex(/^-?\d+$/)
  .transform((v) => BigInt(v));

/** One billed key's allocation: a document of the `invoice` container, pk `allocation|YYYY-MM` (the day's month). */
const allocationDoc = z.object({
  id: z.string(),
  pk: z.string(),
  docType: z.literal('allocation'),
  runId: z.string(),
  resourceId: z.string(),
  resourceName: z.string(),
  meterId: z.string(),
  meterName: z.string(),
  meterKind: z.string(),
  day: z.string(),
  currency: z.string(),
  effectiveCostNanos: nanos,
  billedCostNanos: nanos,
  shares: z.array(
    z.object({
      appId: z.string().nullable(),
      label: z.string(),
      kind: z.enum(['app', 'unallocated', 'idle']),
      effectiveNanos: nanos,
      billedNanos: nanos,
    }),
  ),
});

/** The month's committed allocation: readers count only the documents of its `runId`. */
const runDoc = z.object({
  id: z.string(),
  pk: z.string(),
  docType: z.literal('allocationRun'),
  runId: z.string(),
  month: z.string(),
  /** Days of the month an imported bill covers: the billed basis uses allocations for exactly these. */
  days: z.array(z.string()),
  /** Per billed day, the digest of the usage the allocation split by (absent before this was kept). */
  usageDigests: z.record(z.string(), z.string()).optional(),
  computedAt: z.string(),
});

/** The month's run document as an allocation started from it: the commit is conditional on it. */
export interface RunState {
  readonly etag: string | undefined;
  readonly runId: string | undefined;
}

/** What one allocation of a month stores. */
export interface MonthAllocation {
  readonly keys: readonly KeyAllocation[];
  /** Per billed day of the month, the digest of the usage it was computed from (`usageDigestsByDay`). */
  readonly usageDigests: Readonly<Record<string, string>>;
}

/** Documents of a run that never committed (a writer that crashed) are deleted once this old. */
const ORPHAN_AGE_SECONDS = 3600;

export interface StoredAllocations {
  readonly keys: KeyAllocation[];
  /** Days an imported bill covers (sorted): on the billed basis, every other day is estimated. */
  readonly billedDays: string[];
  /** Per billed day read, the digest of the usage its allocation used; absent when not known. */
  readonly usageDigests: Readonly<Record<string, string>>;
}

const partition = (month: string) => `allocation|${month}`;
const hash = (parts: readonly string[]) => createHash('sha256').update(JSON.stringify(parts)).digest('hex');
const str = (n: bigint) => n.toString();

/**
 * Allocations of the bill to apps, stored apart from the request records (which they never change).
 * A month is replaced whole, as a generation: the new documents are written, then the month's run
 * document is switched to them, then the older ones are deleted, so readers see one run or the
 * other, never a mix, and recomputing the same inputs gives the same figures.
 */
export class CosmosAllocations {
  constructor(private readonly container: Container) {}

  static async open(database: Database): Promise<CosmosAllocations> {
    const { container } = await database.containers.createIfNotExists(CONTAINERS.invoice);
    return new CosmosAllocations(container);
  }

  static forReading(database: Database): CosmosAllocations {
    return new CosmosAllocations(database.container(CONTAINERS.invoice.id));
  }

  /** The month's run document now: pass it to `replaceMonth` so a concurrent allocation is not overwritten. */
  async runState(month: string): Promise<RunState> {
    try {
      const { resource, etag } = await this.container
        .item(`allocationRun|${month}`, partition(month))
        .read<Record<string, unknown>>();
      const parsed = runDoc.safeParse(resource);
      return { etag: resource === undefined ? undefined : etag, runId: parsed.data?.runId };
    } catch (error) {
      if ((error as { code?: number }).code === 404) return { etag: undefined, runId: undefined };
      throw error;
    }
  }

  /**
   * Writes the month's new generation, then commits it with one conditional write of the run
   * document (`basedOn`'s ETag). False when another allocation committed since `basedOn` was read:
   * this one's documents are removed and the caller computes again from what is stored now.
   */
  async replaceMonth(
    month: string,
    allocation: MonthAllocation,
    basedOn: RunState,
    now = new Date(),
  ): Promise<boolean> {
    const pk = partition(month);
    const runId = randomUUID();
    const { keys } = allocation;
    for (const key of keys)
      if (key.day.slice(0, 7) !== month) throw new Error(`allocation of ${key.day} in the month ${month}`);
    const docIds = await pMap(
      keys,
      async (key) => {
        const id = hash(['allocation', runId, key.resourceId, key.meterId, key.day]);
        await this.container.items.create({
          ...key,
          id,
          pk,
          docType: 'allocation',
          runId,
          effectiveCostNanos: str(key.effectiveCostNanos),
          billedCostNanos: str(key.billedCostNanos),
          shares: key.shares.map((s) => ({
            ...s,
            effectiveNanos: str(s.effectiveNanos),
            billedNanos: str(s.billedNanos),
          })),
        });
        return id;
      },
      { concurrency: CONCURRENCY },
    );
    const run = {
      id: `allocationRun|${month}`,
      pk,
      docType: 'allocationRun',
      runId,
      month,
      days: [...new Set(keys.map((k) => k.day))].sort(),
      usageDigests: allocation.usageDigests,
      computedAt: now.toISOString(),
    };
    const committed = await wonRace(() =>
      basedOn.etag === undefined
        ? this.container.items.create(run)
        : this.container
            .item(run.id, pk)
            .replace(run, { accessCondition: { type: 'IfMatch', condition: basedOn.etag } }),
    );
    if (!committed) {
      await this.deleteAll(docIds, pk);
      return false;
    }
    // Only the generation this one replaced, and orphans of crashed writers: a run still being
    // written by a concurrent allocation is neither, and its own commit will fail on the new ETag.
    const { resources } = await this.container.items
      .query<{ id: string; runId: string; _ts: number }>(
        {
          query: "SELECT c.id, c.runId, c._ts FROM c WHERE c.pk = @pk AND c.docType = 'allocation'",
          parameters: [{ name: '@pk', value: pk }],
        },
        { partitionKey: pk },
      )
      .fetchAll();
    const orphanBefore = now.getTime() / 1000 - ORPHAN_AGE_SECONDS;
    await this.deleteAll(
      resources
        .filter((r) => r.runId !== runId && (r.runId === basedOn.runId || r._ts < orphanBefore))
        .map((r) => r.id),
      pk,
    );
    return true;
  }

  private async deleteAll(ids: readonly string[], pk: string): Promise<void> {
    await pMap(
      ids,
      async (id) => {
        try {
          await this.container.item(id, pk).delete();
        } catch (error) {
          if ((error as { code?: number }).code !== 404) throw error;
        }
      },
      { concurrency: CONCURRENCY },
    );
  }

  /** Each allocated month: when it was computed and how many days a bill covers. */
  async months(): Promise<{ month: string; computedAt: string; days: number }[]> {
    try {
      const { resources } = await this.container.items
        .query<unknown>("SELECT * FROM c WHERE c.docType = 'allocationRun'")
        .fetchAll();
      return resources.flatMap((raw) => {
        const run = runDoc.safeParse(raw);
        return run.success
          ? [{ month: run.data.month, computedAt: run.data.computedAt, days: run.data.days.length }]
          : [];
      });
    } catch (error) {
      if ((error as { code?: number }).code === 404) return [];
      throw error;
    }
  }

  /** The committed allocations of UTC days `from <= day <= to`. */
  async read(from: string, to: string): Promise<StoredAllocations> {
    const months = monthsBetween(from, to).map(partition);
    let raws: unknown[];
    try {
      ({ resources: raws } = await this.container.items
        .query<unknown>({
          query: 'SELECT * FROM c WHERE ARRAY_CONTAINS(@pks, c.pk)',
          parameters: [{ name: '@pks', value: months }],
        })
        .fetchAll());
    } catch (error) {
      // No bill imported yet: every day is estimated.
      if ((error as { code?: number }).code === 404) return { keys: [], billedDays: [], usageDigests: {} };
      throw error;
    }
    const committed = new Map<string, string>();
    const billedDays: string[] = [];
    const usageDigests: Record<string, string> = {};
    for (const raw of raws) {
      const run = runDoc.safeParse(raw);
      if (!run.success) continue;
      committed.set(run.data.pk, run.data.runId);
      const days = run.data.days.filter((d) => d >= from && d <= to);
      billedDays.push(...days);
      for (const day of days) {
        const digest = run.data.usageDigests?.[day];
        if (digest !== undefined) usageDigests[day] = digest;
      }
    }
    const keys: KeyAllocation[] = [];
    for (const raw of raws) {
      if ((raw as { docType?: unknown }).docType !== 'allocation') continue;
      const parsed = allocationDoc.safeParse(raw);
      // A damaged allocation must stop the billed report, not vanish from it.
      if (!parsed.success)
        throw new Error(`allocation ${(raw as { id?: string }).id ?? '?'}: ${z.prettifyError(parsed.error)}`);
      const doc = parsed.data;
      if (committed.get(doc.pk) !== doc.runId || doc.day < from || doc.day > to) continue;
      const { id: _id, pk: _pk, docType: _t, runId: _r, ...key } = doc;
      keys.push(key);
    }
    return { keys, billedDays: billedDays.sort(), usageDigests };
  }
}

/** `YYYY-MM` of every month from `from`'s to `to`'s (days, inclusive). */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = [Number(from.slice(0, 4)), Number(from.slice(5, 7))];
  const last = to.slice(0, 7);
  for (;;) {
    const month = `${y}-${String(m).padStart(2, '0')}`;
    if (month > last) return out;
    out.push(month);
    [y, m] = m === 12 ? [y + 1, 1] : [y, m + 1];
  }
}
