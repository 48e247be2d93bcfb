import type { Command } from 'commander';

import { CosmosInvoiceStore } from '../../shared/invoice/cosmosInvoiceStore.js';
import { importRun } from '../../shared/invoice/importRun.js';
import { describeImport } from '../../shared/invoice/importNewRuns.js';
import { localRuns } from '../../shared/invoice/localExports.js';
import { withServices } from '../context.js';

export function registerInvoice(program: Command): void {
  const invoice = program.command('invoice').description('the Azure bill (Cost Management FOCUS exports)');
  invoice
    .command('import')
    .description(
      'import a FOCUS export file (.csv, .csv.gz, .parquet) or a folder of export runs; ' +
        'a month imported again is replaced, never added to (exit 1 if a row was rejected)',
    )
    .argument('<path>', 'an export file, or a folder holding export runs (manifest.json + partitions)')
    .action(async (path: string) => {
      const runs = await localRuns(path);
      // A writer: it may create the database and its containers.
      await withServices(
        async (services) => {
          const store = await CosmosInvoiceStore.open(services.database);
          for (const run of runs) {
            const summary = await importRun(run, store);
            process.stdout.write(`${describeImport(summary)}\n`);
            if (summary.rejected.length > 0) process.exitCode = 1;
          }
        },
        { create: true },
      );
    });
}
