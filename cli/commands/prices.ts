import type { Command } from 'commander';

import { PRICE_SET_ID } from '../../shared/cost/priceSet.js';
import { UserError } from '../../shared/errors.js';
import { refreshPriceBook } from '../../shared/pricing/refreshPriceBook.js';
import { priceSetTable } from '../../shared/report/priceSetTable.js';
import { CosmosPriceSets } from '../../shared/store/cosmosPriceSets.js';
import { withServices } from '../context.js';
import { EXIT } from '../exitCodes.js';

export function registerPrices(program: Command): void {
  const prices = program.command('prices').description('the price book');
  prices
    .command('refresh')
    .description(
      'fetch the Azure OpenAI and partner Foundry Models part of the Retail Prices catalog and store the price book',
    )
    .action(async () => {
      await withServices(
        async (services) => {
          const result = await refreshPriceBook({
            url: services.settings.RETAIL_PRICES_URL,
            currency: services.settings.PRICE_CURRENCY,
            store: services.prices,
            dispatcher: services.retailDispatcher,
            log: (m) => process.stderr.write(`${m}\n`),
          });
          const skipped = Object.entries(result.skipped)
            .sort((a, b) => b[1] - a[1])
            .map(([reason, n]) => `${reason}: ${n}`)
            .join(', ');
          process.stdout.write(
            `${result.items} items from '${result.serviceName}' in ${result.requests} requests: ` +
              `${result.tokenMeters} token meters (${result.created} new price windows, ${result.unchanged} known)\n` +
              `${result.capacityMeters} hourly capacity prices (PTU, fine-tuned hosting; ${result.capacityCreated} new)\n` +
              `not priced for standard requests: ${skipped || 'none'}\n`,
          );
        },
        { create: true },
      );
    });
  prices
    .command('show')
    .description("the meters and unit prices behind records' priceSetId (exit 1 if one is not stored)")
    .argument('<priceSetId...>', 'one or more priceSetId values from usage records')
    .option('--format <format>', 'table or json', 'table')
    .action(async (ids: string[], options: { format: string }) => {
      if (options.format !== 'table' && options.format !== 'json') {
        throw new UserError(`--format: must be table or json, got "${options.format}"`);
      }
      for (const id of ids) {
        if (!PRICE_SET_ID.test(id))
          throw new UserError(`priceSetId: "${id}" is not 16 lower-case hex digits`);
      }
      await withServices(async (services) => {
        const found = await new CosmosPriceSets(services.database.container('prices')).read(ids);
        const sets = ids.flatMap((id) => {
          const set = found.get(id);
          return set ? [set] : [];
        });
        process.stdout.write(
          options.format === 'json' ? `${JSON.stringify(sets, null, 2)}\n` : priceSetTable(sets),
        );
        const missing = ids.filter((id) => !found.has(id));
        if (missing.length > 0) {
          process.stderr.write(`not stored: ${missing.join(', ')}\n`);
          process.exitCode = EXIT.finding;
        }
      });
    });
}
