import type { BudgetDeps } from '../budgets/runEvaluation.js';
import type { RetryBudget } from '../budgets/deliver.js';
import type { LimitsAnswer } from '../budgets/limits.js';
import { createLimits, type LimitsDeps } from '../budgets/limitsService.js';
import { CosmosBudgets } from '../store/cosmosBudgets.js';
import { CosmosRollups } from '../store/cosmosRollups.js';
import type { Services } from './services.js';

type Reads = Pick<BudgetDeps, 'store' | 'spend' | 'overrides'>;

/** What `budgetStatuses` reads: budgets, the rollups and finance's overrides (the page, `status`). */
export function statusDeps(services: Pick<Services, 'database' | 'apps'>): Reads {
  return {
    store: new CosmosBudgets(services.database),
    spend: new CosmosRollups(services.database),
    overrides: () => services.apps.allOverrides(),
  };
}

/** Wires evaluation to Cosmos, the rollups and the webhook settings, for the timer and the CLI. */
export function budgetDeps(
  services: Pick<Services, 'database' | 'apps' | 'settings' | 'retailDispatcher'>,
  options: { log?: (message: string) => void; now?: () => Date; retry?: RetryBudget } = {},
): BudgetDeps {
  const s = services.settings;
  return {
    ...statusDeps(services),
    webhook:
      s.ALERT_WEBHOOK_URL === undefined || s.ALERT_WEBHOOK_SECRET === undefined
        ? null
        : {
            // The dispatcher trusts a local stand-in's certificate when one was given (tests, demo).
            target: {
              url: s.ALERT_WEBHOOK_URL,
              secret: s.ALERT_WEBHOOK_SECRET,
              dispatcher: services.retailDispatcher,
            },
            format: s.ALERT_WEBHOOK_FORMAT,
          },
    ...(options.retry ? { retry: options.retry } : {}),
    now: options.now ?? (() => new Date()),
    log: options.log ?? (() => undefined),
  };
}

export function limitsDeps(services: Pick<Services, 'database' | 'apps'>): LimitsDeps {
  return {
    ...statusDeps(services),
    async unitOf(appId) {
      const { cache, overrides } = await services.apps.read([appId]);
      return overrides.get(appId) ?? cache.get(appId)?.businessUnitFromTag ?? null;
    },
    now: () => new Date(),
  };
}

export interface LimitsAnswerer {
  answer(appId: string): Promise<LimitsAnswer>;
  /** LIMITS_CACHE_SECONDS: how long the gateway may keep an answer. */
  readonly cacheSeconds: number;
}

// One per services instance (one per worker in Azure), so its memo is shared by invocations.
const answerers = new WeakMap<Services, LimitsAnswerer>();

export function limitsAnswerer(services: Services): LimitsAnswerer {
  let answerer = answerers.get(services);
  if (answerer === undefined) {
    answerer = {
      answer: createLimits(limitsDeps(services)),
      cacheSeconds: services.settings.LIMITS_CACHE_SECONDS,
    };
    answerers.set(services, answerer);
  }
  return answerer;
}
