import { describe, expect, it } from 'vitest';

import { observedDeployment } from '../../../shared/inventory/armWire.js';
import { datedPeriods } from '../../../shared/inventory/datedPeriods.js';
import { observeDeployment } from '../../../shared/inventory/periods.js';
import type { ObservedDeployment } from '../../../shared/inventory/types.js';
import { SUB, testAccount, testDeployment, testPeriod } from '../../helpers/inventory.js';

const status = (lastGoodAt: string) => ({
  subscriptionId: SUB,
  lastGoodAt,
  lastAttemptAt: lastGoodAt,
  lastError: null,
});

describe('ARM’s creation time', () => {
  it('is read from systemData.createdAt', () => {
    const observed = observedDeployment({
      name: 'ptu',
      sku: { name: 'GlobalProvisionedManaged', capacity: 50 },
      systemData: { createdAt: '2026-11-19T10:15:40.1234567Z', lastModifiedAt: null },
    });
    expect(observed.createdAt).toBe('2026-11-19T10:15:40.123Z');
  });

  it('is kept as first seen, and filled in by a later refresh when it was missing', () => {
    const seen = (createdAt: string | null): ObservedDeployment => ({
      name: 'ptu',
      ...testPeriod({ sku: 'GlobalProvisionedManaged' }),
      lastModifiedAt: null,
      createdAt,
    });
    const before = observeDeployment(undefined, seen(null), '2026-11-19T11:00:00.000Z');
    expect(before.createdAt).toBeUndefined();
    const filled = observeDeployment(before, seen('2026-11-19T10:15:00.000Z'), '2026-11-19T12:00:00.000Z');
    expect(filled.createdAt).toBe('2026-11-19T10:15:00.000Z');
    // Deleted and created again under the same name: the history keeps its first creation.
    const again = observeDeployment(filled, seen('2026-11-25T00:00:00.000Z'), '2026-11-25T01:00:00.000Z');
    expect(again.createdAt).toBe('2026-11-19T10:15:00.000Z');
  });
});

describe('dated periods', () => {
  const ptu = testPeriod({ sku: 'GlobalProvisionedManaged', capacity: 50 });

  it('start at ARM’s creation time, not forever before, and run on while the deployment is listed', () => {
    const deployment = {
      ...testDeployment('ptu', [ptu]),
      firstSeenAt: '2026-11-19T11:00:00.000Z',
      lastSeenAt: '2026-11-20T11:00:00.000Z',
      createdAt: '2026-11-19T10:15:00.000Z',
    };
    const [period, ...rest] = datedPeriods({
      accounts: [testAccount('aoai-east', [deployment])],
      subscriptions: [status('2026-11-20T11:00:00.000Z')],
    });
    expect(rest).toEqual([]);
    expect(period).toMatchObject({
      resourceName: 'aoai-east',
      region: 'eastus',
      deployment: 'ptu',
      sku: 'GlobalProvisionedManaged',
      capacity: 50,
      from: '2026-11-19T10:15:00.000Z',
      to: null,
    });
  });

  it('start when the inventory first saw the deployment when ARM gives no creation time', () => {
    const deployment = { ...testDeployment('ptu', [ptu]), firstSeenAt: '2026-11-19T11:00:00.000Z' };
    const [period] = datedPeriods({ accounts: [testAccount('a', [deployment])], subscriptions: [] });
    expect(period?.from).toBe('2026-11-19T11:00:00.000Z');
  });

  it('change at each new period, and end at the last sighting once a complete refresh no longer lists it', () => {
    const deployment = {
      ...testDeployment('ptu', [ptu, { ...ptu, capacity: 100, from: '2026-11-20T06:00:00.000Z' }]),
      firstSeenAt: '2026-11-19T00:00:00.000Z',
      lastSeenAt: '2026-11-21T09:00:00.000Z',
      createdAt: '2026-11-19T00:00:00.000Z',
    };
    const periods = datedPeriods({
      accounts: [testAccount('a', [deployment])],
      subscriptions: [status('2026-11-21T10:00:00.000Z')],
    });
    expect(periods.map((p) => [p.capacity, p.from, p.to])).toEqual([
      [50, '2026-11-19T00:00:00.000Z', '2026-11-20T06:00:00.000Z'],
      [100, '2026-11-20T06:00:00.000Z', '2026-11-21T09:00:00.000Z'],
    ]);
    // While the last good refresh still saw it, it is deployed.
    const listed = datedPeriods({
      accounts: [testAccount('a', [deployment])],
      subscriptions: [status('2026-11-21T09:00:00.000Z')],
    });
    expect(listed.at(-1)?.to).toBeNull();
  });
});
