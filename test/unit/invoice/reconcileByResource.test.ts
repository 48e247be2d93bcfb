import { describe, expect, it } from 'vitest';

import { reconcileByResource } from '../../../shared/invoice/reconcileByResource.js';
import type { ReconcileRow } from '../../../shared/invoice/runReconcile.js';
import { reconcileTable } from '../../../shared/report/page/reconcileTable.js';

const row = (over: Partial<ReconcileRow>): ReconcileRow => ({
  day: '2026-11-19',
  resourceId: '/subscriptions/s/resourcegroups/rg/providers/microsoft.cognitiveservices/accounts/east',
  resourceName: 'east',
  meterId: 'm',
  meterName: 'meter',
  meterKind: 'tokens',
  classification: 'matched',
  billedUnits: 1000n,
  recordedUnits: 1000n,
  currency: 'USD',
  effectiveCostNanos: 2_000_000n,
  billedCostNanos: 2_500_000n,
  estimateNanos: 2_500_000n,
  priceBasis: 1000,
  effectiveUnitPriceNanos: null,
  retailUnitPriceNanos: null,
  corrections: 0,
  ...over,
});

describe('the reconciliation per resource', () => {
  it('counts each class and sums the money per resource, dearest bill first', () => {
    const west = { resourceId: 'w', resourceName: '<west>' };
    const out = reconcileByResource([
      row({}),
      row({ classification: 'unattributed usage', effectiveCostNanos: 7n }),
      row({ ...west, classification: 'no records', effectiveCostNanos: 9_000_000n, estimateNanos: 0n }),
    ]);
    expect(out.map((r) => [r.resourceName, r.keys, r.effectiveCostNanos, r.estimateNanos])).toEqual([
      ['<west>', 1, 9_000_000n, 0n],
      ['east', 2, 2_000_007n, 5_000_000n],
    ]);
    expect(out[1]?.byClass).toMatchObject({ matched: 1, 'unattributed usage': 1, 'no records': 0 });
    const html = reconcileTable(out, 'USD');
    expect(html).toContain('&lt;west&gt;');
    expect(html).not.toContain('<west>');
    expect(reconcileTable([], 'USD')).toContain('No imported bill');
  });
});
