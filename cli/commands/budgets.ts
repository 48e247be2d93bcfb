import type { Command } from 'commander';

import { BudgetInputError, budgetFromArguments, parseScope, scopeText } from '../../shared/budgets/budget.js';
import { alertsOutput, budgetsTable, statusOutput } from '../../shared/budgets/format.js';
import { budgetDeps, statusDeps } from '../../shared/app/budgetDeps.js';
import {
  budgetStatuses,
  evaluateBudgetAlerts,
  formatEvaluation,
} from '../../shared/budgets/runEvaluation.js';
import { UserError } from '../../shared/errors.js';
import { CosmosBudgets } from '../../shared/store/cosmosBudgets.js';
import { CosmosRollups } from '../../shared/store/cosmosRollups.js';
import { withServices } from '../context.js';

/** Budget input errors are the user's to fix: exit 2 with the field's name, before any connection. */
function userInput<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof BudgetInputError) throw new UserError(error.message);
    throw error;
  }
}

function outputFormat(value: string | undefined): 'table' | 'json' {
  if (value === undefined || value === 'table' || value === 'json') return value ?? 'table';
  throw new UserError(`--format: must be table or json (got "${value}")`);
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function dayOption(name: string, value: string | undefined, fallback: string): string {
  const day = value ?? fallback;
  if (
    !DAY.test(day) ||
    Number.isNaN(Date.parse(`${day}T00:00:00Z`)) ||
    new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) !== day
  )
    throw new UserError(`${name}: must be a date as YYYY-MM-DD`);
  return day;
}

export function registerBudgets(program: Command): void {
  const budgets = program
    .command('budgets')
    .description('budgets per app, business unit or model, their alerts and limits');

  budgets
    .command('set')
    .description('create or replace the budget of a scope')
    .argument('<scope>', 'app:<appId> | businessUnit:<name> | model:<family> | all')
    .requiredOption('--amount <n>', 'amount per period in the price-book currency, e.g. 1250.50')
    .option('--period <period>', 'monthly | daily (UTC)', 'monthly')
    .option('--thresholds <list>', 'percentages that alert, e.g. 50,80,100 (at most 1000)', '50,80,100')
    .option('--on <basis>', 'actual | forecast: what the thresholds compare with', 'actual')
    .option('--hard', 'the gateway blocks the app at 100% (limits endpoint says blocked)')
    .action(
      async (
        scope: string,
        options: { amount: string; period: string; thresholds: string; on: string; hard?: boolean },
      ) => {
        // Checked before connecting, so a typo fails fast; the currency comes with the settings.
        userInput(() => budgetFromArguments({ scope, ...options }, 'USD'));
        await withServices(async (services) => {
          const budget = budgetFromArguments({ scope, ...options }, services.settings.PRICE_CURRENCY);
          const store = new CosmosBudgets(services.database);
          await store.ensure();
          await store.save(budget, new Date());
          process.stdout.write(budgetsTable([budget]));
        });
      },
    );

  budgets
    .command('list')
    .description('the budgets stored')
    .action(async () => {
      await withServices(async (services) => {
        process.stdout.write(budgetsTable(await new CosmosBudgets(services.database).list()));
      });
    });

  budgets
    .command('remove')
    .description('delete the budget of a scope (its alerts stay, for the record)')
    .argument('<scope>', 'as given to set')
    .action(async (scope: string) => {
      const text = userInput(() => scopeText(parseScope(scope)));
      await withServices(async (services) => {
        const removed = await new CosmosBudgets(services.database).remove(text);
        if (!removed) throw new UserError(`no budget for ${text}`);
        process.stdout.write(`removed ${text}\n`);
      });
    });

  budgets
    .command('status')
    .description('spent, remaining, percent and forecast per budget, most at risk first')
    .option('--format <format>', 'table | json', 'table')
    .action(async (options: { format?: string }) => {
      const format = outputFormat(options.format);
      await withServices(async (services) => {
        // The same rollups as `report`, brought up to date first as the report does.
        await new CosmosRollups(services.database).refreshDirty();
        const statuses = await budgetStatuses(statusDeps(services), new Date());
        process.stdout.write(statusOutput(statuses, format));
      });
    });

  budgets
    .command('evaluate')
    .description('fire and deliver the alerts of thresholds crossed now (the backfill timer does it too)')
    .action(async () => {
      await withServices(async (services) => {
        await new CosmosRollups(services.database).refreshDirty();
        const deps = budgetDeps(services, { log: (m) => process.stderr.write(`${m}\n`) });
        const summary = await evaluateBudgetAlerts(deps);
        process.stdout.write(`${formatEvaluation(summary)}\n`);
        if (summary.failed > 0) process.exitCode = 3;
      });
    });

  budgets
    .command('alerts')
    .description('alerts fired, and whether each was delivered')
    .option('--from <YYYY-MM-DD>', 'first day fired, inclusive (default: the first of this month)')
    .option('--to <YYYY-MM-DD>', 'last day fired, inclusive (default: today)')
    .option('--format <format>', 'table | json', 'table')
    .action(async (options: { from?: string; to?: string; format?: string }) => {
      const today = new Date().toISOString().slice(0, 10);
      const from = dayOption('--from', options.from, `${today.slice(0, 8)}01`);
      const to = dayOption('--to', options.to, today);
      if (from > to) throw new UserError(`--to: must not be before --from (${from})`);
      const format = outputFormat(options.format);
      await withServices(async (services) => {
        process.stdout.write(
          alertsOutput(await new CosmosBudgets(services.database).alerts(from, to), format),
        );
      });
    });
}
