import { readFileSync } from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startArmStandIn, type ArmStandIn, type StandInArmAccount } from '../../local/armStandIn.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { createServices, type Services } from '../../shared/app/services.js';
import { loadSettings } from '../../shared/config.js';
import { runInventoryRefresh } from '../../shared/inventory/runRefresh.js';
import { backfillDeps } from '../../shared/app/backfillDeps.js';
import { runBackfill } from '../../shared/pipeline/backfill.js';
import { ingestBatch } from '../../shared/pipeline/ingestBatch.js';
import type { UsageRecord } from '../../shared/pipeline/record.js';
import { toPriceDocs } from '../../shared/pricing/priceRows.js';
import type { RetailPriceItem } from '../../shared/pricing/types.js';
import { CosmosInventoryStore } from '../../shared/store/cosmosInventoryStore.js';

// Records of deployments the inventory did not know yet come out unpriced (no meter for the defaults,
// here `regional` in westeurope); once ARM lists them, `backfill` prices them with what ARM says.
// Prices: the real eastus gpt-4o 0806 items of samples/retail-prices-snapshot.json, per 1K tokens:
// Batch global input 0.00125, output 0.005.

const SUB = '5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c';
const APP = '11111111-1111-4111-8111-111111111111';
const model = { format: 'OpenAI', name: 'gpt-4o', version: '2024-08-06' };
const EAST: StandInArmAccount = {
  subscriptionId: SUB,
  resourceGroup: 'rg',
  name: 'aoai-east',
  kind: 'OpenAI',
  location: 'eastus',
  deployments: [],
};

let stack: LocalStack;
let arm: ArmStandIn;
let services: Services;

const event = (requestId: string, deployment: string) => ({
  schema: 'aoai-usage/2',
  requestId,
  eventTime: '2025-10-02T10:00:00.000Z',
  appId: APP,
  deployment,
  backend: 'https://aoai-east.openai.azure.com/',
  operation: 'chat.completion',
  model: 'gpt-4o-2024-08-06',
  usage: { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 },
});

async function record(id: string): Promise<UsageRecord | undefined> {
  const { resources } = await services.database
    .container('usage')
    .items.query<UsageRecord>({
      query: 'SELECT * FROM c WHERE c.id = @id',
      parameters: [{ name: '@id', value: id }],
    })
    .fetchAll();
  return resources[0];
}

beforeAll(async () => {
  [stack, arm] = await Promise.all([
    startLocalStack({ database: 'inventory-backfill' }),
    startArmStandIn({ accounts: [EAST] }),
  ]);
  const settings = loadSettings({
    ...stack.env,
    PRICE_REGION: 'westeurope',
    DEFAULT_DEPLOYMENT_TYPE: 'regional',
    INVENTORY_SUBSCRIPTIONS: SUB,
    ARM_ENDPOINT: arm.url,
    ARM_AUTH: 'none',
  });
  services = await createServices(settings, { trustedCa: stack.trustedCa });
  const snapshot = JSON.parse(
    readFileSync(new URL('../../samples/retail-prices-snapshot.json', import.meta.url), 'utf8'),
  ) as RetailPriceItem[];
  const at = new Date().toISOString();
  const { docs } = toPriceDocs(snapshot, 'USD', at);
  await services.prices.save(docs, {
    refreshedAt: at,
    currency: 'USD',
    serviceName: 'Foundry Models',
    items: docs.length,
  });
});

afterAll(async () => {
  await services.close();
  await Promise.all([stack.stop(), arm.close()]);
});

const refresh = () =>
  runInventoryRefresh({
    settings: services.settings,
    store: new CosmosInventoryStore(services.database.container('inventory')),
    dispatcher: services.retailDispatcher,
    log: () => undefined,
  });

