import { createHash } from 'node:crypto';

import type { UsageRow } from './usagePort.js';

const rowText = (r: UsageRow): string =>
  JSON.stringify([
    r.resourceId,
    r.appId,
    r.basis,
    r.meterId ?? null,
    r.modelFamily,
    r.tokenKind ?? null,
    r.units.toString(),
    r.estimateNanos.toString(),
    r.activeHourMask ?? null,
  ]);

/**
 * Pure: per UTC day, a hash of the usage an allocation of that day was computed from. A late event
 * changes its day's rollups and so its digest: the stored allocation is then stale and recomputed,
 * so the billed basis never splits a bill by usage the rollups no longer say.
 */
export function usageDigestsByDay(rows: Iterable<UsageRow>, days: Iterable<string>): Record<string, string> {
  const texts = new Map<string, string[]>();
  for (const day of days) texts.set(day, []);
  for (const row of rows) texts.get(row.day)?.push(rowText(row));
  const out: Record<string, string> = {};
  for (const [day, lines] of texts)
    out[day] = createHash('sha256').update(lines.sort().join('\n')).digest('hex');
  return out;
}
