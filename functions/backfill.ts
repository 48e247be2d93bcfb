import { app, type InvocationContext, type Timer } from '@azure/functions';

import { backfillDeps } from '../shared/app/backfillDeps.js';
import { sharedServices } from '../shared/app/lazyServices.js';
import type { Services } from '../shared/app/services.js';
import { budgetDeps } from '../shared/app/budgetDeps.js';
import { evaluateAfterBackfill } from '../shared/budgets/runEvaluation.js';
import { backfillFailed, formatBackfill, runBackfill } from '../shared/pipeline/backfill.js';

/**
 * Every 15 minutes. A constant rather than a setting: settings are public API (README, "Settings"), and
 * nothing here needs tuning per deployment; the work per run is bounded by the backfill's limit.
 */
export const BACKFILL_SCHEDULE = '0 */15 * * * *';

/** Timer → replay spills, complete pending identities, re-price unpriced records. A shell. */
export async function backfill(_timer: Timer, context: InvocationContext): Promise<void> {
  const services = await sharedServices({
    log: (m) => {
      context.warn(m);
    },
  });
  const result = await runBackfill(backfillDeps(services));
  // A failing dependency is logged, not thrown: the next run is the retry, 15 minutes later.
  const failed = backfillFailed(result);
  for (const line of formatBackfill(result)) {
    if (failed) context.warn(`backfill ${line}`);
    else context.log(`backfill ${line}`);
  }
  await logBudgets(services, context);
}

/** Budgets are evaluated after the rollup refresh above; it logs and never throws. */
async function logBudgets(services: Services, context: InvocationContext): Promise<void> {
  const budgets = await evaluateAfterBackfill(
    budgetDeps(services, {
      log: (m) => {
        context.log(m);
      },
    }),
  );
  if (budgets.ok) context.log(budgets.line);
  else context.warn(budgets.line);
}

app.timer('backfill', {
  schedule: BACKFILL_SCHEDULE,
  // Not on startup: every instance start (and scale-out) would run it; the schedule is soon enough.
  runOnStartup: false,
  handler: backfill,
});
