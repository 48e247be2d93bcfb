import Table from 'cli-table3';

import type { PriceSet } from '../cost/priceSet.js';

/** Pure: price sets as finance reads them, one row per meter, unit prices exactly as applied. */
export function priceSetTable(sets: readonly PriceSet[]): string {
  const table = new Table({
    style: { head: [], border: [] },
    head: [
      'price set',
      'kind',
      'meter id',
      'meter name',
      'unit price',
      'per tokens',
      'effective from',
      'override',
    ],
  });
  for (const set of sets) {
    for (const p of set.prices) {
      table.push([
        set.id,
        p.kind,
        p.meterId,
        p.meterName,
        `${p.unitPrice} ${set.currency}`,
        p.unitSize.toLocaleString('en-US'),
        p.effectiveStartDate.slice(0, 10),
        p.override ?? '',
      ]);
    }
  }
  return `${table.toString()}\n`;
}
