import Table from 'cli-table3';

import type { Audit } from './audit.js';
import { spillHealthLines } from './auditSpills.js';
import { describeDifference } from './auditRollups.js';

const COLUMNS = [
  ['seen', 'seen'],
  ['duplicates', 'dup'],
  ['records', 'records'],
  ['priced', 'priced'],
  ['unpriced', 'unpriced'],
  ['resolved', 'resolved'],
  ['unknown', 'unknown'],
  ['pending', 'pending'],
  ['deadLetters', 'dead letters'],
  ['waiting', 'in spill'],
  ['missing', 'MISSING'],
  ['unledgered', 'unledgered'],
  ['spills', 'spills'],
  ['spilledEvents', 'spilled events'],
] as const;

export function auditTable(audit: Audit): string {
  const table = new Table({
    style: { head: [], border: [] },
    head: ['day', ...COLUMNS.map(([, label]) => label)],
    colAligns: ['left', ...COLUMNS.map(() => 'right' as const)],
  });
  for (const day of audit.days) table.push([day.day, ...COLUMNS.map(([key]) => day[key])]);
  table.push(['total', ...COLUMNS.map(([key]) => audit.total[key])]);
  const lines = [`Audit ${audit.from} to ${audit.to}`, table.toString()];
  const reasons = (title: string, counts: Readonly<Record<string, number>>) => {
    const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
    if (entries.length > 0) lines.push(title, ...entries.map(([reason, n]) => `  ${n}  ${reason}`));
  };
  reasons('unpriced by reason:', audit.unpricedByReason);
  reasons('dead letters by field:', audit.deadLettersByReason);
  lines.push(verdict(audit), ...spillHealthLines(audit.spillHealth));
  if (audit.missingIds.length > 0) lines.push(`first missing ids: ${audit.missingIds.join(', ')}`);
  lines.push(...rollupLines(audit));
  if (audit.missingPriceSets.length > 0) {
    lines.push(`price sets named but not stored: ${audit.missingPriceSets.join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The rollup check: the first differing slice named, or how many app-days match. */
function rollupLines(audit: Audit): string[] {
  const check = audit.rollups;
  if (check === undefined) return [];
  const pending =
    check.pending > 0 ? `; ${check.pending} app-days were written during the audit: run it again` : '';
  const first = check.first[0];
  if (first === undefined) return [`rollups: ${check.groups} app-days equal their records${pending}`];
  return [
    `ROLLUPS DIFFER from the records in ${check.differing} slices${pending}; first: ${describeDifference(first)}`,
    ...check.first.slice(1).map((d) => `  ${describeDifference(d)}`),
  ];
}

export function verdict(audit: Audit): string {
  const t = audit.total;
  const quarantined = audit.spillHealth?.quarantined.length ?? 0;
  if (!audit.balanced) {
    return (
      `NOT BALANCED: ${t.missing} events seen but neither recorded, dead-lettered nor spilled; ` +
      `${t.unledgered} stored but never seen by ingest; ` +
      `${audit.untraceablePrices} priced records whose price set is not stored` +
      (quarantined > 0 ? `; ${quarantined} spills quarantined` : '') +
      (audit.rollups === undefined
        ? ''
        : `; ${audit.rollups.differing} rollup slices differ from the records`)
    );
  }
  // A dead letter's day is when it arrived, so a redelivery after midnight may store it on a later day.
  const elsewhere = t.seen - t.records - t.deadLetters - t.waiting;
  const waiting =
    t.spilledEvents > 0 ? `; ${t.spilledEvents} events wait in ${t.spills} spills: run backfill` : '';
  return (
    `balanced: ${t.seen} events seen = ${t.records} records + ${t.deadLetters} dead letters + ` +
    `${elsewhere} stored on other days + ${t.waiting} in spills${waiting}`
  );
}
