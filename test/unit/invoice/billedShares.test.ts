import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { billedShares } from '../../../shared/invoice/billedShares.js';
import { APP_A, APP_B, line, PTU, use } from '../../helpers/invoiceRows.js';

const OPTIONS = { unattributed: 'explicit', idle: 'explicit', ptuWeights: {} } as const;
const sum = (xs: readonly bigint[]) => xs.reduce((a, b) => a + b, 0n);

describe('billed shares', () => {
  it('split EffectiveCost and BilledCost by the same weights, unattributed units on their own row', () => {
    const [key] = billedShares(
      [line({ effectiveCostNanos: 2_250_000_000n, billedCostNanos: 2_500_000_000n })],
      [use({ units: 600_000n }), use({ appId: APP_B, units: 300_000n })],
      OPTIONS,
    );
    expect(key?.shares).toEqual([
      {
        appId: APP_A,
        label: APP_A,
        kind: 'app',
        effectiveNanos: 1_350_000_000n,
        billedNanos: 1_500_000_000n,
      },
      { appId: APP_B, label: APP_B, kind: 'app', effectiveNanos: 675_000_000n, billedNanos: 750_000_000n },
      {
        appId: null,
        label: '(unallocated: aoai-east)',
        kind: 'unallocated',
        effectiveNanos: 225_000_000n,
        billedNanos: 250_000_000n,
      },
    ]);
  });

  it('mark unused capacity as idle, and leave keys with no bill out', () => {
    const keys = billedShares(
      [
        line({
          ...PTU,
          meterKind: 'provisioned',
          quantity: '24',
          effectiveCostNanos: 24_000_000_000n,
          billedCostNanos: 0n,
          reservation: true,
        }),
      ],
      [
        use({ basis: 'provisioned', meterId: undefined, units: 10n, activeHourMask: 0b1111 }),
        use({ day: '2025-08-15' }),
      ],
      OPTIONS,
    );
    expect(keys).toHaveLength(1);
    expect(keys[0]?.shares.map((s) => [s.kind, s.effectiveNanos, s.billedNanos])).toEqual([
      ['app', 4_000_000_000n, 0n],
      ['idle', 20_000_000_000n, 0n],
    ]);
  });

  it('add up per key to the bill exactly, both columns, for any split', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 15n }),
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        fc.array(fc.bigInt({ min: 1n, max: 10n ** 9n }), { minLength: 0, maxLength: 6 }),
        (effective, billed, units) => {
          const [key] = billedShares(
            [
              line({
                effectiveCostNanos: effective,
                billedCostNanos: billed,
                quantity: String(sum(units) + 7n),
              }),
            ],
            units.map((u, i) => use({ appId: `app-${i}`, units: u })),
            OPTIONS,
          );
          expect(sum(key?.shares.map((s) => s.effectiveNanos) ?? [])).toBe(effective);
          expect(sum(key?.shares.map((s) => s.billedNanos) ?? [])).toBe(billed);
        },
      ),
    );
  });
});
