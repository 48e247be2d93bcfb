import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { createInventoryPricing } from '../../../shared/inventory/inventoryPricing.js';
import { indexInventory } from '../../../shared/inventory/match.js';
import type { InventoryAccount } from '../../../shared/inventory/types.js';
import { buildRecord } from '../../../shared/pipeline/buildRecord.js';
import { PriceBook } from '../../../shared/pricing/priceBook.js';
import { toPriceDocs, toPriceRows } from '../../../shared/pricing/priceRows.js';
import { createPricer, type PricerSettings } from '../../../shared/pricing/pricer.js';
import type { RetailPriceItem } from '../../../shared/pricing/types.js';
import type { AppIdentity } from '../../../shared/identity/types.js';
import { testAccount, testDeployment, testPeriod } from '../../helpers/inventory.js';
import { testUsage } from '../../helpers/usage.js';

// Real eastus gpt-4o 0806 items of samples/retail-prices-snapshot.json (per 1K tokens): global input
// 0.0025, output 0.01; regional input 0.00275, output 0.011; Batch global input 0.00125, output 0.005.
const snapshot = JSON.parse(
  readFileSync(new URL('../../../samples/retail-prices-snapshot.json', import.meta.url), 'utf8'),
) as RetailPriceItem[];
const { docs } = toPriceDocs(snapshot, 'USD', '2026-01-01T00:00:00.000Z');
const book = new PriceBook(toPriceRows(docs), 'USD', '2026-01-01T00:00:00.000Z');
const SETTINGS: PricerSettings = {
  currency: 'USD',
  deployments: {},
  defaultRegion: 'eastus',
  defaultDeploymentType: 'global',
  overrides: undefined,
};
const IDENTITY: AppIdentity = {
  status: 'resolved',
  displayName: 'app',
  businessUnit: null,
  servicePrincipalType: null,
};

const MOVED_AT = '2025-09-15T08:30:00.000Z';
const account: InventoryAccount = testAccount('aoai-east', [
  testDeployment('chat', [
    testPeriod({ sku: 'Standard' }),
    testPeriod({ sku: 'GlobalStandard', from: MOVED_AT }),
  ]),
  testDeployment('ptu', [testPeriod({ sku: 'ProvisionedManaged' })]),
  testDeployment('batch', [testPeriod({ sku: 'GlobalBatch' })]),
  testDeployment('dz', [testPeriod({ sku: 'DataZoneStandard' })]),
  testDeployment('future', [testPeriod({ sku: 'ProvisionedManagedSpillover' })]),
  testDeployment('alias', [
    testPeriod({ sku: 'GlobalStandard', modelName: 'gpt-4o', modelVersion: '2024-08-06' }),
  ]),
]);
const other = testAccount('aoai-west', [testDeployment('dz')], { location: 'westus' });

function pricerWithInventory(log: (m: string) => void = () => undefined) {
  const inventory = createInventoryPricing(indexInventory([account, other]), SETTINGS, log);
  return createPricer(book, SETTINGS, inventory);
}
const tokens = { promptTokens: 1000, completionTokens: 500 };
const record = (fields: Parameters<typeof testUsage>[0], pricer = pricerWithInventory()) =>
  buildRecord(
    testUsage({ ...tokens, backend: 'https://aoai-east.openai.azure.com/', ...fields }),
    IDENTITY,
    pricer,
  ).record;

describe('pricing with the deployment inventory', () => {
  it('prices each event with the SKU in force at its eventTime, to the nano-unit', () => {
    const before = record({ deployment: 'chat', eventTime: '2025-09-15T08:29:59.999Z' });
    const at = record({ deployment: 'chat', eventTime: MOVED_AT });
    expect([before.deploymentType, before.sku, before.costNanos]).toEqual([
      'regional',
      'Standard',
      8_250_000,
    ]);
    expect([at.deploymentType, at.sku, at.costNanos]).toEqual(['global', 'GlobalStandard', 7_500_000]);
    expect(at).toMatchObject({
      resourceId: account.id,
      deploymentSource: 'inventory',
      region: 'eastus',
      costStatus: 'priced',
    });
  });

  it('never prices a provisioned deployment per token, though the book has its meters', () => {
    const ptu = record({ deployment: 'ptu', deploymentType: 'regional' });
    expect(ptu).toMatchObject({
      costStatus: 'provisioned',
      cost: null,
      costNanos: null,
      priceSetId: null,
      unpricedReason: null,
      sku: 'ProvisionedManaged',
    });
  });

  it('prices a batch deployment with the batch meters (half the global rate)', () => {
    const batch = buildRecord(
      testUsage({ ...tokens, backend: 'aoai-east.openai.azure.com', deployment: 'batch' }),
      IDENTITY,
      pricerWithInventory(),
    );
    expect(batch.record).toMatchObject({
      costStatus: 'priced',
      costNanos: 3_750_000,
      deploymentType: 'global',
    });
    expect(batch.priceSet?.prices.map((p) => p.meterName)).toEqual([
      'gpt-4o-0806-Batch-Inp-glbl Tokens',
      'gpt-4o-0806-Batch-Outp-glbl Tokens',
    ]);
  });

  it('counts and logs once per deployment an event deploymentType that ARM contradicts; ARM wins', () => {
    const logs: string[] = [];
    const pricer = pricerWithInventory((m) => logs.push(m));
    for (let i = 0; i < 3; i++)
      expect(record({ deployment: 'dz', deploymentType: 'global' }, pricer).deploymentType).toBe('datazone');
    expect(
      record(
        { deployment: 'chat', deploymentType: 'regional', eventTime: '2025-09-01T00:00:00.000Z' },
        pricer,
      ).deploymentType,
    ).toBe('regional');
    expect(pricer.takeStats?.()).toEqual({ deploymentConflicts: 3 });
    expect(pricer.takeStats?.()).toEqual({});
    expect(logs).toEqual([
      'deployment aoai-east/dz: events say deploymentType "global", ARM says DataZoneStandard (datazone); priced as datazone',
    ]);
  });

  it('leaves an unknown SKU unpriced and names it', () => {
    expect(record({ deployment: 'future' })).toMatchObject({
      costStatus: 'unpriced',
      unpricedReason:
        'unknown deployment SKU "ProvisionedManagedSpillover" in the inventory; add it to the SKU table',
      sku: 'ProvisionedManagedSpillover',
      resourceId: account.id,
    });
  });

  it('takes the model family from ARM for an alias and the version from the event first', () => {
    expect(record({ deployment: 'alias', model: 'prod-chat' })).toMatchObject({ costNanos: 7_500_000 });
  });

  it("falls back to today's rules when the match is ambiguous, saying which rule decided", () => {
    const v1 = record({ deployment: 'dz', backend: null, schema: 'v1' });
    expect(v1).toMatchObject({
      resourceId: null,
      sku: null,
      deploymentSource: 'default',
      deploymentType: 'global',
    });
    expect(record({ deployment: 'dz', backend: null, deploymentType: 'regional' })).toMatchObject({
      deploymentSource: 'event',
      deploymentType: 'regional',
    });
  });

  it('without the inventory builds exactly the records of today, with no new fields', () => {
    const today = buildRecord(
      testUsage({ ...tokens, deployment: 'ptu' }),
      IDENTITY,
      createPricer(book, SETTINGS),
    ).record;
    expect(today).toMatchObject({ costStatus: 'priced', costNanos: 7_500_000, deploymentType: 'global' });
    expect(Object.keys(today)).not.toContain('resourceId');
    expect(Object.keys(today)).not.toContain('sku');
    expect(Object.keys(today)).not.toContain('deploymentSource');
  });
});
