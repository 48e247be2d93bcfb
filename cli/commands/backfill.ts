import type { Command } from 'commander';

import { budgetDeps, evaluateAfterBackfill } from '../../shared/budgets/runEvaluation.js';
import { UserError } from '../../shared/errors.js';
import {
  backfillComplete,
  backfillDeps,
  backfillFailed,
  DEFAULT_BACKFILL_LIMIT,
  formatBackfill,
  runBackfill,
} from '../../shared/pipeline/backfill.js';
import { withServices } from '../context.js';

export function registerBackfill(program: Command): void {
  program
    .command('backfill')
    .description('replay spilled batches, complete pending identities and re-price unpriced records')
    .option('--limit <n>', 'pending and unpriced records handled per step', String(DEFAULT_BACKFILL_LIMIT))
    .action(async (options: { limit: string }) => {
      const limit = Number(options.limit);
      if (!Number.isSafeInteger(limit) || limit < 1)
        throw new UserError('--limit: must be a whole number >= 1');
      await withServices(async (services) => {
        const result = await runBackfill(backfillDeps(services), { limit });
        process.stdout.write(`${formatBackfill(result).join('\n')}\n`);
        // As the timer does: budgets after the rollup refresh, never failing the backfill.
        const budgets = await evaluateAfterBackfill(
          budgetDeps(services, { log: (m) => process.stderr.write(`${m}\n`) }),
        );
        process.stdout.write(`${budgets.line}\n`);
        // Records still pending or unpriced are normal (Graph down, meter not in the book yet); a spill
        // or a step that could not run means a dependency is still failing, as `ingest` reports it (3).
        if (backfillFailed(result)) process.exitCode = 3;
        else if (!backfillComplete(result)) process.stderr.write('some records wait for the next backfill\n');
      });
    });
}
