import { createHash, randomUUID } from 'node:crypto';

import type { Container, Database } from '@azure/cosmos';
import pMap from 'p-map';
import { z } from 'zod';

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
  computedAt: z.string(),
});

export interface StoredAllocations {
  readonly keys: KeyAllocation[];
  /** Days an imported bill covers (sorted): on the billed basis, every other day is estimated. */
  readonly billedDays: string[];
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

  async replaceMonth(month: string, keys: readonly KeyAllocation[], now = new Date()): Promise<void> {
    const pk = partition(month);
    const runId = randomUUID();
    for (const key of keys)
      if (key.day.slice(0, 7) !== month) throw new Error(`allocation of ${key.day} in the month ${month}`);
    await pMap(
      keys,
      (key) =>
        this.container.items.create({
          ...key,
          id: hash(['allocation', runId, key.resourceId, key.meterId, key.day]),
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
        }),
      { concurrency: CONCURRENCY },
    );
    const days = [...new Set(keys.map((k) => k.day))].sort();
    await this.container.items.upsert({
      id: `allocationRun|${month}`,
      pk,
      docType: 'allocationRun',
      runId,
      month,
      days,
      computedAt: now.toISOString(),
    });
    const { resources } = await this.container.items
      .query<{ id: string; runId: string }>(
        {
          query: "SELECT c.id, c.runId FROM c WHERE c.pk = @pk AND c.docType = 'allocation'",
          parameters: [{ name: '@pk', value: pk }],
        },
        { partitionKey: pk },
      )
      .fetchAll();
    await pMap(
      resources.filter((r) => r.runId !== runId),
      async ({ id }) => {
        try {
          await this.container.item(id, pk).delete();
        } catch (error) {
          if ((error as { code?: number }).code !== 404) throw error;
        }
      },
      { concurrency: CONCURRENCY },
    );
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
      if ((error as { code?: number }).code === 404) return { keys: [], billedDays: [] };
      throw error;
    }
    const committed = new Map<string, string>();
    const billedDays: string[] = [];
    for (const raw of raws) {
      const run = runDoc.safeParse(raw);
      if (!run.success) continue;
      committed.set(run.data.pk, run.data.runId);
      billedDays.push(...run.data.days.filter((d) => d >= from && d <= to));
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
    return { keys, billedDays: billedDays.sort() };
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
