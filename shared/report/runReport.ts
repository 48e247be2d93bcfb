import type { Services } from '../app/services.js';
import { CosmosRollups } from '../store/cosmosRollups.js';
import { buildReport } from './buildReport.js';
import type { Report, ReportGrouping, UsageSlice } from './types.js';

/** Brings the range's rollups up to date, then reports from them: the one path behind CLI, HTTP and page. */
export async function runReport(
  services: Pick<Services, 'database' | 'apps' | 'settings'>,
  query: { from: string; to: string; by: ReportGrouping },
): Promise<{ report: Report; slices: UsageSlice[] }> {
  const rollups = new CosmosRollups(services.database);
  // Only the days it reads: another range's backlog is the backfill timer's, not this report's.
  await rollups.refreshDirty({ from: query.from, to: query.to });
  const [slices, overrides] = await Promise.all([
    rollups.read(query.from, query.to),
    services.apps.allOverrides(),
  ]);
  const report = buildReport(slices, { ...query, currency: services.settings.PRICE_CURRENCY, overrides });
  return { report, slices };
}
