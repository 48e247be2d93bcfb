import { describe, expect, it } from 'vitest';

import { indexInventory } from '../../../shared/inventory/match.js';
import { createPricingPort } from '../../../shared/pricing/pricingPort.js';
import type { PricerSettings } from '../../../shared/pricing/pricer.js';
import { testAccount, testDeployment, testPeriod } from '../../helpers/inventory.js';
import { testUsage } from '../../helpers/usage.js';

const SETTINGS: PricerSettings = {
  currency: 'USD',
  deployments: {},
  defaultRegion: 'eastus',
  defaultDeploymentType: 'global',
  overrides: undefined,
};
const ptu = testUsage({ deployment: 'ptu', backend: 'aoai-east.openai.azure.com', promptTokens: 10 });
const index = indexInventory([
  testAccount('aoai-east', [testDeployment('ptu', [testPeriod({ sku: 'ProvisionedManaged' })])]),
]);

describe('the pricing port with the inventory on', () => {
  it('prices nothing per token while the inventory cannot be read, and keeps the last one it read', async () => {
    const logs: string[] = [];
    let fail = true;
    const port = createPricingPort({
      load: () => Promise.resolve(null),
      loadInventory: () => (fail ? Promise.reject(new Error('cosmos down')) : Promise.resolve(index)),
      settings: SETTINGS,
      log: (m) => logs.push(m),
    });
    expect((await port.current()).price(ptu).cost).toEqual({
      status: 'unpriced',
      reason: 'deployment inventory unavailable',
    });
    expect(logs).toEqual(['deployment inventory could not be read: cosmos down']);

    fail = false;
    port.invalidate();
    expect((await port.current()).price(ptu).cost).toEqual({ status: 'provisioned' });
    fail = true;
    port.invalidate();
    expect((await port.current()).price(ptu).cost).toEqual({ status: 'provisioned' });
  });
});
