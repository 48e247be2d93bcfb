import { describe, expect, it } from 'vitest';

import type { CostResult } from '../../../shared/cost/types.js';
import { createInventoryPricing } from '../../../shared/inventory/inventoryPricing.js';
import { indexInventory } from '../../../shared/inventory/match.js';
import { PriceBook } from '../../../shared/pricing/priceBook.js';
import { toPriceDocs, toPriceRows } from '../../../shared/pricing/priceRows.js';
import { createPricer, type PricerSettings } from '../../../shared/pricing/pricer.js';
import type { RetailPriceItem } from '../../../shared/pricing/types.js';
import { readApiShape } from '../../helpers/apiShapes.js';
import { testAccount, testDeployment, testPeriod } from '../../helpers/inventory.js';
import { testUsage } from '../../helpers/usage.js';

// The real eastus catalog (2025-08). Its gpt-4.1 fine-tuned inference meters, per 1K tokens:
//   `gpt-4.1-ft input global` 0.002, `… cached input global` 0.0005, `… output global` 0.008
//   `gpt-4.1-dev-ft inpt glbl` 0.002, `… cchd inpt glbl` 0.0005, `… opt glbl` 0.008
// Same prices, different meters: the bill names the dev-ft meter ids, so the record must too.
const catalog = (
  readApiShape('retail_aoai_meter_catalog_eastus_2025-08_derived.json') as { items: RetailPriceItem[] }
).items.map((item) => ({ ...item, armRegionName: 'eastus', type: 'Consumption', currencyCode: 'USD' }));
const { docs } = toPriceDocs(catalog, 'USD', '2026-01-01T00:00:00.000Z');
const book = new PriceBook(toPriceRows(docs), 'USD', '2026-01-01T00:00:00.000Z');
const SETTINGS: PricerSettings = {
  currency: 'USD',
  deployments: {},
  defaultRegion: 'eastus',
  defaultDeploymentType: 'regional',
  overrides: undefined,
};
const FINE_TUNED = 'gpt-4.1-2025-04-14.ft-5d9c1e4a7b2f4c0e8a3d6b1f9e2c7a40';
const ft = { modelName: FINE_TUNED, modelVersion: '1' };
const account = testAccount('aoai-ft', [
  testDeployment('candidate', [testPeriod({ sku: 'DeveloperTier', ...ft })]),
  testDeployment('prod', [testPeriod({ sku: 'GlobalStandard', ...ft })]),
  testDeployment('odd', [testPeriod({ sku: 'DeveloperTier' })]),
]);
const pricer = createPricer(book, SETTINGS, createInventoryPricing(indexInventory([account]), SETTINGS));

const price = (deployment: string, model = FINE_TUNED) =>
  pricer.price(
    testUsage({
      model,
      deployment,
      backend: 'https://aoai-ft.openai.azure.com/',
      deploymentType: null,
      promptTokens: 1000,
      cachedTokens: 200,
      completionTokens: 500,
    }),
  );

function meterNames(cost: CostResult): string[] {
  if (cost.status !== 'priced') throw new Error(`expected priced, got ${JSON.stringify(cost)}`);
  return cost.priceSet.prices.map((p) => p.meterName);
}

describe('fine-tuned models on the Developer tier', () => {
  it('are priced at the -dev-ft meters, never the standard fine-tuned ones', () => {
    const { cost, deployment } = price('candidate');
    // 800 × 0.002 + 200 × 0.0005 + 500 × 0.008, per 1K = 0.0016 + 0.0001 + 0.004 = 0.0057
    expect(cost).toMatchObject({ status: 'priced', costNanos: 5_700_000 });
    expect(meterNames(cost)).toEqual([
      'gpt-4.1-dev-ft inpt glbl Tokens',
      'gpt-4.1-dev-ft cchd inpt glbl Tokens',
      'gpt-4.1-dev-ft opt glbl Tokens',
    ]);
    expect(deployment).toMatchObject({ sku: 'DeveloperTier', deploymentSource: 'inventory' });
  });

  it('an alias logged for the deployment takes the fine-tuned model from ARM', () => {
    expect(meterNames(price('candidate', 'my-candidate').cost)).toContain('gpt-4.1-dev-ft opt glbl Tokens');
  });

  it('the same model on GlobalStandard takes the standard fine-tuned meters', () => {
    expect(meterNames(price('prod').cost)).toEqual([
      'gpt-4.1-ft input global Tokens',
      'gpt-4.1-ft cached input global Tokens',
      'gpt-4.1-ft output global Tokens',
    ]);
  });

  it('a model that is not fine-tuned on the tier stays unpriced and says why', () => {
    expect(price('odd', 'gpt-4o-2024-08-06').cost).toEqual({
      status: 'unpriced',
      reason: 'DeveloperTier deployment odd serves "gpt-4o-2024-08-06", which is not a fine-tuned model',
    });
  });
});
