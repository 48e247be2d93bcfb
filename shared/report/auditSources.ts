import type { Container, Database, SqlQuerySpec } from '@azure/cosmos';
import { z } from 'zod';

import { normalizeEvent } from '../events/normalize.js';
import { buildDeadLetter } from '../pipeline/deadLetter.js';
import type { EventTimeCulture } from '../events/eventTime.js';
import type { SpillStore } from '../pipeline/backfill/spills.js';
import { CosmosPriceSets } from '../store/cosmosPriceSets.js';

const recordRow = z.object({
  id: z.string(),
  /** `<appId>|<day>`: the rollup group the record belongs to. */
  pk: z.string().optional(),
  day: z.string(),
  costStatus: z.string(),
  identityStatus: z.string(),
  unpricedReason: z.string().nullish(),
  priceSetId: z.string().nullish(),
  /** Records written before price sets carried their meters inline: traceable as they are. */
  prices: z.array(z.unknown()).nullish(),
});
const deadLetterRow = z.object({
  id: z.string(),
  day: z.string(),
  reasons: z.array(z.object({ path: z.string() })).optional(),
});
const ledgerRow = z.object({
  day: z.string(),
  recordIds: z.array(z.string()),
  deadLetterIds: z.array(z.string()),
});

export type RecordRow = z.infer<typeof recordRow>;
export interface DeadLetterRow {
  readonly id: string;
  readonly day: string;
  /** The first problem's field path: paths are few, messages carry values and are not. */
  readonly reason: string;
}
export type LedgerRow = z.infer<typeof ledgerRow>;
export interface SpillRow {
  readonly name: string;
  /** The day it was spilled, from its name. */
  readonly day: string;
  /** The record or dead-letter id each of its events will get when replayed. */
  readonly ids: readonly string[];
}

export interface AuditInputs {
  readonly records: RecordRow[];
  readonly deadLetters: DeadLetterRow[];
  readonly ledgers: LedgerRow[];
  readonly spills: SpillRow[];
}

const range = (from: string, to: string) => [
  { name: '@from', value: from },
  { name: '@to', value: to },
];

/** Every query is a fixed string literal with parameters (docs/security.md); pages follow continuation tokens. */
export async function readAuditInputs(
  database: Database,
  spill: Pick<SpillStore, 'list' | 'read'>,
  from: string,
  to: string,
  culture?: EventTimeCulture,
): Promise<AuditInputs> {
  const [records, deadLetters, ledgers, spills] = await Promise.all([
    readAll(
      database.container('usage'),
      {
        query:
          'SELECT c.id, c.pk, c.day, c.costStatus, c.identityStatus, c.unpricedReason, c.priceSetId, c.prices FROM c WHERE c.day >= @from AND c.day <= @to',
        parameters: range(from, to),
      },
      recordRow,
    ),
    readAll(
      database.container('deadletter'),
      {
        query: 'SELECT c.id, c.day, c.reasons FROM c WHERE c.day >= @from AND c.day <= @to',
        parameters: range(from, to),
      },
      deadLetterRow,
    ),
    readAll(
      database.container('rollups'),
      {
        query:
          'SELECT c.day, c.recordIds, c.deadLetterIds FROM c WHERE c.docType = @type AND c.day >= @from AND c.day <= @to',
        parameters: [{ name: '@type', value: 'ledger' }, ...range(from, to)],
      },
      ledgerRow,
    ),
    readSpills(spill, culture),
  ]);
  return {
    records,
    deadLetters: deadLetters.map((d) => ({ id: d.id, day: d.day, reason: d.reasons?.[0]?.path ?? '(none)' })),
    ledgers,
    spills,
  };
}

/** Which of these ids are stored at all, whatever their day (a dead letter's day is when it was received). */
export async function findStored(database: Database, ids: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let start = 0; start < ids.length; start += 500) {
    const chunk = ids.slice(start, start + 500);
    const spec = {
      query: 'SELECT c.id FROM c WHERE ARRAY_CONTAINS(@ids, c.id)',
      parameters: [{ name: '@ids', value: chunk }],
    };
    const idRow = z.object({ id: z.string() });
    for (const name of ['usage', 'deadletter'] as const) {
      for (const row of await readAll(database.container(name), spec, idRow)) found.add(row.id);
    }
  }
  return found;
}

/** Which of these price sets are stored (a record must never name one that is not). */
export async function findPriceSets(database: Database, ids: readonly string[]): Promise<Set<string>> {
  const found = await new CosmosPriceSets(database.container('prices')).read(ids);
  return new Set(found.keys());
}

/**
 * Which of these dead-letter ids a ledger outside the range saw: a dead letter's day is when it was
 * first stored, and a replay after midnight records it in the ledger of a later day. Normally none.
 */
export async function findLedgeredElsewhere(
  database: Database,
  deadLetterIds: readonly string[],
): Promise<Set<string>> {
  const found = new Set<string>();
  const rollups = database.container('rollups');
  for (const id of deadLetterIds.slice(0, 200)) {
    const spec = {
      query: 'SELECT c.id FROM c WHERE c.docType = @type AND ARRAY_CONTAINS(c.deadLetterIds, @id)',
      parameters: [
        { name: '@type', value: 'ledger' },
        { name: '@id', value: id },
      ],
    };
    if ((await readAll(rollups, spec, z.object({ id: z.string() }))).length > 0) found.add(id);
  }
  return found;
}

async function readAll<T>(container: Container, spec: SqlQuerySpec, schema: z.ZodType<T>): Promise<T[]> {
  const iterator = container.items.query<unknown>(spec, { maxItemCount: 1_000 });
  const rows: T[] = [];
  while (iterator.hasMoreResults()) {
    const { resources } = await iterator.fetchNext();
    for (const raw of resources) {
      const parsed = schema.safeParse(raw);
      if (parsed.success) rows.push(parsed.data);
    }
  }
  return rows;
}

/** Spills are rare and small: each is read and its events keyed exactly as a replay would key them. */
async function readSpills(
  spill: Pick<SpillStore, 'list' | 'read'>,
  culture: EventTimeCulture | undefined,
): Promise<SpillRow[]> {
  const rows: SpillRow[] = [];
  const now = new Date();
  for (const name of await spill.list()) {
    const batch = await spill.read(name).catch(() => undefined);
    if (batch === undefined) continue; // replayed and removed since the listing
    const ids = batch.bodies.map((body, i) => {
      const source = batch.sources[i] ?? { kind: 'eventhub' as const };
      const result = normalizeEvent(body, source, now, culture);
      return result.ok ? result.usage.id : buildDeadLetter(result, source, now).id;
    });
    rows.push({ name, day: name.slice(0, 10), ids });
  }
  return rows;
}
