import { randomUUID } from 'node:crypto';

import type { Database } from '@azure/cosmos';
import { Agent } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { startArmStandIn, type ArmStandIn, type StandInArmAccount } from '../../local/armStandIn.js';
import { startCosmosStandIn, type LocalCosmos } from '../../local/cosmosStandIn.js';
import { readSubscription, type ArmClientOptions } from '../../shared/inventory/armClient.js';
import { refreshInventory } from '../../shared/inventory/refreshInventory.js';
import { openDatabase } from '../../shared/store/cosmosClient.js';
import { CosmosInventoryStore } from '../../shared/store/cosmosInventoryStore.js';

const SUB = '6a1f3c2e-8d4b-4e5f-9a7c-0b1d2e3f4a5b';
const model = (name: string, version: string) => ({ format: 'OpenAI', name, version });

const ACCOUNTS: StandInArmAccount[] = [
  {
    subscriptionId: SUB,
    resourceGroup: 'rg-ai',
    name: 'aoai-east',
    kind: 'OpenAI',
    location: 'eastus',
    customSubDomainName: 'contoso-east',
    deployments: [
      { name: 'chat', sku: 'Standard', capacity: 30, model: model('gpt-4o', '2024-08-06') },
      { name: 'ptu', sku: 'ProvisionedManaged', capacity: 50, model: model('gpt-4o', '2024-08-06') },
      { name: 'batch', sku: 'GlobalBatch', capacity: 100, model: model('gpt-4o-mini', '2024-07-18') },
    ],
  },
  {
    subscriptionId: SUB,
    resourceGroup: 'rg-ai',
    name: 'speech',
    kind: 'SpeechServices',
    location: 'eastus',
    deployments: [],
  },
  {
    subscriptionId: SUB,
    resourceGroup: 'rg-hub',
    name: 'hub-west',
    kind: 'AIServices',
    location: 'westus',
    deployments: [
      { name: 'mini', sku: 'DataZoneStandard', capacity: 10, model: model('gpt-4o-mini', '2024-07-18') },
    ],
  },
];

let arm: ArmStandIn;
let cosmos: LocalCosmos;
let database: Database;
let dispatcher: Agent;
let logs: string[];

const client = (extra: Partial<ArmClientOptions> = {}): ArmClientOptions => ({
  endpoint: arm.url,
  dispatcher,
  baseDelayMs: 5,
  log: (m) => logs.push(m),
  ...extra,
});

beforeAll(async () => {
  [arm, cosmos] = await Promise.all([
    startArmStandIn({ accounts: ACCOUNTS, pageSize: 2 }),
    startCosmosStandIn(),
  ]);
  dispatcher = new Agent({ connect: { ca: arm.cert } });
  const { Agent: HttpsAgent } = await import('node:https');
  database = await openDatabase(
    {
      endpoint: cosmos.endpoint,
      key: cosmos.key,
      database: `inv-${randomUUID()}`,
      agent: new HttpsAgent({ ca: cosmos.cert }),
    },
    ['inventory'],
  );
});

afterAll(async () => {
  database.client.dispose();
  await dispatcher.close();
  await Promise.all([arm.close(), cosmos.close()]);
});

beforeEach(() => {
  logs = [];
  arm.requests.length = 0;
  arm.setAccounts(ACCOUNTS);
  arm.requireToken(false);
});

