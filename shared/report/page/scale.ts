import { nanosToCents } from '../../cost/money.js';

/** A "nice" linear axis from 0: steps of 1, 2, 2.5 or 5 × 10^k, so gridlines read as round amounts. */
export interface Axis {
  readonly top: number;
  readonly ticks: readonly number[];
  /** Decimals that show every tick exactly (0.025 → 3). */
  readonly decimals: number;
}

export function niceAxis(max: number, targetTicks = 5): Axis {
  if (!(max > 0) || !Number.isFinite(max)) return { top: 1, ticks: [0, 1], decimals: 0 };
  const rough = max / targetTicks;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= rough) ?? 10) * magnitude;
  const count = Math.ceil(max / step - 1e-9);
  const ticks = Array.from({ length: count + 1 }, (_, i) => Number((i * step).toPrecision(12)));
  const decimals = Math.max(0, ...ticks.map((t) => decimalsOf(t)));
  return { top: ticks.at(-1) ?? step, ticks, decimals };
}

function decimalsOf(value: number): number {
  // toPrecision(12) drops float noise such as 0.30000000000000004.
  const text = Number(value.toPrecision(12)).toString();
  if (text.includes('e-')) return Number(text.split('e-')[1]);
  return text.includes('.') ? (text.split('.')[1]?.length ?? 0) : 0;
}

/** Nano-units as a float, for geometry only: every amount printed comes from the exact integers. */
export function nanosToNumber(nanos: bigint): number {
  return Number(nanos) / 1e9;
}

/** Cents for display, but never "0.00" for a cost that is not zero: that would read as free. */
export function centsLabel(nanos: bigint): string {
  const cents = nanosToCents(nanos);
  return nanos > 0n && cents === '0.00' ? '< 0.01' : cents;
}
