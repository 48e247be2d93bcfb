import { app, type InvocationContext, type Timer } from '@azure/functions';

import { sharedServices } from '../shared/app/lazyServices.js';
import { CosmosInvoiceStore } from '../shared/invoice/cosmosInvoiceStore.js';
import { openExportContainer } from '../shared/invoice/exportContainer.js';
import { importNewRuns } from '../shared/invoice/importNewRuns.js';
import { allocateMonths, describeAllocation, monthsOfImport } from '../shared/invoice/runAllocation.js';

/** Timer → new Cost Management FOCUS export runs in INVOICE_EXPORT_CONTAINER → `invoice`. */
export async function importInvoice(_timer: Timer, context: InvocationContext): Promise<void> {
  const services = await sharedServices();
  const container = await openExportContainer(services.settings);
  const store = await CosmosInvoiceStore.open(services.database);
  const imported = await importNewRuns(container, store, (m) => {
    context.log(m);
  });
  const rejected = imported.reduce((n, s) => n + s.rejected.length, 0);
  if (rejected > 0) context.warn(`invoice import: ${rejected} row(s) rejected, see the lines above`);
  context.log(`invoice import: ${imported.length} new export run(s)`);
  if (imported.length > 0)
    context.log(
      describeAllocation(
        await allocateMonths(services.database, services.settings, monthsOfImport(imported)),
      ),
    );
}

app.timer('importInvoice', {
  schedule: '%INVOICE_IMPORT_SCHEDULE%',
  runOnStartup: false,
  handler: importInvoice,
});
