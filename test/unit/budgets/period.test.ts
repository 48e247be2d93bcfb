import { describe, expect, it } from 'vitest';

import { forecastNanos, percentOf, periodWindow, reaches } from '../../../shared/budgets/period.js';

const at = (iso: string) => new Date(iso);
const HOUR = 3_600_000;

describe('budget periods in UTC', () => {
  it.each([
    // [now, start, end, key]
    ['2026-01-31T23:59:59.999Z', '2026-01-01', '2026-01-31', '2026-01'],
    ['2026-02-01T00:00:00.000Z', '2026-02-01', '2026-02-28', '2026-02'],
    ['2026-02-28T23:59:59.999Z', '2026-02-01', '2026-02-28', '2026-02'],
    ['2028-02-29T12:00:00.000Z', '2028-02-01', '2028-02-29', '2028-02'],
    ['2028-03-01T00:00:00.000Z', '2028-03-01', '2028-03-31', '2028-03'],
    ['2026-04-30T23:00:00.000Z', '2026-04-01', '2026-04-30', '2026-04'],
    ['2026-12-31T23:59:59.999Z', '2026-12-01', '2026-12-31', '2026-12'],
    ['2027-01-01T00:00:00.000Z', '2027-01-01', '2027-01-31', '2027-01'],
  ])('monthly at %s runs %s to %s', (now, start, end, key) => {
    const w = periodWindow('monthly', at(now));
    expect([w.start, w.end, w.key]).toEqual([start, end, key]);
  });

  it('a month ends at its last midnight: the remaining time is exact', () => {
    expect(periodWindow('monthly', at('2026-01-31T23:59:59.999Z')).remainingMs).toBe(1);
    expect(periodWindow('monthly', at('2026-02-01T00:00:00.000Z')).remainingMs).toBe(28 * 24 * HOUR);
    expect(periodWindow('monthly', at('2028-02-01T00:00:00.000Z')).remainingMs).toBe(29 * 24 * HOUR);
  });

  it('daily periods are the UTC day, leap day included', () => {
    const w = periodWindow('daily', at('2028-02-29T18:00:00.000Z'));
    expect([w.start, w.end, w.key, w.remainingMs]).toEqual([
      '2028-02-29',
      '2028-02-29',
      '2028-02-29',
      6 * HOUR,
    ]);
    expect(periodWindow('daily', at('2026-03-01T00:00:00.000Z')).start).toBe('2026-03-01');
  });

  it('the run-rate window is the 7 whole days before today, across month and year ends', () => {
    const w = periodWindow('monthly', at('2027-01-03T10:00:00.000Z'));
    expect([w.rateFrom, w.rateTo]).toEqual(['2026-12-27', '2027-01-02']);
    const leap = periodWindow('daily', at('2028-03-02T00:00:00.000Z'));
    expect([leap.rateFrom, leap.rateTo]).toEqual(['2028-02-24', '2028-03-01']);
  });

  it('ignores the time zone of the process', () => {
    const before = process.env.TZ;
    process.env.TZ = 'Pacific/Kiritimati';
    try {
      expect(periodWindow('monthly', at('2026-01-31T23:30:00.000Z')).key).toBe('2026-01');
    } finally {
      process.env.TZ = before;
    }
  });
});

describe('forecast', () => {
  const day = 24 * HOUR;

  it('adds the 7-day run rate for the time left, exactly', () => {
    // 70 units over 7 days = 10/day; 10 days left → +100.
    expect(forecastNanos(5_000_000_000n, 70_000_000_000n, 10 * day)).toBe(105_000_000_000n);
    // Half a day left: +5.
    expect(forecastNanos(0n, 70_000_000_000n, day / 2)).toBe(5_000_000_000n);
  });

  it('rounds once, half to even, to the nano-unit', () => {
    // 1 nano over 7 days, 3.5 days left → 0.5 nano → 0 (even); 10.5 days → 1.5 → 2.
    expect(forecastNanos(0n, 1n, 3.5 * day)).toBe(0n);
    expect(forecastNanos(0n, 1n, 10.5 * day)).toBe(2n);
  });

  it('is the spend itself with no run rate or no time left', () => {
    expect(forecastNanos(42n, 0n, 20 * day)).toBe(42n);
    expect(forecastNanos(42n, 999n, 0)).toBe(42n);
    expect(forecastNanos(42n, 999n, -5)).toBe(42n);
  });

  it('a month forecast at mid-month, end to end through the window', () => {
    const w = periodWindow('monthly', at('2026-11-16T00:00:00.000Z'));
    // 15 days left (16th to 30th); 7 per day → +105.
    expect(forecastNanos(100n, 49n, w.remainingMs)).toBe(205n);
  });
});

describe('percent and thresholds', () => {
  it('compares in integers: 80% of 1250.50 is reached at 1000.40 exactly, not a nano before', () => {
    const amount = 1_250_500_000_000n;
    expect(reaches(1_000_400_000_000n, amount, 80)).toBe(true);
    expect(reaches(1_000_399_999_999n, amount, 80)).toBe(false);
  });

  it('shows one decimal, rounded half to even', () => {
    expect(percentOf(1_000_400_000_000n, 1_250_500_000_000n)).toBe('80.0');
    expect(percentOf(1n, 3n)).toBe('33.3');
    expect(percentOf(2_500n, 1_000n)).toBe('250.0');
    expect(percentOf(0n, 7n)).toBe('0.0');
  });
});
