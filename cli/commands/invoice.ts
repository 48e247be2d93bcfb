import type { Command } from 'commander';

import { CosmosAllocations, monthsBetween } from '../../shared/invoice/cosmosAllocations.js';
import { formatImportedMonths, importedMonths } from '../../shared/invoice/importedMonths.js';
import { CosmosInvoiceStore } from '../../shared/invoice/cosmosInvoiceStore.js';
import { importRun } from '../../shared/invoice/importRun.js';
import { describeImport } from '../../shared/invoice/importNewRuns.js';
import { localRuns } from '../../shared/invoice/localExports.js';
import { allocateMonths, describeAllocation, monthsOfImport } from '../../shared/invoice/runAllocation.js';
import { UserError } from '../../shared/errors.js';
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
          const summaries = [];
          for (const run of runs) {
            const summary = await importRun(run, store);
            summaries.push(summary);
            process.stdout.write(`${describeImport(summary)}\n`);
            if (summary.rejected.length > 0) process.exitCode = 1;
          }
          // The bill changed: its months are allocated again (never the request records).
          const allocated = await allocateMonths(
            services.database,
            services.settings,
            monthsOfImport(summaries),
          );
          process.stdout.write(`${describeAllocation(allocated)}\n`);
        },
        { create: true },
      );
    });
  invoice
    .command('list')
    .description(
      'the imported invoice months: the export run that replaced each last, its totals, its allocation',
    )
    .option('--format <format>', 'table or json', 'table')
    .action(async (options: { format: string }) => {
      if (options.format !== 'table' && options.format !== 'json')
        throw new UserError(`--format: must be table or json, got "${options.format}"`);
      const format = options.format;
      await withServices(async (services) => {
        const [runs, allocations] = await Promise.all([
          CosmosInvoiceStore.forReading(services.database).runs(),
          CosmosAllocations.forReading(services.database).months(),
        ]);
        process.stdout.write(formatImportedMonths(importedMonths(runs, allocations), format));
      });
    });
  invoice
    .command('allocate')
    .description('recompute and store the allocation of the imported bill to apps, per month (idempotent)')
    .requiredOption('--from <month>', 'first month, YYYY-MM')
    .option('--to <month>', 'last month, YYYY-MM (default: --from)')
    .action(async (options: { from: string; to?: string }) => {
      const to = options.to ?? options.from;
      for (const [flag, value] of [
        ['--from', options.from],
        ['--to', to],
      ] as const)
        if (!MONTH.test(value)) throw new UserError(`${flag}: must be YYYY-MM, got "${value}"`);
      if (to < options.from) throw new UserError('--to: must not be before --from');
      await withServices(async (services) => {
        const allocated = await allocateMonths(
          services.database,
          services.settings,
          monthsBetween(`${options.from}-01`, `${to}-01`),
        );
        process.stdout.write(`${describeAllocation(allocated)}\n`);
      });
    });
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
