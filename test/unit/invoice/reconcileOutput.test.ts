import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';

import { formatReconcile } from '../../../shared/invoice/formatReconcile.js';
import { LineAccumulator } from '../../../shared/invoice/invoiceLine.js';
import { parseFocusRow } from '../../../shared/invoice/focusRow.js';
import { reconcile } from '../../../shared/invoice/runReconcile.js';
import type { UsageRow } from '../../../shared/invoice/usagePort.js';
import { focusRow, METERS, resourceId } from '../../helpers/focusExport.js';

const EAST = resourceId('aoai-east').toLowerCase();
const APP = '11111111-1111-4111-8111-111111111111';

function lines(discountPercent: number) {
  const acc = new LineAccumulator();
  const outcome = parseFocusRow(
    focusRow({
      meter: METERS.gpt4oInput,
      resource: EAST,
      day: '2025-08-05',
      quantity: '2000000',
      discountPercent,
    }),
  );
  if (outcome.kind !== 'kept') throw new Error(outcome.reason);
  acc.add(outcome.row);
  return acc.lines();
}

const usage: UsageRow[] = [
  {
    resourceId: EAST,
    day: '2025-08-05',
    appId: APP,
    basis: 'meter',
    meterId: METERS.gpt4oInput.meterId,
    modelFamily: 'gpt-4o',
    tokenKind: 'input',
    units: 2_000_000n,
    estimateNanos: 5_000_000_000n,
  },
];
const OPTIONS = { tolerancePercent: 1, unattributed: 'explicit', idle: 'explicit', ptuWeights: {} } as const;

describe('reconcile output', () => {
  it('is all matched at list price, and shows the effective against the retail unit price', () => {
    const result = reconcile(lines(0), usage, OPTIONS);
    expect(result.allMatched).toBe(true);
    const [row] = parse<Record<string, string>>(formatReconcile(result, 'csv'), { columns: true });
    expect(row).toMatchObject({
      classification: 'matched',
      billedUnits: '2000000',
      recordedUnits: '2000000',
      effectiveCost: '5.000000000',
      estimatedCost: '5.000000000',
      effectiveUnitPrice: '0.002500000',
      retailUnitPrice: '0.002500000',
      priceBasis: '1000',
    });
  });

  it('flags a negotiated price as a price variance and still allocates the bill exactly', () => {
    const result = reconcile(lines(12.5), usage, OPTIONS);
    expect(result.allMatched).toBe(false);
    const json = JSON.parse(formatReconcile(result, 'json')) as {
      keys: { classification: string; effectiveUnitPrice: string }[];
      allocations: { appId: string; amount: string }[];
    };
    expect(json.keys[0]).toMatchObject({
      classification: 'price variance',
      effectiveUnitPrice: '0.002187500',
    });
    expect(json.allocations).toEqual([expect.objectContaining({ appId: APP, amount: '4.375000000' })]);
    expect(formatReconcile(result, 'table')).toMatch(
      /price variance[\s\S]*11111111-1111-4111-8111-111111111111/,
    );
  });
});
