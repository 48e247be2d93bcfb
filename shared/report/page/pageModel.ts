import { buildReport, NO_BUSINESS_UNIT } from '../buildReport.js';
import type { Report, ReportRow, UsageSlice } from '../types.js';
import { MAX_SERIES, NEUTRAL, OTHER_COLOUR, seriesColour } from './palette.js';

export const OTHER_UNITS = '(other units)';
/** Up to this many days get a bar each; longer ranges get a bar per ISO week (Monday to Sunday). */
export const DAILY_UP_TO_DAYS = 62;

export interface Series {
  readonly name: string;
  readonly colour: string;
  readonly nanos: bigint;
}

export interface Bucket {
  /** First and last day (inclusive) the bar covers, clipped to the period. */
  readonly start: string;
  readonly end: string;
  readonly label: string;
  /** Series name → cost in nano-units. */
  readonly nanos: ReadonlyMap<string, bigint>;
  readonly total: bigint;
}

export interface PageModel {
  readonly from: string;
  readonly to: string;
  readonly currency: string;
  readonly granularity: 'day' | 'week';
  /** Business units, most expensive first: the chart's stacks and legend. */
  readonly series: readonly Series[];
  readonly buckets: readonly Bucket[];
  /** Apps ranked by cost (the by-app report's rows) and the total. */
  readonly apps: readonly ReportRow[];
  readonly total: ReportRow;
  /** Models ranked by cost over the period (a by-model report's rows). */
  readonly models: readonly ReportRow[];
  /** The previous period of the same length, when the page compares (it always does when served). */
  readonly compared?: { readonly from: string; readonly to: string };
  /** (app, model) pairs whose cost grew most, and fell most, against the previous period. */
  readonly movers: { readonly up: readonly Mover[]; readonly down: readonly Mover[] };
  /** `billed`: costs are the bill's allocations where a bill covers the day (issue 16). */
  readonly basis?: 'billed';
  /** On the billed basis: per business unit, estimate against billed (a by-unit report's rows). */
  readonly units?: readonly ReportRow[];
}

export interface Mover {
  readonly appId: string;
  readonly appName: string | null;
  readonly model: string;
  readonly changeNanos: bigint;
  readonly currentNanos: bigint;
  readonly previousNanos: bigint;
  /** Percent of the previous cost, or null when it was 0. */
  readonly percent: string | null;
}

/** At most this many movers each way: the page answers "what changed", a table lists everything. */
export const MAX_MOVERS = 5;

