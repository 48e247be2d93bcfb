import type { Command } from 'commander';

import { UserError } from '../../shared/errors.js';
import { describeIssues } from '../../shared/report/reportQuery.js';
import { auditQuerySchema, runAudit } from '../../shared/report/audit.js';
import { auditTable } from '../../shared/report/auditFormat.js';
import { withServices } from '../context.js';
import { EXIT } from '../exitCodes.js';

export function registerAudit(program: Command): void {
  program
    .command('audit')
    .description(
      'events seen against records, dead letters and spills, per day; exits 1 when the books do not balance',
    )
    .requiredOption('--from <YYYY-MM-DD>', 'first day (UTC), inclusive')
    .requiredOption('--to <YYYY-MM-DD>', 'last day (UTC), inclusive')
    .option('--format <table|json>', 'output format', 'table')
    .action(async (options: { from: string; to: string; format: string }) => {
      const query = auditQuerySchema.safeParse({ from: options.from, to: options.to });
      if (!query.success) throw new UserError(describeIssues(query.error));
      if (options.format !== 'table' && options.format !== 'json')
        throw new UserError('--format: must be table or json');
      await withServices(async (services) => {
        const audit = await runAudit(services, query.data);
        process.stdout.write(
          options.format === 'json' ? `${JSON.stringify(audit, null, 2)}\n` : auditTable(audit),
        );
        // 1: something is lost or unexplained. 3: nothing lost, but spilled events wait for `backfill`.
        if (!audit.balanced) process.exitCode = EXIT.finding;
        else if (audit.total.spilledEvents > 0) process.exitCode = EXIT.spilled;
      });
    });
}
