import Table from 'cli-table3';

import { csvDocument, csvNumber, type CsvCell } from './csv.js';
import type { Report, ReportGrouping, ReportRow } from './types.js';

const HEADS: Record<ReportGrouping, string> = { app: 'appId', businessUnit: 'businessUnit', model: 'model' };
const WORDS: Record<ReportGrouping, string> = { app: 'app', businessUnit: 'business unit', model: 'model' };

/** Business unit and name beside an app: only when the app is a grouping and the unit is not. */
const nameColumns = (report: Report) => report.by.includes('app');
const unitColumn = (report: Report) => report.by.includes('app') && !report.by.includes('businessUnit');

const decimal = (text: string | null): CsvCell => (text === null ? null : csvNumber(text));

/**
 * One line per group and no total line: a total among the data rows would be summed again by
 * Excel or Power BI. Unknown costs are empty cells, with `pricing` saying why.
 */
export function reportCsv(report: Report): string {
  const compare = report.compared !== undefined;
  const header = [
    ...report.by.map((d) => HEADS[d]),
    ...(nameColumns(report) ? ['appDisplayName'] : []),
    ...(unitColumn(report) ? ['businessUnit'] : []),
    'requests',
    'promptTokens',
    'cachedTokens',
    'completionTokens',
    'reasoningTokens',
    'totalTokens',
    'cost',
    'costRounded',
    'currency',
    'unpricedRequests',
    'pricing',
    ...(compare ? ['previousCost', 'change', 'changePercent'] : []),
    ...(report.basis === 'billed' ? ['estimate', 'billedCost', 'estimatedDays'] : []),
  ];
  const rows = report.rows.map((row): CsvCell[] => [
    ...row.keys,
    ...(nameColumns(report) ? [row.appDisplayName ?? null] : []),
    ...(unitColumn(report) ? [row.businessUnit ?? null] : []),
    row.requests,
    row.promptTokens,
    row.cachedTokens,
    row.completionTokens,
    row.reasoningTokens,
    row.totalTokens,
    decimal(row.cost),
    decimal(row.costRounded),
    row.currency,
    row.unpricedRequests,
    row.pricing,
    ...(row.previous
      ? [
          decimal(row.previous.previousCost),
          decimal(row.previous.change),
          decimal(row.previous.changePercent),
        ]
      : []),
    ...(report.basis === 'billed'
      ? [
          decimal(row.billed?.estimate ?? null),
          decimal(row.billed?.billedCost ?? null),
          row.billed?.estimatedDays.join(' ') ?? '',
        ]
      : []),
  ]);
  return csvDocument(header, rows);
}

/**
 * JSON for programs: `cost` is a number (nano-units / 1e9, which prints the exact nine-decimal value),
 * `costExact` the same as a decimal string, `costNanos` the integer ledger amount as a string. All
 * three are null when nothing in the row was priced.
 */
export function reportJson(report: Report): string {
  const forJson = (row: ReportRow) => ({
    ...row,
    cost: row.cost === null ? null : Number(row.costNanos) / 1e9,
    costExact: row.cost,
    costNanos: row.cost === null ? null : row.costNanos,
    ...(row.previous
      ? {
          previous: {
            ...row.previous,
            previousCostNanos: row.previous.previousCost === null ? null : row.previous.previousCostNanos,
            changePercent: row.previous.changePercent === null ? null : Number(row.previous.changePercent),
          },
        }
      : {}),
  });
  return JSON.stringify(
    { ...report, rows: report.rows.map(forJson), total: forJson(report.total) },
    (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value),
    2,
  );
}

const NA = 'n/a';
const signed = (text: string) => (text.startsWith('-') ? text : `+${text}`);

