import { describe, expect, it } from 'vitest';

import type { DatedPeriod } from '../../../shared/inventory/datedPeriods.js';
import { estimateCapacity, type CapacityLine } from '../../../shared/invoice/capacityEstimate.js';
import { testCapacityPrice } from '../../helpers/capacityPrice.js';

// Prices as the eastus catalog lists them (retail_aoai_meter_catalog_eastus_2025-08_derived.json):
// PTU global 1.0 and data zone 1.1 per PTU-hour; gpt-4.1 fine-tuned hosting 1.7 per hour.
const price = testCapacityPrice;
const PRICES = [
  price({}),
  price({
    deploymentType: 'datazone',
    meterId: 'dz',
    meterName: 'Provisioned Managed Data Zone Unit',
    retailPrice: '1.1',
  }),
  price({
    kind: 'ftHosting',
    deploymentType: 'regional',
    family: 'gpt-4.1',
    meterId: 'ft',
    meterName: 'gpt-4.1-ft hosting regional Unit',
    retailPrice: '1.7',
  }),
];

const RES =
  '/subscriptions/00000000-0000-4000-8000-00000000c0de/resourcegroups/rg/providers/microsoft.cognitiveservices/accounts/aoai-east';
const DAY = '2026-11-19';
const period = (over: Partial<DatedPeriod>): DatedPeriod => ({
  resourceId: RES,
  resourceName: 'aoai-east',
  region: 'eastus',
  deployment: 'ptu',
  sku: 'GlobalProvisionedManaged',
  capacity: 50,
  modelFormat: 'OpenAI',
  modelName: 'gpt-4o',
  modelVersion: '2024-08-06',
  provisioningState: 'Succeeded',
  from: '2026-11-01T00:00:00.000Z',
  to: null,
  ...over,
});
const usd = (dollars: number) => BigInt(Math.round(dollars * 1000)) * 1_000_000n;
const estimate = (periods: DatedPeriod[], days = [DAY], until?: number) =>
  estimateCapacity(periods, PRICES, { days, ...(until === undefined ? {} : { until }) });
const money = (lines: CapacityLine[]) =>
  lines.map((l) => [l.deployment, l.day, l.minutes, l.status === 'priced' ? l.costNanos : l.reason]);

describe('the capacity estimate, hours counted by hand', () => {
  it('charges a whole day: 50 PTU × 24 h × 1.00 = 1200', () => {
    const [line, ...rest] = estimate([period({})]);
    expect(rest).toEqual([]);
    expect(line).toMatchObject({
      status: 'priced',
      kind: 'provisioned',
      meterId: '433e638d-598a-5b5f-acbc-27dbbda88216',
      unitPrice: '1',
      minutes: 1440,
      unitMinutes: 72_000n,
      costNanos: usd(1200),
    });
  });

  it('charges the minutes from a mid-day creation: 10:15:40 counts from 10:15, 13 h 45 min × 50 × 1.00 = 687.50', () => {
    const lines = estimate([period({ from: '2026-11-19T10:15:40.000Z' })]);
    expect(money(lines)).toEqual([['ptu', DAY, 825, usd(687.5)]]);
  });

  it('adds up a capacity change mid-day (two periods) into one line: 50 × 6 h + 100 × 18 h = 2100', () => {
    const lines = estimate([
      period({ to: '2026-11-19T06:00:00.000Z' }),
      period({ capacity: 100, from: '2026-11-19T06:00:00.000Z' }),
    ]);
    expect(money(lines)).toEqual([['ptu', DAY, 1440, usd(2100)]]);
  });

  it('stops at the deletion: 9 h (to 09:00:59) × 50 × 1.00 = 450, and nothing the day after', () => {
    const lines = estimate([period({ to: '2026-11-19T09:00:59.000Z' })], [DAY, '2026-11-20']);
    expect(money(lines)).toEqual([['ptu', DAY, 540, usd(450)]]);
  });

  it('stops at `until` (month to date): 13 h 57 min of today × 50 × 1.10 (data zone) = 767.25', () => {
    const lines = estimate(
      [period({ sku: 'DataZoneProvisionedManaged' })],
      [DAY, '2026-11-20'],
      Date.parse('2026-11-19T13:57:27.000Z'),
    );
    expect(money(lines)).toEqual([['ptu', DAY, 837, usd(767.25)]]);
  });

  it('gives an unpriced line with the reason, never 0, when no hourly price is known', () => {
    const lines = estimate([period({ region: 'westus' }), period({ deployment: 'sized', capacity: null })]);
    expect(
      lines.map((l) => [l.deployment, l.status, l.status === 'unpriced' ? l.reason : l.costNanos]),
    ).toEqual([
      ['ptu', 'unpriced', 'ptu: no hourly price for provisioned (PTU) global in westus'],
      ['sized', 'unpriced', 'sized: ARM gives no PTU capacity for GlobalProvisionedManaged'],
    ]);
  });

  it('charges a fine-tuned deployment one hosting hour per hour (24 × 1.70 = 40.80), none on the Developer tier', () => {
    const fineTuned = 'gpt-4.1-2025-04-14.ft-5d9c0e1f2a3b';
    const lines = estimate([
      period({ deployment: 'ft', sku: 'Standard', capacity: 1, modelName: fineTuned }),
      period({ deployment: 'ft-dev', sku: 'DeveloperTier', capacity: 1, modelName: fineTuned }),
      period({ deployment: 'ft-dz', sku: 'DataZoneStandard', capacity: 1, modelName: fineTuned }),
      // On PTU, a fine-tuned deployment is charged its PTUs, not hosting.
      period({ deployment: 'ft-ptu', capacity: 25, modelName: fineTuned }),
      // An ordinary per-token deployment costs nothing per hour.
      period({ deployment: 'chat', sku: 'GlobalStandard', capacity: 450 }),
    ]);
    expect(money(lines)).toEqual([
      ['ft', DAY, 1440, usd(40.8)],
      ['ft-dz', DAY, 1440, 'ft-dz: no hourly price for gpt-4.1-ft hosting datazone in eastus'],
      ['ft-ptu', DAY, 1440, usd(600)],
    ]);
    expect(lines.map((l) => l.kind)).toEqual(['ftHosting', 'ftHosting', 'provisioned']);
  });

  it('rounds each deployment-day once, half-even, to nano-units', () => {
    // 0.000000045 per hour: 2 minutes is 1.5 nano-units → 2, 6 minutes is 4.5 → 4 (to even).
    const tiny = [price({ retailPrice: '0.000000045' })];
    const at = (to: string) =>
      estimateCapacity([period({ capacity: 1, from: '2026-11-19T00:00:00.000Z', to })], tiny, {
        days: [DAY],
      })[0];
    expect(at('2026-11-19T00:02:00.000Z')).toMatchObject({ costNanos: 2n });
    expect(at('2026-11-19T00:06:00.000Z')).toMatchObject({ costNanos: 4n });
    // A third of a PTU-hour at 1.00 is 333,333,333.3 nano-units → 333,333,333.
    expect(
      estimate([period({ capacity: 1, to: '2026-11-19T00:20:00.000Z', from: DAY + 'T00:00:00.000Z' })])[0],
    ).toMatchObject({
      costNanos: 333_333_333n,
    });
  });
});
