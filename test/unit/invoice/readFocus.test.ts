import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import type { FocusRecord } from '../../../shared/invoice/focusColumns.js';
import { parseFocusRow, unitBlock } from '../../../shared/invoice/focusRow.js';
import { localFile } from '../../../shared/invoice/localExports.js';
import { focusRow, METERS, resourceId, writeExportFile, type RowSpec } from '../../helpers/focusExport.js';

const dir = mkdtempSync(join(tmpdir(), 'focus-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const EAST = resourceId('aoai-east');
const SPECS: RowSpec[] = [
  { meter: METERS.gpt4oInput, resource: EAST, day: '2025-08-01', quantity: '1234567', discountPercent: 10 },
  { meter: METERS.gpt4oOutput, resource: EAST, day: '2025-08-01', quantity: '98765' },
  { meter: METERS.ptuGlobal, resource: EAST, day: '2025-08-01', quantity: '1200' },
  { meter: METERS.dalle3, resource: EAST, day: '2025-08-02', quantity: '7' },
  {
    meter: METERS.gpt4oInput,
    resource: EAST,
    day: '2025-08-02',
    quantity: '1',
    resourceType: 'microsoft.compute/virtualmachines',
  },
];

async function kept(path: string) {
  const out = [];
  for await (const record of localFile(path).rows()) out.push(parseFocusRow(record));
  return out;
}

describe('FOCUS readers', () => {
  it.each([
    ['1.2-preview', 'export.csv'],
    ['1.2-preview', 'export.csv.gz'],
    ['1.2-preview', 'part_0_0001.snappy.parquet'],
    ['1.0r2', 'export-1.0.csv'],
    ['1.0r2', 'export-1.0.parquet'],
  ] as const)('%s %s reads to the same rows', async (version, name) => {
    const path = join(dir, name);
    writeExportFile(
      path,
      SPECS.map((s) => focusRow(s, version)),
    );
    const outcomes = await kept(path);
    expect(outcomes.map((o) => o.kind)).toEqual(['kept', 'kept', 'kept', 'kept', 'skipped']);
    const rows = outcomes.flatMap((o) => (o.kind === 'kept' ? [o.row] : []));
    expect(rows.map((r) => [r.meterKind, r.day, r.quantityAtto / 10n ** 18n])).toEqual([
      ['tokens', '2025-08-01', 1234567n],
      ['tokens', '2025-08-01', 98765n],
      ['provisioned', '2025-08-01', 1200n],
      ['images', '2025-08-02', 7n],
    ]);
    // 1234.567 K × 0.0025 × 0.9 = 2.77777575: exact, whatever the file format.
    expect(rows[0]?.effectiveAtto).toBe(2_777_775_750_000_000_000n);
    expect(rows[0]?.resourceId).toBe(EAST.toLowerCase());
    expect(rows[0]?.billingPeriod).toBe('2025-08');
  });
});

describe('parseFocusRow', () => {
  const record = (spec: Partial<RowSpec>): FocusRecord =>
    focusRow({ meter: METERS.gpt4oInput, resource: EAST, day: '2025-08-03', quantity: '5000', ...spec });

  it('derives tokens from ConsumedQuantity and from PricingQuantity × x_PricingBlockSize', () => {
    const outcome = parseFocusRow(record({ quantity: '5000' }));
    expect(outcome.kind === 'kept' && outcome.row.quantityAtto).toBe(5000n * 10n ** 18n);
  });

  it('reports a row whose two quantities disagree instead of guessing', () => {
    const outcome = parseFocusRow(record({ quantity: '5000', pricingQuantity: '6' }));
    expect(outcome).toEqual({
      kind: 'rejected',
      reason:
        'quantities disagree: ConsumedQuantity 5000 Units = 5000 units, PricingQuantity 6 × x_PricingBlockSize 1000 = 6000 units',
    });
  });

  it('tolerates rounding under half a token', () => {
    expect(parseFocusRow(record({ quantity: '1234', pricingQuantity: '1.2344' })).kind).toBe('kept');
    expect(parseFocusRow(record({ quantity: '1234', pricingQuantity: '1.2335' })).kind).toBe('rejected');
  });

  it('keeps a correction on the day it corrects, in the month it was billed', () => {
    const outcome = parseFocusRow(
      record({ quantity: '-1000', correction: true, billingMonth: '2025-09', day: '2025-08-03' }),
    );
    expect(
      outcome.kind === 'kept' && [outcome.row.day, outcome.row.billingPeriod, outcome.row.correction],
    ).toEqual(['2025-08-03', '2025-09', true]);
  });

  it('reads block sizes from units', () => {
    expect([
      unitBlock('1K'),
      unitBlock('1M'),
      unitBlock('100'),
      unitBlock('Units'),
      unitBlock('1/Hour'),
    ]).toEqual([1000n, 1_000_000n, 100n, 1n, 1n]);
  });
});
