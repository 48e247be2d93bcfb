import { limitsFor, type LimitsAnswer } from './limits.js';
import { budgetStatuses, type BudgetDeps } from './runEvaluation.js';
import type { BudgetStatus } from './evaluate.js';

/**
 * The statuses of every budget are computed at most once per `memoMs` and shared by all apps' answers: the
 * gateway asks per app (and caches each answer itself), so one instance reads the rollups a few times
 * a minute, not once per app. The figures move only when the backfill refreshes the rollups.
 */
export const LIMITS_MEMO_MS = 5_000;

export interface LimitsDeps extends Pick<BudgetDeps, 'store' | 'spend' | 'overrides'> {
  /** The app's business unit now: finance's override, else its service principal's tag, else null. */
  unitOf(appId: string): Promise<string | null>;
  readonly now: () => Date;
}

export function createLimits(
  deps: LimitsDeps,
  memoMs = LIMITS_MEMO_MS,
): (appId: string) => Promise<LimitsAnswer> {
  let memo: { at: number; statuses: Promise<BudgetStatus[]> } | undefined;
  const statuses = (now: Date): Promise<BudgetStatus[]> => {
    if (memo === undefined || now.getTime() - memo.at >= memoMs) {
      const loading = budgetStatuses(deps, now);
      memo = { at: now.getTime(), statuses: loading };
      // A failed read is not remembered: the next call tries again.
      loading.catch(() => {
        if (memo?.statuses === loading) memo = undefined;
      });
    }
    return memo.statuses;
  };
  return async (appId) => {
    const id = appId.toLowerCase();
    const [all, unit] = await Promise.all([statuses(deps.now()), deps.unitOf(id)]);
    return limitsFor(id, unit, all);
  };
}