export function reportTable(report: Report): string {
  const compare = report.compared !== undefined;
  const names = nameColumns(report);
  const unit = unitColumn(report);
  const head = [
    ...report.by.map((d) => HEADS[d]),
    ...(names ? ['name'] : []),
    ...(unit ? ['business unit'] : []),
    'requests',
    'tokens',
    `cost (${report.currency})`,
    'rounded',
    'unpriced',
    ...(compare ? ['previous', 'change', '%'] : []),
    ...(report.basis === 'billed' ? ['estimate', 'estimated days'] : []),
  ];
  const left = report.by.length + (names ? 1 : 0) + (unit ? 1 : 0);
  const table = new Table({
    style: { head: [], border: [] },
    head,
    colAligns: head.map((_, i) => (i < left ? 'left' : 'right')),
  });
  for (const row of [...report.rows, report.total]) {
    const total = row === report.total;
    const keys = total ? ['total', ...report.by.slice(1).map(() => '')] : row.keys;
    const change = row.previous;
    table.push([
      ...keys,
      ...(names ? [row.appDisplayName ?? (total ? '' : '(unknown)')] : []),
      ...(unit ? [row.businessUnit ?? ''] : []),
      row.requests,
      row.totalTokens,
      row.cost ?? NA,
      row.costRounded ?? NA,
      unpricedCell(row),
      ...(change
        ? [
            change.previousCost ?? NA,
            change.change === null ? NA : signed(change.change),
            change.changePercent === null ? NA : `${signed(change.changePercent)}%`,
          ]
        : []),
      ...(report.basis === 'billed'
        ? [row.billed?.estimate ?? NA, estimatedDays(row.billed?.estimatedDays ?? [])]
        : []),
    ]);
  }
  const basis = report.basis === 'billed' ? ' (billed basis)' : '';
  const title = `Cost by ${report.by.map((d) => WORDS[d]).join(' and ')}, ${report.from} to ${report.to}${basis}`;
  const against = report.compared ? `, compared with ${report.compared.from} to ${report.compared.to}` : '';
  const rows = [...report.rows, report.total];
  const notes = [
    ...(rows.some((r) => r.pricing === 'partial')
      ? ['partial: some requests are unpriced; the cost covers the priced ones only.']
      : []),
    ...(rows.some((r) => r.pricing === 'unpriced' || r.previous?.previousPricing === 'unpriced')
      ? ['n/a: no request was priced, so the cost is unknown (not 0); `chargeback backfill` prices them.']
      : []),
    ...(rows.some((r) => (r.provisionedRequests ?? 0) > 0)
      ? [
          report.basis === 'billed'
            ? 'provisioned: requests on PTU deployments, billed per PTU-hour, never per token; their cost is their share of the capacity.'
            : 'provisioned: requests on PTU deployments, billed per PTU-hour, never per token; their cost is on the billed basis (`--basis billed`: the bill, or before it an estimate from the deployment inventory), not in this estimate.',
        ]
      : []),
    ...(compare ? ['%: n/a when the previous cost is 0 or unknown.'] : []),
    ...(report.basis === 'billed'
      ? [
          'billed basis: the imported bill (EffectiveCost) where it covers the day; the days listed are still list-price estimates, PTU and fine-tuned hosting hours estimated from the deployment inventory.',
        ]
      : []),
    ...(rows.some((r) => r.key.startsWith('(unpriced capacity:'))
      ? [
          '(unpriced capacity: …): provisioned or hosting hours with no hourly price or capacity known; the FOCUS export names each deployment and why.',
        ]
      : []),
  ];
  return `${title}${against}\n${table.toString()}\n${notes.map((n) => `${n}\n`).join('')}`;
}

/** `2026-11-21..2026-11-22` for a run of days, comma-separated runs; empty when every day is billed. */
export function estimatedDays(days: readonly string[]): string {
  const runs: [string, string][] = [];
  for (const day of days) {
    const last = runs.at(-1);
    const next =
      last === undefined
        ? ''
        : new Date(Date.parse(`${last[1]}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    if (last !== undefined && next === day) last[1] = day;
    else runs.push([day, day]);
  }
  return runs.map(([a, b]) => (a === b ? a : `${a}..${b}`)).join(', ');
}

/**
 * Unpriced requests (`partial` when some were priced), capacity days without an hourly price, and
 * provisioned requests, which carry no per-request cost.
 */
function unpricedCell(row: ReportRow): string {
  const unpriced =
    row.unpricedRequests === 0 ? '' : `${row.unpricedRequests}${row.pricing === 'partial' ? ' partial' : ''}`;
  const capacity = row.unpricedCapacityDays ? `${row.unpricedCapacityDays} capacity day(s) unpriced` : '';
  const provisioned = row.provisionedRequests ? `${row.provisionedRequests} provisioned` : '';
  return [unpriced, capacity, provisioned].filter((part) => part !== '').join(', ');
}
