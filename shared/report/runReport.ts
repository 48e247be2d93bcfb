import type { Services } from '../app/services.js';
import { CosmosAllocations, type StoredAllocations } from '../invoice/cosmosAllocations.js';
import { readCapacityEstimate } from '../invoice/readCapacityEstimate.js';
import { allocateMonths, staleMonths } from '../invoice/runAllocation.js';
import { usageDigestsByDay } from '../invoice/usageDigest.js';
import { usageRowsOfSlices } from '../invoice/usageOfSlices.js';
import { CosmosRollups } from '../store/cosmosRollups.js';
import { billedSlices } from './billedSlices.js';
import { buildReport } from './buildReport.js';
import { previousPeriod } from './period.js';
import { unpricedCapacitySlices } from './unpricedCapacity.js';
import type { Report, ReportGrouping, UsageSlice } from './types.js';

export interface RunReportQuery {
  readonly from: string;
  readonly to: string;
  readonly by: ReportGrouping | readonly ReportGrouping[];
  /** `previous`: also read the period of the same length just before, and give each row its change. */
  readonly compare?: 'previous' | undefined;
  /** `billed`: the imported bill's allocations where a bill covers the day (docs/invoice.md). */
  readonly basis?: 'estimate' | 'billed' | undefined;
  /** The capacity estimate of days no bill covers stops here (month to date); the clock by default. */
  readonly now?: Date | undefined;
}

export interface ReportRun {
  readonly report: Report;
  /** The period's slices. */
  readonly slices: UsageSlice[];
  /** The previous period's slices, when compared; empty otherwise. */
  readonly previousSlices: UsageSlice[];
  readonly overrides: ReadonlyMap<string, string>;
  /** On the billed basis: the allocations read (the FOCUS export writes them row by row). */
  readonly allocations?: StoredAllocations;
}

/** Brings the range's rollups up to date, then reports from them: the one path behind CLI, HTTP and page. */
export async function runReport(
  services: Pick<Services, 'database' | 'apps' | 'settings'>,
  query: RunReportQuery,
): Promise<ReportRun> {
  const rollups = new CosmosRollups(services.database);
  const before = query.compare === 'previous' ? previousPeriod(query.from, query.to) : undefined;
  // Only the days it reads: another range's backlog is the backfill timer's, not this report's.
  await rollups.refreshDirty({ from: before?.from ?? query.from, to: query.to });
  // One read covers both periods: they are adjacent.
  const start = before?.from ?? query.from;
  const [stored, overrides, allocations] = await Promise.all([
    rollups.read(start, query.to),
    services.apps.allOverrides(),
    query.basis === 'billed'
      ? CosmosAllocations.forReading(services.database).read(start, query.to)
      : Promise.resolve(undefined),
  ]);
  const current = allocations && (await freshAllocations(services, allocations, stored, start, query.to));
  let read: UsageSlice[] = stored;
  if (current !== undefined) {
    // Before a bill covers a day, its PTU and fine-tuned hosting hours are estimated from the inventory.
    const capacity = await readCapacityEstimate(services.database, services.settings, {
      from: start,
      to: query.to,
      billedDays: current.billedDays,
      slices: stored,
      now: query.now ?? new Date(),
    });
    read = [...billedSlices(stored, current, capacity.keys), ...unpricedCapacitySlices(capacity.unpriced)];
  }
  const slices = read.filter((s) => s.day >= query.from);
  const previousSlices = read.filter((s) => s.day < query.from);
  const report = buildReport(slices, {
    by: query.by,
    from: query.from,
    to: query.to,
    currency: services.settings.PRICE_CURRENCY,
    overrides,
    ...(before ? { previous: { ...before, slices: previousSlices } } : {}),
    ...(query.basis === 'billed' ? { basis: 'billed' as const } : {}),
  });
  return { report, slices, previousSlices, overrides, ...(current ? { allocations: current } : {}) };
}

/**
 * The stored allocations, recomputed first for any month whose billed days' usage changed since
 * they were split (a late event, a backfill): the billed basis never disagrees with the rollups.
 */
async function freshAllocations(
  services: Pick<Services, 'database' | 'settings'>,
  allocations: StoredAllocations,
  slices: readonly UsageSlice[],
  from: string,
  to: string,
): Promise<StoredAllocations> {
  const billed = new Set(allocations.billedDays);
  const current = usageDigestsByDay(
    usageRowsOfSlices(slices.filter((s) => billed.has(s.day))),
    allocations.billedDays,
  );
  const months = staleMonths(allocations, current);
  if (months.length === 0) return allocations;
  await allocateMonths(services.database, services.settings, months);
  return CosmosAllocations.forReading(services.database).read(from, to);
}
