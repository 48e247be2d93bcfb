import type { Command } from 'commander';

import { backfillDeps } from '../../shared/app/backfillDeps.js';
import { budgetDeps } from '../../shared/app/budgetDeps.js';
import { evaluateAfterBackfill } from '../../shared/budgets/runEvaluation.js';
import { UserError } from '../../shared/errors.js';
import {
  backfillComplete,
  backfillFailed,
  DEFAULT_BACKFILL_LIMIT,
  formatBackfill,
  runBackfill,
} from '../../shared/pipeline/backfill.js';
import { withServices } from '../context.js';
import { EXIT } from '../exitCodes.js';

export function registerBackfill(program: Command): void {
  program
    .command('backfill')
    .description(
      'replay spilled batches, complete pending identities, re-price records the price book or DEPLOYMENTS may now change',
    )
    .option(
      '--limit <n>',
      'records handled per step: pending identities, re-price candidates (oldest first)',
      String(DEFAULT_BACKFILL_LIMIT),
    )
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
        // or a step that could not run means a dependency is still failing: what waits is safe in the
        // spill store and the ledger, so it is `ingest`'s "spilled, run backfill (again) later" (3).
        if (backfillFailed(result)) process.exitCode = EXIT.spilled;
        else if (!backfillComplete(result)) process.stderr.write('some records wait for the next backfill\n');
      });
    });
}
