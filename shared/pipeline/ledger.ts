import { sha256 } from '../events/idempotencyKey.js';

/**
 * The ingest ledger: which event ids a batch saw, upserted together with the batch's records and
 * dead letters, so `audit` can check both ways: every id seen is stored (or waits in a spill), and
 * everything stored was seen (a half-written batch that was never replayed shows up). It stores ids, not
 * counts: the same event can arrive in batches with different boundaries (a host redelivering from
 * an older checkpoint, two overlapping file ingests), and only a set union counts it once.
 */
export interface LedgerDoc {
  /** `ledger|<day>|<hash of the ids>`: a redelivered batch upserts the same documents. */
  readonly id: string;
  /** = id: ledger writes spread over partitions instead of one hot partition per day. */
  readonly pk: string;
  readonly docType: 'ledger';
  /** A record's `day` (event time), or a dead letter's `day` (when it was received). */
  readonly day: string;
  readonly recordIds: readonly string[];
  readonly deadLetterIds: readonly string[];
  readonly writtenAt: string;
}

/** Ids per document: a 2,000-id document is ~100 KB, far below Cosmos's 2 MB item limit. */
export const LEDGER_CHUNK = 2_000;

interface Seen {
  readonly id: string;
  readonly day: string;
}

/** Pure: the ledger documents for one batch, deterministic in the batch's ids. */
export function buildLedger(records: readonly Seen[], deadLetters: readonly Seen[], at: Date): LedgerDoc[] {
  const byDay = new Map<string, { records: Set<string>; deadLetters: Set<string> }>();
  const entry = (day: string) => {
    let found = byDay.get(day);
    if (found === undefined) {
      found = { records: new Set(), deadLetters: new Set() };
      byDay.set(day, found);
    }
    return found;
  };
  for (const r of records) entry(r.day).records.add(r.id);
  for (const d of deadLetters) entry(d.day).deadLetters.add(d.id);

  const docs: LedgerDoc[] = [];
  for (const [day, seen] of [...byDay].sort(([a], [b]) => a.localeCompare(b))) {
    // Tagged so a record id and a dead-letter id that happen to be equal stay distinct.
    const tagged = [
      ...[...seen.records].map((id) => `r:${id}`),
      ...[...seen.deadLetters].map((id) => `d:${id}`),
    ].sort();
    for (let start = 0; start < tagged.length; start += LEDGER_CHUNK) {
      const chunk = tagged.slice(start, start + LEDGER_CHUNK);
      const id = `ledger|${day}|${sha256(chunk.join('\n')).slice(0, 32)}`;
      docs.push({
        id,
        pk: id,
        docType: 'ledger',
        day,
        recordIds: chunk.filter((t) => t.startsWith('r:')).map((t) => t.slice(2)),
        deadLetterIds: chunk.filter((t) => t.startsWith('d:')).map((t) => t.slice(2)),
        writtenAt: at.toISOString(),
      });
    }
  }
  return docs;
}
