import { describe, expect, it } from 'vitest';

import { observeAccount, observeDeployment, periodAt } from '../../../shared/inventory/periods.js';
import type { ObservedDeployment } from '../../../shared/inventory/types.js';
import { testAccount } from '../../helpers/inventory.js';

const seen = (fields: Partial<ObservedDeployment> = {}): ObservedDeployment => ({
  name: 'chat',
  sku: 'Standard',
  capacity: 10,
  modelFormat: 'OpenAI',
  modelName: 'gpt-4o',
  modelVersion: '2024-08-06',
  provisioningState: 'Succeeded',
  lastModifiedAt: null,
  ...fields,
});

describe('effective-dated deployment periods', () => {
  const first = observeDeployment(undefined, seen(), '2025-09-01T00:00:00.000Z');

  it('lets the first state seen cover the time before the first refresh', () => {
    expect(first.periods).toHaveLength(1);
    expect(first.periods[0]?.from).toBeNull();
    expect(periodAt(first, '2020-01-01T00:00:00.000Z')?.sku).toBe('Standard');
  });

  it('keeps one period while nothing changes', () => {
    const again = observeDeployment(
      first,
      seen({ lastModifiedAt: '2025-09-01T12:00:00.000Z' }),
      '2025-09-02T00:00:00.000Z',
    );
    expect(again.periods).toHaveLength(1);
    expect(again.lastSeenAt).toBe('2025-09-02T00:00:00.000Z');
  });

  it('dates a change from lastModifiedAt, the boundary second belonging to the new period', () => {
    const moved = observeDeployment(
      first,
      seen({ sku: 'GlobalStandard', lastModifiedAt: '2025-09-15T08:30:00.1234567Z' }),
      '2025-09-15T09:00:00.000Z',
    );
    expect(moved.periods.map((p) => [p.from, p.sku])).toEqual([
      [null, 'Standard'],
      ['2025-09-15T08:30:00.123Z', 'GlobalStandard'],
    ]);
    expect(periodAt(moved, '2025-09-15T08:30:00.122Z')?.sku).toBe('Standard');
    expect(periodAt(moved, '2025-09-15T08:30:00.123Z')?.sku).toBe('GlobalStandard');
  });

  it('dates a change from when it was first seen when ARM gives no usable lastModifiedAt', () => {
    const noDate = observeDeployment(first, seen({ modelVersion: '2024-11-20' }), '2025-09-20T10:00:00.000Z');
    expect(noDate.periods[1]?.from).toBe('2025-09-20T10:00:00.000Z');
    expect(periodAt(noDate, '2025-09-20T09:59:59.999Z')?.modelVersion).toBe('2024-08-06');
    expect(periodAt(noDate, '2025-09-20T10:00:00.000Z')?.modelVersion).toBe('2024-11-20');
    // One in the future of the observation is a clock error.
    const future = observeDeployment(
      first,
      seen({ modelVersion: '2024-11-20', lastModifiedAt: '2025-09-21T00:00:00.000Z' }),
      '2025-09-20T10:00:00.000Z',
    );
    expect(future.periods[1]?.from).toBe('2025-09-20T10:00:00.000Z');
    // One at or before the start of the period it would end cannot be this change.
    const stale = observeDeployment(
      noDate,
      seen({ modelVersion: '2025-01-01', lastModifiedAt: '2025-09-20T10:00:00.000Z' }),
      '2025-09-25T00:00:00.000Z',
    );
    expect(stale.periods.map((p) => p.from)).toEqual([
      null,
      '2025-09-20T10:00:00.000Z',
      '2025-09-25T00:00:00.000Z',
    ]);
  });

  it('trusts a lastModifiedAt before the first refresh: the first state only stood for the unknown past', () => {
    const moved = observeDeployment(
      first,
      seen({ sku: 'GlobalStandard', lastModifiedAt: '2025-08-15T06:00:00Z' }),
      '2025-09-01T01:00:00.000Z',
    );
    expect(moved.periods.map((p) => [p.from, p.sku])).toEqual([
      [null, 'Standard'],
      ['2025-08-15T06:00:00.000Z', 'GlobalStandard'],
    ]);
  });

  it('merges an account: new deployments join, vanished ones keep their history', () => {
    const before = observeAccount(
      undefined,
      { ...testAccount('aoai-a', []), deployments: [seen(), seen({ name: 'old' })] },
      '2025-09-01T00:00:00.000Z',
    );
    const after = observeAccount(
      before,
      { ...testAccount('aoai-a', []), deployments: [seen({ capacity: 20 }), seen({ name: 'new' })] },
      '2025-09-02T00:00:00.000Z',
    );
    expect(after.deployments.map((d) => d.name)).toEqual(['chat', 'new', 'old']);
    expect(after.deployments[0]?.periods.map((p) => p.capacity)).toEqual([10, 20]);
    expect(after.deployments[2]?.lastSeenAt).toBe('2025-09-01T00:00:00.000Z');
  });
});
