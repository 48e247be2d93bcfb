import { app, type InvocationContext, type Timer } from '@azure/functions';

import { sharedServices } from '../shared/app/lazyServices.js';
import { refreshPriceBook } from '../shared/pricing/refreshPriceBook.js';

/** Timer → Retail Prices → `prices`. Ingest reads the book from Cosmos, never from the API. */
export async function refreshPrices(_timer: Timer, context: InvocationContext): Promise<void> {
  const services = await sharedServices();
  const result = await refreshPriceBook({
    url: services.settings.RETAIL_PRICES_URL,
    currency: services.settings.PRICE_CURRENCY,
    store: services.prices,
    dispatcher: services.retailDispatcher,
    log: (m) => {
      context.warn(m);
    },
  });
  services.pricing.invalidate();
  context.log(
    `price book: ${result.items} items from '${result.serviceName}', ${result.tokenMeters} token meters, ` +
      `${result.created} new price windows, ${result.capacityMeters} hourly capacity prices, ${result.requests} requests`,
  );
}

app.timer('refreshPrices', {
  schedule: '%PRICE_REFRESH_SCHEDULE%',
  runOnStartup: false,
  handler: refreshPrices,
});
