import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { allocate, type AllocationOptions } from '../../../shared/invoice/allocate.js';
import { classify } from '../../../shared/invoice/classify.js';
import { largestRemainder } from '../../../shared/invoice/largestRemainder.js';
import { joinKeys } from '../../../shared/invoice/reconcileKeys.js';
import type { InvoiceLine } from '../../../shared/invoice/invoiceLine.js';
import type { UsageRow } from '../../../shared/invoice/usagePort.js';
import { APP_A, APP_B, INPUT, line, PTU, use } from '../../helpers/invoiceRows.js';

// Real Retail meter (test/fixtures/api-shapes/retail_aoai_meter_catalog_eastus_2025-08_derived.json).
const FT = { meterId: '59f32370-857e-5bec-ab64-6192cc28c77e', meterName: 'gpt-4.1-ft hosting global Unit' };

const OPTIONS: AllocationOptions = { unattributed: 'explicit', idle: 'explicit', ptuWeights: {} };
const one = (lines: InvoiceLine[], usage: UsageRow[]) => {
  const [view] = joinKeys(lines, usage);
  if (view === undefined) throw new Error('no key');
  return view;
};

describe('largestRemainder', () => {
  it('gives the leftover units to the largest remainders', () => {
    expect(largestRemainder(10n, [1n, 1n, 1n])).toEqual([4n, 3n, 3n]);
    expect(largestRemainder(-10n, [1n, 1n, 1n])).toEqual([-4n, -3n, -3n]);
    expect(largestRemainder(100n, [1n, 2n])).toEqual([33n, 67n]);
  });

  it('adds up exactly to the amount for any split (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 12n }), { minLength: 1, maxLength: 40 }),
        (amount, weights) => {
          fc.pre(weights.some((w) => w > 0n));
          const shares = largestRemainder(amount, weights);
          expect(shares.reduce((a, b) => a + b, 0n)).toBe(amount);
          const total = weights.reduce((a, b) => a + b, 0n);
          shares.forEach((share, i) => {
            // every share is within one nano-unit of its exact quota
            const exact = amount * (weights[i] ?? 0n);
            const gap = share * total - exact;
            expect(gap < 0n ? -gap : gap).toBeLessThan(total);
          });
        },
      ),
    );
  });
});

