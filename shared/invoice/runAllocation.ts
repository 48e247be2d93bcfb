import type { Database } from '@azure/cosmos';

import type { Settings } from '../config.js';
import { addDays } from '../report/period.js';
import { RollupUsage } from '../store/rollupUsage.js';
import { allocationOptions, billedShares } from './billedShares.js';
import { CosmosAllocations, type StoredAllocations } from './cosmosAllocations.js';
import { CosmosInvoiceStore } from './cosmosInvoiceStore.js';
import type { ImportSummary } from './importRun.js';
import { readUsage, reconcile, type Reconciliation } from './runReconcile.js';
import { usageDigestsByDay } from './usageDigest.js';
import type { UsageByKey } from './usagePort.js';

const firstOfNext = (month: string): string => {
  const [y, m] = [Number(month.slice(0, 4)), Number(month.slice(5, 7))];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
};

const previous = (month: string): string => {
  const [y, m] = [Number(month.slice(0, 4)), Number(month.slice(5, 7))];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
};

/** Months an import can change: each invoice month it replaced, and the one before (its corrections). */
export function monthsOfImport(summaries: readonly ImportSummary[]): string[] {
  const months = summaries.flatMap((s) => s.periods.flatMap((p) => [p.period, previous(p.period)]));
  return [...new Set(months)].sort();
}

/** Concurrent allocations of one month (timer, CLI, a report finding it stale) each retry on a lost commit. */
const MAX_ATTEMPTS = 5;

/**
 * Recomputes and stores the allocation of each month (`YYYY-MM`): the month's billed lines (all
 * invoice months, corrections included) against its usage from the rollups. Idempotent: the same
 * bill and usage give the same allocation, and a newer export replaces the month's allocation whole.
 * Optimistic: the commit is conditional on the run document read before the inputs, so the stored
 * allocation always comes from inputs read after the previous one committed.
 */
export async function allocateMonths(
  database: Database,
  settings: Pick<Settings, 'UNATTRIBUTED_POLICY' | 'PTU_IDLE_POLICY' | 'PTU_TOKEN_WEIGHTS'>,
  months: readonly string[],
  usage: UsageByKey = new RollupUsage(database),
): Promise<{ month: string; keys: number }[]> {
  const lines = CosmosInvoiceStore.forReading(database);
  const store = await CosmosAllocations.open(database);
  const out: { month: string; keys: number }[] = [];
  for (const month of months) {
    const [from, to] = [`${month}-01`, firstOfNext(month)];
    for (let attempt = 1; ; attempt++) {
      const basedOn = await store.runState(month);
      const rows = await readUsage(usage, from, to);
      const keys = billedShares(await lines.linesBetween(from, to), rows, allocationOptions(settings));
      const usageDigests = usageDigestsByDay(rows, new Set(keys.map((k) => k.day)));
      if (await store.replaceMonth(month, { keys, usageDigests }, basedOn)) {
        out.push({ month, keys: keys.length });
        break;
      }
      if (attempt === MAX_ATTEMPTS)
        throw new Error(
          `allocation of ${month}: lost ${MAX_ATTEMPTS} commits in a row to concurrent allocations; ` +
            `the stored one stands. Run \`chargeback invoice allocate --from ${month}\` again once they are done`,
        );
    }
  }
  return out;
}

/**
 * Months whose stored allocation split a billed day of `current`'s by other usage than the rollups
 * now hold (a late event, a backfill): the billed basis recomputes them before reading.
 */
export function staleMonths(
  stored: Pick<StoredAllocations, 'billedDays' | 'usageDigests'>,
  current: Readonly<Record<string, string>>,
): string[] {
  const stale = stored.billedDays.filter((day) => stored.usageDigests[day] !== current[day]);
  return [...new Set(stale.map((day) => day.slice(0, 7)))].sort();
}

/** One line for the CLI and the timer's log. */
export function describeAllocation(allocated: readonly { month: string; keys: number }[]): string {
  if (allocated.length === 0) return 'allocation: no month to allocate';
  return `allocation: ${allocated.map((a) => `${a.month} ${a.keys} billed key(s)`).join(', ')}`;
}

/**
 * The stored bill against the usage of UTC days `from <= day < end`: what `reconcile` prints. The
 * whole months around the range are reconciled, then cut to it, so each key's figures are the very
 * ones the month's stored allocation charges (the month is rounded as one, see `allocate`).
 */
export async function reconcileStored(
  database: Database,
  settings: Pick<
    Settings,
    'UNATTRIBUTED_POLICY' | 'PTU_IDLE_POLICY' | 'PTU_TOKEN_WEIGHTS' | 'RECONCILE_TOLERANCE_PERCENT'
  >,
  from: string,
  end: string,
  usage: UsageByKey = new RollupUsage(database),
): Promise<Reconciliation> {
  const [first, last] = [`${from.slice(0, 7)}-01`, firstOfNext(addDays(end, -1).slice(0, 7))];
  const lines = await CosmosInvoiceStore.forReading(database).linesBetween(first, last);
  const whole = reconcile(lines, await readUsage(usage, first, last), {
    tolerancePercent: settings.RECONCILE_TOLERANCE_PERCENT,
    ...allocationOptions(settings),
  });
  const inRange = (k: { day: string }) => k.day >= from && k.day < end;
  const rows = whole.rows.filter(inRange);
  return {
    rows,
    allocations: whole.allocations.filter(inRange),
    allMatched: rows.every((r) => r.classification === 'matched'),
  };
}
