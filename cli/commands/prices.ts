import type { Command } from 'commander';

import { refreshPriceBook } from '../../shared/pricing/refreshPriceBook.js';
import { withServices } from '../context.js';

export function registerPrices(program: Command): void {
  const prices = program.command('prices').description('the price book');
  prices
    .command('refresh')
    .description('fetch the Azure OpenAI part of the Retail Prices catalog and store the price book')
    .action(async () => {
      await withServices(async (services) => {
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
            `not priced for standard requests: ${skipped || 'none'}\n`,
        );
      });
    });
}
