import { describe, expect, it } from 'vitest';

import type { CapacityLine } from '../../../shared/invoice/capacityEstimate.js';
import { allocateCapacityEstimate, estimateAsBillLines } from '../../../shared/invoice/capacityKeys.js';
import { APP_A, APP_B, DAY, PTU, RES, use } from '../../helpers/invoiceRows.js';

const usd = (dollars: number) => BigInt(dollars) * 1_000_000_000n;
const line = (over: Partial<CapacityLine>): CapacityLine =>
  ({
    resourceId: RES,
    resourceName: 'aoai-east',
    deployment: 'ptu-a',
    day: DAY,
    kind: 'provisioned',
    sku: 'GlobalProvisionedManaged',
    minutes: 1440,
    unitMinutes: 72_000n,
    status: 'priced',
    ...PTU,
    currency: 'USD',
    unitPrice: '1',
    costNanos: usd(1200),
    ...over,
  }) as CapacityLine;

// Two PTU deployments of the account on the same meter: 50 PTU all day, 10 PTU for 12 hours.
const LINES = [
  line({}),
  line({ deployment: 'ptu-b', minutes: 720, unitMinutes: 7_200n, costNanos: usd(120) }),
  line({ deployment: 'ptu-c', status: 'unpriced', reason: 'no hourly price' }),
];
const hours = (from: number, to: number) => {
  let mask = 0;
  for (let h = from; h <= to; h++) mask |= 1 << h;
  return mask;
};
// App A used the capacity in hours 0-5, app B in 5-11: 12 of 24 hours in use.
const USAGE = [
  use({
    basis: 'provisioned',
    meterId: undefined,
    tokenKind: 'output',
    units: 3_000n,
    estimateNanos: 0n,
    activeHourMask: hours(0, 5),
  }),
  use({
    appId: APP_B,
    basis: 'provisioned',
    meterId: undefined,
    tokenKind: 'input',
    units: 1_000n,
    estimateNanos: 0n,
    activeHourMask: hours(5, 11),
  }),
];

describe('the capacity estimate as bill lines', () => {
  it('adds the deployments of a resource, meter and day into one line, unit-hours as the bill counts them', () => {
    expect(estimateAsBillLines(LINES)).toEqual([
      {
        billingPeriod: '2025-08',
        resourceId: RES,
        resourceName: 'aoai-east',
        ...PTU,
        meterKind: 'provisioned',
        day: DAY,
        currency: 'USD',
        quantity: '1320',
        effectiveCostNanos: usd(1320),
        billedCostNanos: usd(1320),
        listCostNanos: usd(1320),
        correctionRows: 0,
        rows: 2,
        reservation: false,
      },
    ]);
  });
});

describe('the capacity estimate, allocated as a bill would be', () => {
  it('gives the idle hours to the idle row and splits the rest by weighted tokens, exactly', () => {
    const [key] = allocateCapacityEstimate(LINES, USAGE, {
      unattributed: 'explicit',
      idle: 'explicit',
      ptuWeights: { '*': { output: 4 } },
    });
    // 1320 over 24 hours, 12 used: 660 idle. 660 split 12,000 : 1,000 (output weighs 4):
    // 609.230769230.77 and 50.769230769.23; the leftover nano goes to the larger remainder (A).
    expect(key?.shares.map((s) => [s.label, s.kind, s.effectiveNanos, s.billedNanos])).toEqual([
      [APP_A, 'app', 609_230_769_231n, 609_230_769_231n],
      [APP_B, 'app', 50_769_230_769n, 50_769_230_769n],
      ['(idle capacity: aoai-east)', 'idle', usd(660), usd(660)],
    ]);
    const total = key?.shares.reduce((sum, s) => sum + s.effectiveNanos, 0n);
    expect(total).toBe(usd(1320));
  });

  it('spreads the idle hours over the users with PTU_IDLE_POLICY=proportional, and is all idle when nobody used it', () => {
    const options = { unattributed: 'explicit', idle: 'proportional', ptuWeights: {} } as const;
    const [key] = allocateCapacityEstimate(LINES, USAGE, options);
    expect(key?.shares.map((s) => [s.label, s.effectiveNanos])).toEqual([
      [APP_A, usd(990)],
      [APP_B, usd(330)],
    ]);
    const [unused] = allocateCapacityEstimate(LINES, [], options);
    expect(unused?.shares.map((s) => [s.label, s.effectiveNanos])).toEqual([
      ['(idle capacity: aoai-east)', usd(1320)],
    ]);
  });
});
