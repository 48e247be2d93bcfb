import { divideHalfEven } from '../cost/money.js';
import type { BudgetPeriod } from './budget.js';

const DAY_MS = 86_400_000;
/** The run rate is the spend of this many whole UTC days before today (docs/budgets.md). */
export const RUN_RATE_DAYS = 7;

export interface PeriodWindow {
  /** `2026-11` for a month, `2026-11-29` for a day: part of every alert id. */
  readonly key: string;
  /** First and last UTC day of the period, inclusive. */
  readonly start: string;
  readonly end: string;
  /** Milliseconds from `now` to the end of the period (its last day's midnight). */
  readonly remainingMs: number;
  /** The whole days whose spend makes the run rate: the 7 days before today, inclusive. */
  readonly rateFrom: string;
  readonly rateTo: string;
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Pure: the UTC period that holds `now`. A month ends on its own last day (28, 29, 30 or 31: Date.UTC
 * with day 0 of the next month), a day at midnight UTC, whatever the server's time zone.
 */
export function periodWindow(period: BudgetPeriod, now: Date): PeriodWindow {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  const todayMs = Date.UTC(year, month, now.getUTCDate());
  const startMs = period === 'monthly' ? Date.UTC(year, month, 1) : todayMs;
  const endExclusiveMs = period === 'monthly' ? Date.UTC(year, month + 1, 1) : todayMs + DAY_MS;
  const today = dayOf(todayMs);
  return {
    key: period === 'monthly' ? today.slice(0, 7) : today,
    start: dayOf(startMs),
    end: dayOf(endExclusiveMs - DAY_MS),
    remainingMs: endExclusiveMs - now.getTime(),
    rateFrom: dayOf(todayMs - RUN_RATE_DAYS * DAY_MS),
    rateTo: dayOf(todayMs - DAY_MS),
  };
}

/**
 * End-of-period forecast: the spend so far plus the run rate (the last 7 whole days' spend ÷ 7) for
 * the time left, to the nano-unit (one half-even rounding). Days without usage count as zero.
 */
export function forecastNanos(spentNanos: bigint, rateWindowNanos: bigint, remainingMs: number): bigint {
  const remaining = BigInt(Math.max(0, remainingMs));
  return spentNanos + divideHalfEven(rateWindowNanos * remaining, BigInt(RUN_RATE_DAYS * DAY_MS));
}

/** `spent / amount` as a percentage with one decimal, exact then rounded half-even: `"81.3"`. */
export function percentOf(nanos: bigint, amountNanos: bigint): string {
  const tenths = divideHalfEven(nanos * 1000n, amountNanos);
  return `${tenths / 10n}.${tenths % 10n}`;
}

/** True when `nanos` is at least `threshold` percent of `amountNanos`, compared in integers. */
export function reaches(nanos: bigint, amountNanos: bigint, threshold: number): boolean {
  return nanos * 100n >= BigInt(threshold) * amountNanos;
}
