import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { allocate } from '../../../shared/invoice/allocate.js';
import { largestRemainder } from '../../../shared/invoice/largestRemainder.js';
import { roundMatrix, type ExactRow } from '../../../shared/invoice/matrixRounding.js';
import { joinKeys } from '../../../shared/invoice/reconcileKeys.js';
import { APP_A, APP_B, line, use } from '../../helpers/invoiceRows.js';

/** An exact fraction as [numerator, denominator], reduced only by sign. */
type Fraction = readonly [bigint, bigint];
const add = ([a, b]: Fraction, [c, d]: Fraction): Fraction => [a * d + c * b, b * d];
/** |x - n| < 1 for a fraction x and an integer n. */
const withinOne = ([a, b]: Fraction, n: bigint) => (n * b - a < 0n ? a - n * b : n * b - a) < b;
const floorOf = ([a, b]: Fraction) => (a % b !== 0n && a < 0n ? a / b - 1n : a / b);

const rowsArb = fc.array(
  fc.record({
    den: fc.bigInt({ min: 1n, max: 997n }),
    cells: fc.array(
      fc.record({
        column: fc.constantFrom('a', 'b', 'c', 'd'),
        num: fc.bigInt({ min: -5000n, max: 50_000n }),
      }),
      { minLength: 1, maxLength: 4 },
    ),
  }),
  { minLength: 1, maxLength: 7 },
);
// One cell per column in a row, as the allocation has it.
const distinct = (rows: ExactRow[]): ExactRow[] =>
  rows.map((r) => ({ ...r, cells: [...new Map(r.cells.map((c) => [c.column, c])).values()] }));

describe('roundMatrix', () => {
  it('rounds every cell down or up, keeps each row, each column and the total within one unit (property)', () => {
    fc.assert(
      fc.property(rowsArb, (raw) => {
        const rows = distinct(raw);
        const out = roundMatrix(rows);
        const columns = new Map<string, { exact: Fraction; rounded: bigint }>();
        let grand: Fraction = [0n, 1n];
        let total = 0n;
        rows.forEach((row, k) => {
          let rowExact: Fraction = [0n, 1n];
          let rowRounded = 0n;
          row.cells.forEach((cell, i) => {
            const value = out[k]?.[i] ?? 0n;
            const exact: Fraction = [cell.num, row.den];
            const floor = floorOf(exact);
            expect(value === floor || (value === floor + 1n && cell.num % row.den !== 0n)).toBe(true);
            rowExact = add(rowExact, exact);
            rowRounded += value;
            const c = columns.get(cell.column) ?? { exact: [0n, 1n] as Fraction, rounded: 0n };
            columns.set(cell.column, { exact: add(c.exact, exact), rounded: c.rounded + value });
          });
          expect(withinOne(rowExact, rowRounded)).toBe(true);
          // A row whose exact sum is whole keeps it exactly (a bill without finer digits).
          if (rowExact[0] % rowExact[1] === 0n) expect(rowRounded).toBe(rowExact[0] / rowExact[1]);
          grand = add(grand, rowExact);
          total += rowRounded;
        });
        for (const { exact, rounded } of columns.values()) expect(withinOne(exact, rounded)).toBe(true);
        // The total is the exact total rounded to the nearest unit (ties aside).
        const [a, b] = grand;
        const twice = 2n * (a - floorOf(grand) * b);
        if (twice !== b) expect(total).toBe(floorOf(grand) + (twice > b ? 1n : 0n));
      }),
      { numRuns: 500 },
    );
  });

  it('is deterministic', () => {
    const rows: ExactRow[] = [
      {
        den: 3n,
        cells: [
          { column: 'a', num: 5n },
          { column: 'b', num: 4n },
        ],
      },
      {
        den: 7n,
        cells: [
          { column: 'b', num: 30n },
          { column: 'a', num: 19n },
        ],
      },
    ];
    expect(roundMatrix(rows)).toEqual(roundMatrix(rows));
  });
});

describe('allocate over many keys', () => {
  it("keeps each app's month within one nano-unit, where rounding key by key drifts by one per key", () => {
    // 30 days of a 10-nano-unit key shared equally by three apps: 3⅓ each per day, 100 over the month.
    const third = '33333333-3333-4333-8333-333333333333';
    const days = Array.from({ length: 30 }, (_, d) => `2025-08-${String(d + 1).padStart(2, '0')}`);
    const views = joinKeys(
      days.map((day) => line({ day, quantity: '3', effectiveCostNanos: 10n })),
      days.flatMap((day) => [APP_A, APP_B, third].map((appId) => use({ day, appId, units: 1n }))),
    );
    const perApp = new Map<string, bigint>();
    for (const a of allocate(views, { unattributed: 'explicit', idle: 'explicit', ptuWeights: {} }))
      perApp.set(a.label, (perApp.get(a.label) ?? 0n) + a.amountNanos);
    // Largest remainder per key gives the first app 4 every day: 120, not 100.
    expect(largestRemainder(10n, [1n, 1n, 1n])).toEqual([4n, 3n, 3n]);
    expect([...perApp.values()].sort()).toEqual([100n, 100n, 100n]);
    // And every key still adds up to its bill exactly.
    const perDay = new Map<string, bigint>();
    for (const a of allocate(views, { unattributed: 'explicit', idle: 'explicit', ptuWeights: {} }))
      perDay.set(a.day, (perDay.get(a.day) ?? 0n) + a.amountNanos);
    expect([...perDay.values()].every((v) => v === 10n)).toBe(true);
  });

  it('rounds a bill with digits finer than a nano-unit once for the month, not once per key', () => {
    // 40 keys of 0.0000000016 each: 1.6 nano-units a key, 64 for the month. Rounding each key gives 80.
    const days = Array.from({ length: 20 }, (_, d) => `2025-08-${String(d + 1).padStart(2, '0')}`);
    const lines = days.flatMap((day) => [
      line({ day, effectiveCostNanos: 2n, effectiveCostAtto: 1_600_000_000n }),
      line({ day, meterId: 'other-meter', effectiveCostNanos: 2n, effectiveCostAtto: 1_600_000_000n }),
    ]);
    const views = joinKeys(lines, []);
    const total = allocate(views, { unattributed: 'explicit', idle: 'explicit', ptuWeights: {} }).reduce(
      (sum, a) => sum + a.amountNanos,
      0n,
    );
    expect(total).toBe(64n);
  });
});