describe('backfill once the inventory learns a deployment', () => {
  it('prices batch traffic with batch meters and turns PTU traffic provisioned', async () => {
    await refresh();
    services.pricing.invalidate();
    const ids = ['b1c2d3e4-0000-4000-8000-000000000001', 'b1c2d3e4-0000-4000-8000-000000000002'];
    const result = await ingestBatch(
      [event(ids[0] ?? '', 'nightly-batch'), event(ids[1] ?? '', 'ptu-chat')],
      [
        { kind: 'file', file: 'test', line: 1 },
        { kind: 'file', file: 'test', line: 2 },
      ],
      services.ingest,
      undefined,
    );
    expect(result.status).toBe('processed');
    const before = await record(ids[0] ?? '');
    expect(before).toMatchObject({
      costStatus: 'unpriced',
      unpricedReason: expect.stringContaining('regional westeurope') as unknown,
      resourceId: null,
      deploymentSource: 'default',
    });

    arm.setAccounts([
      {
        ...EAST,
        deployments: [
          { name: 'nightly-batch', sku: 'GlobalBatch', capacity: 100, model },
          { name: 'ptu-chat', sku: 'GlobalProvisionedManaged', capacity: 50, model },
        ],
      },
    ]);
    await refresh();
    const backfill = await runBackfill(backfillDeps(services));
    expect(backfill.prices).toMatchObject({ repriced: 2, stillUnpriced: 0 });

    const resourceId = `/subscriptions/${SUB}/resourcegroups/rg/providers/microsoft.cognitiveservices/accounts/aoai-east`;
    expect(await record(ids[0] ?? '')).toMatchObject({
      costStatus: 'priced',
      costNanos: 3_750_000,
      cost: 0.00375,
      deploymentType: 'global',
      region: 'eastus',
      sku: 'GlobalBatch',
      resourceId,
      deploymentSource: 'inventory',
      unpricedReason: null,
    });
    expect(await record(ids[1] ?? '')).toMatchObject({
      costStatus: 'provisioned',
      cost: null,
      costNanos: null,
      priceSetId: null,
      unpricedReason: null,
      sku: 'GlobalProvisionedManaged',
      resourceId,
    });
  });

  it('turns PTU traffic that the event fully keyed, and that was priced per token before ARM listed it, provisioned', async () => {
    arm.setAccounts([EAST]);
    await refresh();
    services.pricing.invalidate();
    const id = 'd1c2d3e4-0000-4000-8000-000000000001';
    // Every key part from the event itself: without an inventory this record would be settled for good.
    const keyed = { ...event(id, 'late-ptu'), deploymentType: 'global', region: 'eastus' };
    await ingestBatch([keyed], [{ kind: 'file', file: 'late', line: 1 }], services.ingest, undefined);
    expect(await record(id)).toMatchObject({ costStatus: 'priced', resourceId: null });

    arm.setAccounts([
      { ...EAST, deployments: [{ name: 'late-ptu', sku: 'GlobalProvisionedManaged', capacity: 50, model }] },
    ]);
    await refresh();
    await runBackfill(backfillDeps(services));
    expect(await record(id)).toMatchObject({
      costStatus: 'provisioned',
      cost: null,
      sku: 'GlobalProvisionedManaged',
      deploymentSource: 'inventory',
    });
  });

  it('prices each event with the SKU in force at its eventTime, across a mid-month move, to the nano-unit', async () => {
    const chat = { name: 'chat', sku: 'Standard', capacity: 10, model };
    arm.setAccounts([{ ...EAST, deployments: [chat] }]);
    await refresh();
    arm.setAccounts([
      { ...EAST, deployments: [{ ...chat, sku: 'GlobalStandard', lastModifiedAt: '2025-10-15T06:00:00Z' }] },
    ]);
    await refresh();
    services.pricing.invalidate();
    const ids = ['c1c2d3e4-0000-4000-8000-000000000001', 'c1c2d3e4-0000-4000-8000-000000000002'];
    // The v2 events claim `datazone`: ARM says otherwise, and ARM wins (counted in the summary).
    const at = (requestId: string, eventTime: string) => ({
      ...event(requestId, 'chat'),
      eventTime,
      deploymentType: 'datazone',
    });
    const result = await ingestBatch(
      [at(ids[0] ?? '', '2025-10-15T05:59:59.999Z'), at(ids[1] ?? '', '2025-10-15T06:00:00.000Z')],
      [
        { kind: 'file', file: 'moved', line: 1 },
        { kind: 'file', file: 'moved', line: 2 },
      ],
      services.ingest,
      undefined,
    );
    expect(result.status === 'processed' ? result.summary.pricing : undefined).toEqual({
      deploymentConflicts: 2,
    });
    // Standard (regional eastus): 1000 × 0.00275/1K + 500 × 0.011/1K; GlobalStandard: 0.0025 and 0.01.
    expect(await record(ids[0] ?? '')).toMatchObject({
      sku: 'Standard',
      deploymentType: 'regional',
      costNanos: 8_250_000,
    });
    expect(await record(ids[1] ?? '')).toMatchObject({
      sku: 'GlobalStandard',
      deploymentType: 'global',
      costNanos: 7_500_000,
    });
  });
});