describe('reading the inventory from the ARM stand-in', () => {
  it('follows nextLink through accounts and deployments and keeps only OpenAI and AIServices accounts', async () => {
    const reading = await readSubscription(SUB, client());
    expect(reading.skippedAccounts).toBe(1);
    expect(reading.accounts.map((a) => [a.name, a.kind, a.location, a.customSubDomain])).toEqual([
      ['aoai-east', 'OpenAI', 'eastus', 'contoso-east'],
      ['hub-west', 'AIServices', 'westus', null],
    ]);
    expect(reading.accounts[0]?.id).toBe(
      `/subscriptions/${SUB}/resourcegroups/rg-ai/providers/microsoft.cognitiveservices/accounts/aoai-east`,
    );
    expect(reading.accounts[0]?.hosts).toEqual(['contoso-east.openai.azure.com']);
    expect(reading.accounts[0]?.deployments.map((d) => [d.name, d.sku, d.capacity, d.modelVersion])).toEqual([
      ['chat', 'Standard', 30, '2024-08-06'],
      ['ptu', 'ProvisionedManaged', 50, '2024-08-06'],
      ['batch', 'GlobalBatch', 100, '2024-07-18'],
    ]);
    // Accounts: 3 items in pages of 2; aoai-east's deployments: 3 in 2 pages; hub-west's: 1 page.
    expect(reading.requests).toBe(5);
    expect(
      arm.requests.filter((r) => r.url.includes('%24skipToken=2') || r.url.includes('$skipToken=2')),
    ).toHaveLength(2);
  });

  it('waits out one 429 with its Retry-After and goes on', async () => {
    arm.throttleOnce(1);
    const reading = await readSubscription(SUB, client());
    expect(reading.accounts).toHaveLength(2);
    expect(reading.requests).toBe(6);
    expect(logs.some((m) => m.startsWith('ARM: HTTP 429'))).toBe(true);
  });

  it('gives up when a Retry-After would pass the retry budget, without waiting it out', async () => {
    arm.throttleOnce(30);
    await expect(readSubscription(SUB, client({ waitBudgetMs: 1000 }))).rejects.toThrow(
      /arm: gave up on .* waiting \d+ ms more would pass the 1000 ms retry budget; last failure: HTTP 429/,
    );
  });

  it('sends the bearer token, and without one explains the 401 and the Reader role', async () => {
    arm.requireToken(true);
    await expect(readSubscription(SUB, client())).rejects.toThrow(
      new RegExp(
        `answered 401 \\(AuthenticationFailed\\): no valid token.*needs Reader on subscription ${SUB}`,
      ),
    );
    const reading = await readSubscription(SUB, client({ token: () => Promise.resolve('test-token') }));
    expect(reading.accounts).toHaveLength(2);
    expect(arm.requests.at(-1)?.authorization).toBe('Bearer test-token');
  });

  it('names the missing Reader role on a 403', async () => {
    arm.failPath(`/subscriptions/${SUB}/resourceGroups/rg-hub`, 403);
    try {
      await expect(readSubscription(SUB, client())).rejects.toThrow(
        new RegExp(
          `answered 403 \\(AuthorizationFailed\\): the identity lacks the role Reader on subscription ${SUB}`,
        ),
      );
    } finally {
      arm.failPath(`/subscriptions/${SUB}/resourceGroups/rg-hub`, undefined);
    }
  });

  it('keeps the last good inventory in Cosmos when one account fails, and records the change once it reads again', async () => {
    const store = new CosmosInventoryStore(database.container('inventory'));
    let clock = Date.parse('2025-10-01T00:00:00.000Z');
    const refresh = () =>
      refreshInventory({
        subscriptions: [SUB],
        read: (id) => readSubscription(id, client({ maxAttempts: 2 })),
        store,
        now: () => new Date(clock),
      });
    expect(await refresh()).toMatchObject([{ ok: true, accounts: 2, deployments: 4, changed: 4 }]);
    expect(await refresh()).toMatchObject([{ ok: true, changed: 0 }]);

    const moved = ACCOUNTS.map((a) =>
      a.name === 'aoai-east'
        ? {
            ...a,
            deployments: a.deployments.map((d) =>
              d.name === 'chat' ? { ...d, sku: 'GlobalStandard', lastModifiedAt: '2025-10-15T06:00:00Z' } : d,
            ),
          }
        : a,
    );
    arm.setAccounts(moved);
    arm.failPath(
      `/subscriptions/${SUB}/resourceGroups/rg-hub/providers/Microsoft.CognitiveServices/accounts/hub-west/deployments`,
      500,
    );
    clock = Date.parse('2025-10-15T07:00:00.000Z');
    try {
      const [failed] = await refresh();
      expect(failed).toMatchObject({ ok: false, error: expect.stringContaining('HTTP 500') as unknown });
    } finally {
      arm.failPath(
        `/subscriptions/${SUB}/resourceGroups/rg-hub/providers/Microsoft.CognitiveServices/accounts/hub-west/deployments`,
        undefined,
      );
    }
    const kept = await store.load();
    const chat = () =>
      kept.accounts.find((a) => a.name === 'aoai-east')?.deployments.find((d) => d.name === 'chat');
    expect(chat()?.periods.map((p) => p.sku)).toEqual(['Standard']);
    expect(kept.subscriptions).toEqual([
      {
        subscriptionId: SUB,
        lastGoodAt: '2025-10-01T00:00:00.000Z',
        lastAttemptAt: '2025-10-15T07:00:00.000Z',
        lastError: expect.stringContaining('HTTP 500') as unknown,
      },
    ]);

    clock = Date.parse('2025-10-15T08:00:00.000Z');
    expect(await refresh()).toMatchObject([{ ok: true, changed: 1 }]);
    const after = await store.load();
    const chatAfter = after.accounts
      .find((a) => a.name === 'aoai-east')
      ?.deployments.find((d) => d.name === 'chat');
    expect(chatAfter?.periods.map((p) => [p.from, p.sku])).toEqual([
      [null, 'Standard'],
      ['2025-10-15T06:00:00.000Z', 'GlobalStandard'],
    ]);
    expect(after.subscriptions[0]?.lastError).toBeNull();
  });
});
