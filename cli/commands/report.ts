import type { Command } from 'commander';

import { UserError } from '../../shared/errors.js';
import { parseReportQuery, produceReport } from '../../shared/report/reportOutput.js';
import type { ReportQuery } from '../../shared/report/reportQuery.js';
import { withServices } from '../context.js';

export interface ReportOptions {
  readonly from?: string;
  readonly to?: string;
  readonly by?: string;
  readonly format?: string;
  readonly compare?: string;
  readonly basis?: string;
}

/** Validates before any connection is made, so a typo fails fast with the parameter's name. */
export function reportQueryFromOptions(options: ReportOptions): ReportQuery {
  const parsed = parseReportQuery(options);
  if (!parsed.ok) throw new UserError(parsed.error);
  return parsed.query;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('cost per app, business unit or model over a period of days (UTC), from the rollups')
    .option('--from <YYYY-MM-DD>', 'first day, inclusive')
    .option('--to <YYYY-MM-DD>', 'last day, inclusive (at most 366 days from --from)')
    .option('--by <grouping>', 'app | businessUnit | model, or two of them: app,model', 'app')
    .option(
      '--format <format>',
      'table | csv | json | focus (FOCUS 1.x CSV, one row per day × app × model)',
      'table',
    )
    .option('--compare <period>', 'previous: the change against the same number of days just before')
    .option(
      '--basis <basis>',
      'estimate (list prices) | billed (the imported bill where it covers the day)',
      'estimate',
    )
    .action(async (options: ReportOptions) => {
      const query = reportQueryFromOptions(options);
      await withServices(async (services) => {
        const output = await produceReport(services, query);
        process.stdout.write(output.body);
      });
    });
}
