import type { Database } from '@azure/cosmos';
import { z } from 'zod';

import {
  checkSpills,
  spillsWithQuarantined,
  withSpillHealth,
  type SpillHealth,
  type SpillHealthSource,
} from './auditSpills.js';
import type { IngestPorts } from '../pipeline/ports.js';
import { MAX_RANGE_DAYS, RANGE_TOO_LONG } from './reportQuery.js';
import { checkRollups, type RollupCheck } from './auditRollups.js';
import {
  findLedgeredElsewhere,
  findPriceSets,
  findStored,
  readAuditInputs,
  type AuditInputs,
} from './auditSources.js';

export const auditQuerySchema = z
  .object({
    from: z.iso.date({ error: 'must be a date as YYYY-MM-DD' }),
    to: z.iso.date({ error: 'must be a date as YYYY-MM-DD' }),
  })
  .refine((q) => q.from <= q.to, { path: ['to'], message: 'must not be before from' })
  .refine((q) => (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 <= MAX_RANGE_DAYS, {
    path: ['to'],
    message: RANGE_TOO_LONG,
  });
export type AuditQuery = z.infer<typeof auditQuerySchema>;

export interface AuditDay {
  readonly day: string;
  /** Distinct event ids the ingest ledger saw on this day. */
  readonly seen: number;
  /** Ledger entries beyond the first per id: the same event in more than one batch. */
  readonly duplicates: number;
  readonly records: number;
  readonly priced: number;
  readonly unpriced: number;
  readonly resolved: number;
  readonly unknown: number;
  readonly pending: number;
  readonly deadLetters: number;
  /** Seen, not stored, but inside a spill that `backfill` will replay. */
  readonly waiting: number;
  /** Seen and neither stored nor spilled: lost. */
  readonly missing: number;
  /** Stored but in no ledger: written by something that bypassed the pipeline. */
  readonly unledgered: number;
  /** Spilled batches saved on this day and not yet replayed. */
  readonly spills: number;
  readonly spilledEvents: number;
}

export interface Audit {
  readonly from: string;
  readonly to: string;
  readonly days: readonly AuditDay[];
  readonly total: Omit<AuditDay, 'day'>;
  readonly unpricedByReason: Readonly<Record<string, number>>;
  readonly deadLettersByReason: Readonly<Record<string, number>>;
  /** Up to 20 lost ids, to start the investigation from. */
  readonly missingIds: readonly string[];
  /** Priced records whose price set is not stored (or that name none): costs nobody can trace. */
  readonly untraceablePrices: number;
  /** Up to 20 price-set ids named by records but not stored. */
  readonly missingPriceSets: readonly string[];
  /** Spills whose replay fails for a reason other than the store, and quarantined ones (auditSpills.ts). */
  readonly spillHealth?: SpillHealth;
  /** Rollups against a recomputation from the records (runAudit only). */
  readonly rollups?: RollupCheck;
  /**
   * Every seen event is stored or waiting in a spill, nothing stored was unseen, every cost traceable,
   * and every rollup equals its records.
   */
  readonly balanced: boolean;
}

type Counter = { -readonly [K in keyof Omit<AuditDay, 'day'>]: number };
const zero = (): Counter => ({
  seen: 0,
  duplicates: 0,
  records: 0,
  priced: 0,
  unpriced: 0,
  resolved: 0,
  unknown: 0,
  pending: 0,
  deadLetters: 0,
  waiting: 0,
  missing: 0,
  unledgered: 0,
  spills: 0,
  spilledEvents: 0,
});

/** Ids the ledger saw in the range that are not stored on a day in the range: `findStored` checks the rest. */
export function unmatchedSeenIds(inputs: AuditInputs): string[] {
  const stored = new Set([...inputs.records.map((r) => r.id), ...inputs.deadLetters.map((d) => d.id)]);
  const seen = new Set(inputs.ledgers.flatMap((l) => [...l.recordIds, ...l.deadLetterIds]));
  return [...seen].filter((id) => !stored.has(id));
}

/** Dead letters in the range that no ledger in the range saw: `findLedgeredElsewhere` checks the rest. */
export function unseenDeadLetterIds(inputs: AuditInputs): string[] {
  const seen = new Set(inputs.ledgers.flatMap((l) => l.deadLetterIds));
  return inputs.deadLetters.map((d) => d.id).filter((id) => !seen.has(id));
}

/** The distinct price sets the records in range name. */
export function namedPriceSets(inputs: AuditInputs): string[] {
  return [...new Set(inputs.records.flatMap((r) => (r.priceSetId ? [r.priceSetId] : [])))];
}

/**
 * Pure: the books per day. `storedElsewhere`: seen ids stored with a day outside the range;
 * `seenElsewhere`: dead letters in the range that a ledger of another day saw; `storedPriceSets`:
 * which of `namedPriceSets` are stored.
 */
export function buildAudit(
  query: AuditQuery,
  inputs: AuditInputs,
  storedElsewhere: ReadonlySet<string>,
  seenElsewhere: ReadonlySet<string> = new Set(),
  storedPriceSets: ReadonlySet<string> = new Set(namedPriceSets(inputs)),
): Audit {
  const days = new Map<string, Counter>();
  const at = (day: string) => {
    let counter = days.get(day);
    if (counter === undefined) days.set(day, (counter = zero()));
    return counter;
  };
  const unpricedByReason: Record<string, number> = {};
  const deadLettersByReason: Record<string, number> = {};
  const stored = new Set<string>(storedElsewhere);
  const spilled = new Set(inputs.spills.flatMap((s) => s.ids));
  const seenOnDay = new Map<string, Set<string>>();
  const seenAll = new Set<string>();

  for (const ledger of inputs.ledgers) {
    const counter = at(ledger.day);
    const ids = [...ledger.recordIds, ...ledger.deadLetterIds];
    let set = seenOnDay.get(ledger.day);
    if (set === undefined) seenOnDay.set(ledger.day, (set = new Set()));
    for (const id of ids) {
      if (set.has(id)) counter.duplicates++;
      set.add(id);
      seenAll.add(id);
    }
  }
  let untraceablePrices = 0;
  const missingPriceSets = new Set<string>();
  for (const r of inputs.records) {
    const c = at(r.day);
    stored.add(r.id);
    c.records++;
    if (r.costStatus === 'priced') {
      c.priced++;
      const inline = (r.prices?.length ?? 0) > 0;
      if (!inline && (!r.priceSetId || !storedPriceSets.has(r.priceSetId))) {
        untraceablePrices++;
        if (r.priceSetId && missingPriceSets.size < 20) missingPriceSets.add(r.priceSetId);
      }
    } else if (r.costStatus !== 'provisioned') {
      // Provisioned (PTU) records are complete without a per-request price: neither priced nor unpriced.
      c.unpriced++;
      const reason = r.unpricedReason ?? '(none)';
      unpricedByReason[reason] = (unpricedByReason[reason] ?? 0) + 1;
    }
    if (r.identityStatus === 'resolved') c.resolved++;
    else if (r.identityStatus === 'unknown') c.unknown++;
    else c.pending++;
    if (!seenAll.has(r.id)) c.unledgered++;
  }
  for (const d of inputs.deadLetters) {
    const c = at(d.day);
    stored.add(d.id);
    c.deadLetters++;
    deadLettersByReason[d.reason] = (deadLettersByReason[d.reason] ?? 0) + 1;
    if (!seenAll.has(d.id) && !seenElsewhere.has(d.id)) c.unledgered++;
  }
  const missingIds: string[] = [];
  for (const [day, ids] of seenOnDay) {
    const c = at(day);
    c.seen = ids.size;
    for (const id of ids) {
      if (stored.has(id)) continue;
      if (spilled.has(id)) c.waiting++;
      else {
        c.missing++;
        if (missingIds.length < 20) missingIds.push(id);
      }
    }
  }
  for (const s of inputs.spills) {
    const c = at(s.day);
    c.spills++;
    c.spilledEvents += s.ids.length;
  }

  const sorted = [...days].sort(([a], [b]) => a.localeCompare(b)).map(([day, c]) => ({ day, ...c }));
  const total = zero();
  for (const day of sorted) for (const key of Object.keys(total) as (keyof Counter)[]) total[key] += day[key];
  // An id may be in ledgers of two days (a dead letter redelivered after midnight): count it once.
  const deliveries = inputs.ledgers.reduce((n, l) => n + l.recordIds.length + l.deadLetterIds.length, 0);
  total.seen = seenAll.size;
  total.duplicates = deliveries - seenAll.size;
  return {
    from: query.from,
    to: query.to,
    days: sorted,
    total,
    unpricedByReason,
    deadLettersByReason,
    missingIds,
    untraceablePrices,
    missingPriceSets: [...missingPriceSets],
    balanced: total.missing === 0 && total.unledgered === 0 && untraceablePrices === 0,
  };
}

/** The one path behind `chargeback audit`: read, look up what is stored on other days, count. */
export async function runAudit(
  services: {
    readonly database: Database;
    readonly spill: SpillHealthSource;
    /** For EVENT_TIME_CULTURE: a spilled event is keyed as its replay will key it. */
    readonly ingest?: Pick<IngestPorts, 'eventTimeCulture'>;
  },
  query: AuditQuery,
): Promise<Audit> {
  const spillHealth = await checkSpills(services.spill);
  const spills = spillsWithQuarantined(services.spill);
  const culture = services.ingest?.eventTimeCulture;
  const inputs = await readAuditInputs(services.database, spills, query.from, query.to, culture);
  const storedElsewhere = await findStored(services.database, unmatchedSeenIds(inputs));
  const seenElsewhere = await findLedgeredElsewhere(services.database, unseenDeadLetterIds(inputs));
  const storedPriceSets = await findPriceSets(services.database, namedPriceSets(inputs));
  const books = withSpillHealth(
    buildAudit(query, inputs, storedElsewhere, seenElsewhere, storedPriceSets),
    spillHealth,
  );
  const recordGroups = inputs.records.flatMap((r) => (r.pk === undefined ? [] : [r.pk]));
  const rollups = await checkRollups(services.database, query, recordGroups);
  return { ...books, rollups, balanced: books.balanced && rollups.differing === 0 };
}
