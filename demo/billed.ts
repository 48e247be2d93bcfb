import type { Services } from '../shared/app/services.js';
import { CosmosInvoiceStore } from '../shared/invoice/cosmosInvoiceStore.js';
import { formatReconcile } from '../shared/invoice/formatReconcile.js';
import { describeImport } from '../shared/invoice/importNewRuns.js';
import { importRun } from '../shared/invoice/importRun.js';
import { localRuns } from '../shared/invoice/localExports.js';
import {
  allocateMonths,
  describeAllocation,
  monthsOfImport,
  reconcileStored,
} from '../shared/invoice/runAllocation.js';
import { reportTable } from '../shared/report/formatReport.js';
import { runReport } from '../shared/report/runReport.js';
import { sampleFile } from '../local/localSettings.js';

/** The bill: samples/focus-export imported, reconciled, and charged back beside the estimate. */
export async function demoBill(services: Services, say: (line: string) => void): Promise<void> {
  const store = await CosmosInvoiceStore.open(services.database);
  const summaries = [];
  for (const run of await localRuns(sampleFile('focus-export'))) {
    const summary = await importRun(run, store);
    summaries.push(summary);
    say(`\ninvoice import samples/focus-export: ${describeImport(summary)}`);
  }
  say(
    describeAllocation(await allocateMonths(services.database, services.settings, monthsOfImport(summaries))),
  );
  const result = await reconcileStored(services.database, services.settings, '2026-11-16', '2026-11-23');
  say(`\nreconcile --from 2026-11-16 --to 2026-11-22:\n${formatReconcile(result, 'table')}`);
  for (const by of ['app', 'businessUnit'] as const) {
    const query = { from: '2026-11-16', to: '2026-11-22', by } as const;
    say(reportTable((await runReport(services, query)).report));
    say(reportTable((await runReport(services, { ...query, basis: 'billed' })).report));
  }
  // After the bill's last day, the PTU deployment's hours are estimated from the inventory (50 PTU ×
  // 24 h × the hourly Retail price), split over that day's users, the rest idle: marked estimated.
  say('\nthe days after the bill, on the billed basis: PTU hours estimated from the deployment inventory');
  const monthToDate = { from: '2026-11-16', to: '2026-11-24', by: 'app', basis: 'billed' } as const;
  say(reportTable((await runReport(services, monthToDate)).report));
}