/** Pure: the (app, model) pairs with the largest rise and the largest fall, exact. */
export function topMovers(pairs: readonly ReportRow[]): PageModel['movers'] {
  const movers = pairs.flatMap((row): Mover[] => {
    const change = row.previous?.changeNanos ?? null;
    if (row.previous === undefined || change === null || change === 0n) return [];
    return [
      {
        appId: row.keys[0] ?? '',
        appName: row.appDisplayName ?? null,
        model: row.keys[1] ?? '',
        changeNanos: change,
        currentNanos: row.costNanos,
        previousNanos: row.previous.previousCostNanos,
        percent: row.previous.changePercent,
      },
    ];
  });
  const byChange = (a: Mover, b: Mover) =>
    (b.changeNanos > a.changeNanos ? 1 : b.changeNanos < a.changeNanos ? -1 : 0) ||
    a.appId.localeCompare(b.appId) ||
    a.model.localeCompare(b.model);
  const up = movers.filter((m) => m.changeNanos > 0n).sort(byChange);
  const down = movers.filter((m) => m.changeNanos < 0n).sort((a, b) => byChange(b, a));
  return { up: up.slice(0, MAX_MOVERS), down: down.slice(0, MAX_MOVERS) };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY_MS = 86_400_000;

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const msOf = (day: string) => Date.parse(`${day}T00:00:00Z`);

/** `Nov 16`, fixed English: the page must not depend on the server's locale. */
export function shortDate(day: string): string {
  return `${MONTHS[Number(day.slice(5, 7)) - 1] ?? day.slice(5, 7)} ${Number(day.slice(8, 10))}`;
}

function emptyBuckets(from: string, to: string): { granularity: 'day' | 'week'; ranges: [string, string][] } {
  const first = msOf(from);
  const last = msOf(to);
  const days = Math.round((last - first) / DAY_MS) + 1;
  const granularity = days > DAILY_UP_TO_DAYS ? 'week' : 'day';
  const ranges: [string, string][] = [];
  for (let start = first; start <= last;) {
    // ISO weeks start on Monday; getUTCDay() is 0 for Sunday.
    const toSunday = granularity === 'day' ? 0 : (7 - new Date(start).getUTCDay()) % 7;
    const end = Math.min(start + toSunday * DAY_MS, last);
    ranges.push([dayOf(start), dayOf(end)]);
    start = end + DAY_MS;
  }
  return { granularity, ranges };
}

/**
 * Pure: a by-app report and its slices → what the page draws. Units follow finance's overrides.
 * With the previous period's slices, the page also says what changed.
 */
export function pageModel(
  report: Report,
  slices: readonly UsageSlice[],
  previous?: { readonly from: string; readonly to: string; readonly slices: readonly UsageSlice[] },
  overrides?: ReadonlyMap<string, string>,
): PageModel {
  const unitOfApp = new Map(report.rows.map((row) => [row.key, row.businessUnit ?? null]));
  const unitOf = (s: UsageSlice) =>
    (unitOfApp.has(s.appId) ? unitOfApp.get(s.appId) : s.businessUnit) ?? NO_BUSINESS_UNIT;

  const unitTotals = new Map<string, bigint>();
  for (const s of slices) unitTotals.set(unitOf(s), (unitTotals.get(unitOf(s)) ?? 0n) + s.costNanos);
  const ranked = [...unitTotals.entries()].sort((a, b) =>
    b[1] > a[1] ? 1 : b[1] < a[1] ? -1 : a[0].localeCompare(b[0]),
  );
  const kept = ranked.length > MAX_SERIES ? ranked.slice(0, MAX_SERIES - 1) : ranked;
  const keptNames = new Set(kept.map(([name]) => name));
  let colourIndex = 0;
  const series: Series[] = kept.map(([name, nanos]) => ({
    name,
    nanos,
    colour: name === NO_BUSINESS_UNIT ? NEUTRAL : seriesColour(colourIndex++),
  }));
  if (kept.length < ranked.length) {
    const rest = ranked.slice(kept.length).reduce((sum, [, nanos]) => sum + nanos, 0n);
    series.push({ name: OTHER_UNITS, nanos: rest, colour: OTHER_COLOUR });
  }

  const { granularity, ranges } = emptyBuckets(report.from, report.to);
  const bucketOfDay = new Map<string, number>();
  ranges.forEach(([start, end], i) => {
    for (let ms = msOf(start); ms <= msOf(end); ms += DAY_MS) bucketOfDay.set(dayOf(ms), i);
  });
  const sums = ranges.map(() => new Map<string, bigint>());
  for (const s of slices) {
    const index = bucketOfDay.get(s.day);
    const bucket = index === undefined ? undefined : sums[index];
    if (bucket === undefined) continue;
    const name = keptNames.has(unitOf(s)) ? unitOf(s) : OTHER_UNITS;
    bucket.set(name, (bucket.get(name) ?? 0n) + s.costNanos);
  }
  const buckets = ranges.map(([start, end], i): Bucket => {
    const nanos = sums[i] ?? new Map<string, bigint>();
    return {
      start,
      end,
      label: shortDate(start),
      nanos,
      total: [...nanos.values()].reduce((a, b) => a + b, 0n),
    };
  });
  return {
    from: report.from,
    to: report.to,
    currency: report.currency,
    granularity,
    series,
    buckets,
    apps: report.rows,
    total: report.total,
    models: buildReport(slices, { by: 'model', from: report.from, to: report.to, currency: report.currency })
      .rows,
    ...(previous ? { compared: { from: previous.from, to: previous.to } } : {}),
    movers: previous
      ? topMovers(
          buildReport(slices, {
            by: ['app', 'model'],
            from: report.from,
            to: report.to,
            currency: report.currency,
            previous,
          }).rows,
        )
      : { up: [], down: [] },
    ...(report.basis === 'billed'
      ? {
          basis: 'billed' as const,
          units: buildReport(slices, {
            by: 'businessUnit',
            from: report.from,
            to: report.to,
            currency: report.currency,
            basis: 'billed',
            ...(overrides ? { overrides } : {}),
          }).rows,
        }
      : {}),
  };
}