describe('allocate', () => {
  it('adds up to every billed key exactly for any split of usage (property)', () => {
    const apps = fc.constantFrom(APP_A, APP_B, '33333333-3333-4333-8333-333333333333');
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 13n }),
        fc.bigInt({ min: 0n, max: 10n ** 9n }),
        fc.array(fc.record({ appId: apps, units: fc.bigInt({ min: 0n, max: 10n ** 9n }) }), { maxLength: 8 }),
        fc.constantFrom<AllocationOptions['unattributed']>('explicit', 'proportional'),
        fc.constantFrom<'tokens' | 'provisioned'>('tokens', 'provisioned'),
        fc.integer({ min: 0, max: 0xffffff }),
        (cost, billedUnits, usage, policy, kind, mask) => {
          const meter = kind === 'tokens' ? INPUT : PTU;
          const view = one(
            [line({ ...meter, meterKind: kind, quantity: billedUnits.toString(), effectiveCostNanos: cost })],
            usage.map((u) =>
              use({ ...u, basis: kind === 'tokens' ? 'meter' : 'provisioned', activeHourMask: mask }),
            ),
          );
          const rows = allocate([view], {
            unattributed: policy,
            idle: policy,
            ptuWeights: { '*': { output: 4 } },
          });
          expect(rows.reduce((a, r) => a + r.amountNanos, 0n)).toBe(cost);
        },
      ),
    );
  });

  it('shares a key by recorded tokens and puts the unrecorded tokens on an unallocated row', () => {
    const view = one(
      [line({ quantity: '1000000', effectiveCostNanos: 2_000_000_001n })],
      [use({ appId: APP_A, units: 300_000n }), use({ appId: APP_B, units: 500_000n })],
    );
    expect(allocate([view], OPTIONS).map((r) => [r.label, r.amountNanos])).toEqual([
      [APP_A, 600_000_000n],
      [APP_B, 1_000_000_001n],
      ['(unallocated: aoai-east)', 400_000_000n],
    ]);
  });

  it('spreads the unrecorded share over the apps with UNATTRIBUTED_POLICY=proportional', () => {
    const view = one(
      [line({ quantity: '1000000', effectiveCostNanos: 2_000_000_000n })],
      [use({ appId: APP_A, units: 300_000n }), use({ appId: APP_B, units: 500_000n })],
    );
    expect(allocate([view], { ...OPTIONS, unattributed: 'proportional' }).map((r) => r.amountNanos)).toEqual([
      750_000_000n,
      1_250_000_000n,
    ]);
  });

  it('gives a billed meter nobody recorded to the unallocated row', () => {
    const view = one([line({})], []);
    expect(allocate([view], OPTIONS)).toEqual([
      expect.objectContaining({
        appId: null,
        label: '(unallocated: aoai-east)',
        amountNanos: 2_250_000_000n,
      }),
    ]);
  });

  it('weights PTU use by token kind per model family and leaves unused hours idle', () => {
    const ptu = line({
      ...PTU,
      meterKind: 'provisioned',
      quantity: '240',
      effectiveCostNanos: 240_000_000_000n,
    });
    const morning = 0b1111_1111_1111; // hours 0-11 used, 12-23 idle
    const view = one(
      [ptu],
      [
        use({
          basis: 'provisioned',
          appId: APP_A,
          tokenKind: 'input',
          units: 4000n,
          activeHourMask: morning,
        }),
        use({ basis: 'provisioned', appId: APP_B, tokenKind: 'output', units: 1000n, activeHourMask: 1 }),
      ],
    );
    const weights = { 'gpt-4o': { input: 1, output: 4 } };
    expect(
      allocate([view], { ...OPTIONS, ptuWeights: weights }).map((r) => [r.label, r.amountNanos]),
    ).toEqual([
      [APP_A, 60_000_000_000n],
      [APP_B, 60_000_000_000n],
      ['(idle capacity: aoai-east)', 120_000_000_000n],
    ]);
    // Default 1:1 and the proportional idle policy: everything to the users, 4:1 by tokens.
    expect(allocate([view], { ...OPTIONS, idle: 'proportional' }).map((r) => r.amountNanos)).toEqual([
      192_000_000_000n,
      48_000_000_000n,
    ]);
  });

  it('charges fine-tuned hosting hours to the apps of that deployment, and an unused day to idle', () => {
    const ft = line({ ...FT, meterKind: 'ftHosting', quantity: '24', effectiveCostNanos: 40_800_000_000n });
    const used = one([ft], [use({ basis: 'ftHosting', meterId: FT.meterId, units: 10n })]);
    expect(allocate([used], OPTIONS).map((r) => [r.label, r.amountNanos])).toEqual([
      [APP_A, 40_800_000_000n],
    ]);
    const unused = one([ft], [use({ basis: 'ftHosting', meterId: 'another-meter', units: 10n })]);
    expect(allocate([unused], OPTIONS).map((r) => r.label)).toEqual(['(idle capacity: aoai-east)']);
  });
});

describe('classify', () => {
  const cases: [string, InvoiceLine[], UsageRow[]][] = [
    ['matched', [line({})], [use({ units: 1_000_000n, estimateNanos: 2_255_000_000n })]],
    ['unattributed usage', [line({})], [use({ units: 900_000n })]],
    ['over-recorded', [line({})], [use({ units: 1_100_000n })]],
    ['price variance', [line({})], [use({ units: 1_000_000n, estimateNanos: 2_500_000_000n })]],
    ['no records', [line({})], []],
    ['not billed yet', [], [use({})]],
  ];
  it.each(cases)('%s', (expected, lines, usage) => {
    expect(classify(one(lines, usage), 1)).toBe(expected);
  });

  it('applies a correction billed in a later month to the day it corrects', () => {
    const view = one(
      [
        line({ quantity: '1100000', effectiveCostNanos: 2_475_000_000n }),
        line({
          billingPeriod: '2025-09',
          quantity: '-100000',
          effectiveCostNanos: -225_000_000n,
          correctionRows: 1,
        }),
      ],
      [use({ units: 1_000_000n, estimateNanos: 2_250_000_000n })],
    );
    expect([view.billedUnits, view.effectiveCostNanos, view.corrections]).toEqual([
      1_000_000n,
      2_250_000_000n,
      1,
    ]);
    expect(classify(view, 1)).toBe('matched');
  });
});
