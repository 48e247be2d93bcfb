import { describe, expect, it } from 'vitest';

import type { ArmReading } from '../../../shared/inventory/armClient.js';
import { refreshInventory } from '../../../shared/inventory/refreshInventory.js';
import type { ObservedAccount } from '../../../shared/inventory/types.js';
import { SUB, testAccount } from '../../helpers/inventory.js';
import { MemoryInventoryStore } from '../../helpers/memoryInventoryStore.js';

const observed = (sku: string): ObservedAccount => ({
  ...testAccount('aoai-a', []),
  deployments: [
    {
      name: 'chat',
      sku,
      capacity: 10,
      modelFormat: 'OpenAI',
      modelName: 'gpt-4o',
      modelVersion: '2024-08-06',
      provisioningState: 'Succeeded',
      lastModifiedAt: null,
    },
  ],
});
const reading = (sku: string): ArmReading => ({ accounts: [observed(sku)], skippedAccounts: 0, requests: 2 });

describe('refreshInventory', () => {
  it('folds each reading into history and keeps the last good inventory when a reading fails', async () => {
    const store = new MemoryInventoryStore();
    let clock = Date.parse('2025-09-01T00:00:00.000Z');
    const now = () => new Date(clock);
    const first = await refreshInventory({
      subscriptions: [SUB],
      read: () => Promise.resolve(reading('Standard')),
      store,
      now,
    });
    expect(first).toEqual([
      { subscriptionId: SUB, ok: true, accounts: 1, deployments: 1, changed: 1, requests: 2 },
    ]);

    clock += 3_600_000;
    const failed = await refreshInventory({
      subscriptions: [SUB],
      read: () => Promise.reject(new Error('arm: deployments of aoai-a answered HTTP 500')),
      store,
      now,
    });
    expect(failed).toEqual([
      { subscriptionId: SUB, ok: false, error: 'arm: deployments of aoai-a answered HTTP 500' },
    ]);
    expect(store.accounts[0]?.deployments[0]?.periods).toHaveLength(1);
    expect(store.statuses.get(SUB)).toMatchObject({
      lastGoodAt: '2025-09-01T00:00:00.000Z',
      lastError: 'arm: deployments of aoai-a answered HTTP 500',
    });

    clock += 3_600_000;
    const moved = await refreshInventory({
      subscriptions: [SUB],
      read: () => Promise.resolve(reading('GlobalStandard')),
      store,
      now,
    });
    expect(moved[0]).toMatchObject({ ok: true, changed: 1 });
    expect(store.accounts[0]?.deployments[0]?.periods.map((p) => [p.from, p.sku])).toEqual([
      [null, 'Standard'],
      ['2025-09-01T02:00:00.000Z', 'GlobalStandard'],
    ]);
  });
});
