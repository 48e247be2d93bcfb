import type { Command } from 'commander';

import { UserError } from '../../shared/errors.js';
import { deploymentRows, deploymentTable } from '../../shared/inventory/listFormat.js';
import { formatRefresh, runInventoryRefresh } from '../../shared/inventory/runRefresh.js';
import { CosmosInventoryStore } from '../../shared/store/cosmosInventoryStore.js';
import { withServices } from '../context.js';
import { EXIT } from '../exitCodes.js';

export function registerDeployments(program: Command): void {
  const deployments = program
    .command('deployments')
    .description('the deployment inventory read from Azure Resource Manager');
  deployments
    .command('refresh')
    .description('read every Azure OpenAI account and deployment of INVENTORY_SUBSCRIPTIONS from ARM')
    .action(async () => {
      // A writer, like `prices refresh`: it may create the database and its containers.
      await withServices(
        async (services) => {
          const outcomes = await runInventoryRefresh({
            settings: services.settings,
            store: new CosmosInventoryStore(services.database.container('inventory')),
            dispatcher: services.retailDispatcher,
            log: (m) => process.stderr.write(`${m}\n`),
          });
          process.stdout.write(`${formatRefresh(outcomes).join('\n')}\n`);
          // ARM could not be read for a subscription: its last good inventory stays (nothing lost).
          if (outcomes.some((o) => !o.ok)) process.exitCode = EXIT.infrastructure;
        },
        { create: true },
      );
    });
  deployments
    .command('list')
    .description(
      'what the inventory knows: account, deployment, model and version, SKU, capacity, region, since when',
    )
    .option('--format <format>', 'table or json', 'table')
    .action(async (options: { format: string }) => {
      if (options.format !== 'table' && options.format !== 'json') {
        throw new UserError(`--format: must be table or json, got "${options.format}"`);
      }
      await withServices(async (services) => {
        const snapshot = await new CosmosInventoryStore(services.database.container('inventory')).load();
        process.stdout.write(
          options.format === 'json'
            ? `${JSON.stringify(deploymentRows(snapshot), null, 2)}\n`
            : deploymentTable(snapshot),
        );
      });
    });
}
