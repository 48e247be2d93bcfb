import Table from 'cli-table3';

import { nanosToCents, nanosToDecimal } from '../cost/money.js';
import { csvDocument, csvNumber, type CsvCell } from '../report/csv.js';
import type { Reconciliation, ReconcileRow } from './runReconcile.js';

export type ReconcileFormat = 'table' | 'json' | 'csv';

const NUMERIC = new Set([
  'billedUnits',
  'recordedUnits',
  'effectiveCost',
  'billedCost',
  'estimatedCost',
  'effectiveUnitPrice',
  'retailUnitPrice',
]);

const dec = (nanos: bigint | null): string | null => (nanos === null ? null : nanosToDecimal(nanos));

function plain(row: ReconcileRow) {
  return {
    day: row.day,
    resourceId: row.resourceId,
    resourceName: row.resourceName,
    meterId: row.meterId,
    meterName: row.meterName,
    meterKind: row.meterKind,
    classification: row.classification,
    billedUnits: row.billedUnits.toString(),
    recordedUnits: row.recordedUnits.toString(),
    currency: row.currency,
    effectiveCost: dec(row.effectiveCostNanos),
    billedCost: dec(row.billedCostNanos),
    estimatedCost: dec(row.estimateNanos),
    priceBasis: row.priceBasis,
    effectiveUnitPrice: dec(row.effectiveUnitPriceNanos),
    retailUnitPrice: dec(row.retailUnitPriceNanos),
    corrections: row.corrections,
  };
}

/** Allocated amounts per label (app, unallocated, idle) over the whole range. */
function totals(result: Reconciliation): [string, bigint][] {
  const sums = new Map<string, bigint>();
  for (const a of result.allocations) sums.set(a.label, (sums.get(a.label) ?? 0n) + a.amountNanos);
  return [...sums].sort((a, b) => a[0].localeCompare(b[0]));
}

export function formatReconcile(result: Reconciliation, format: ReconcileFormat): string {
  if (format === 'json') {
    return `${JSON.stringify(
      {
        keys: result.rows.map(plain),
        allocations: result.allocations.map((a) => ({
          ...a,
          amount: nanosToDecimal(a.amountNanos),
          amountNanos: undefined,
        })),
        allMatched: result.allMatched,
      },
      null,
      2,
    )}\n`;
  }
  if (format === 'csv') {
    // Through the one CSV writer: names from the bill are text cells (neutralised), amounts stay numbers.
    const columns = Object.keys(plain(emptyRow())) as (keyof ReturnType<typeof plain>)[];
    const cell = (value: string | number | null, column: string): CsvCell =>
      typeof value === 'string' && NUMERIC.has(column) ? csvNumber(value) : value;
    return csvDocument(
      columns,
      result.rows.map((row) => {
        const p = plain(row);
        return columns.map((c) => cell(p[c], c));
      }),
    );
  }
  const table = new Table({
    head: [
      'day',
      'resource',
      'meter',
      'class',
      'billed units',
      'recorded',
      'effective',
      'billed',
      'estimate',
      'eff. price',
      'retail',
    ],
  });
  for (const r of result.rows) {
    table.push([
      r.day,
      r.resourceName,
      r.meterName || r.meterId,
      r.classification,
      r.billedUnits.toString(),
      r.recordedUnits.toString(),
      nanosToCents(r.effectiveCostNanos),
      nanosToCents(r.billedCostNanos),
      nanosToCents(r.estimateNanos),
      priceText(r.effectiveUnitPriceNanos, r.priceBasis),
      priceText(r.retailUnitPriceNanos, r.priceBasis),
    ]);
  }
  const allocation = new Table({ head: ['charged to', 'amount'] });
  for (const [label, nanos] of totals(result)) allocation.push([label, nanosToDecimal(nanos)]);
  return `${table.toString()}\n${allocation.toString()}\n`;
}

function priceText(nanos: bigint | null, basis: number): string {
  return nanos === null ? '' : `${nanosToDecimal(nanos)}${basis === 1000 ? '/1K' : ''}`;
}

function emptyRow(): ReconcileRow {
  return {
    day: '',
    resourceId: '',
    resourceName: '',
    meterId: '',
    meterName: '',
    meterKind: '',
    classification: 'matched',
    billedUnits: 0n,
    recordedUnits: 0n,
    currency: '',
    effectiveCostNanos: 0n,
    billedCostNanos: 0n,
    estimateNanos: 0n,
    priceBasis: 1,
    effectiveUnitPriceNanos: null,
    retailUnitPriceNanos: null,
    corrections: 0,
  };
}
