import Table from 'cli-table3';
import { stringify } from 'csv-stringify/sync';

import type { Report, ReportRow } from './types.js';

const COLUMNS = [
  'key',
  'appDisplayName',
  'businessUnit',
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
] as const;

function columnsFor(report: Report): readonly (typeof COLUMNS)[number][] {
  return report.by === 'app'
    ? COLUMNS
    : COLUMNS.filter((c) => c !== 'appDisplayName' && c !== 'businessUnit');
}

function cell(row: ReportRow, column: (typeof COLUMNS)[number]): string {
  const value = row[column];
  return value === null || value === undefined ? '' : String(value);
}

export function reportCsv(report: Report): string {
  const columns = columnsFor(report);
  const header = columns.map((c) => (c === 'key' ? keyName(report) : c));
  return stringify([
    header,
    ...[...report.rows, report.total].map((row) => columns.map((c) => cell(row, c))),
  ]);
}

/**
 * JSON for programs: `cost` is a number (nano-units / 1e9, which prints the exact nine-decimal value),
 * `costExact` the same as a decimal string, `costNanos` the integer ledger amount as a string.
 */
export function reportJson(report: Report): string {
  const forJson = (row: ReportRow) => ({ ...row, cost: Number(row.costNanos) / 1e9, costExact: row.cost });
  return JSON.stringify(
    { ...report, rows: report.rows.map(forJson), total: forJson(report.total) },
    (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value),
    2,
  );
}

export function reportTable(report: Report): string {
  const app = report.by === 'app';
  const table = new Table({
    style: { head: [], border: [] },
    head: [
      keyName(report),
      ...(app ? ['name', 'business unit'] : []),
      'requests',
      'tokens',
      `cost (${report.currency})`,
      'rounded',
      'unpriced',
    ],
    colAligns: [...(app ? ['left', 'left', 'left'] : ['left']), 'right', 'right', 'right', 'right'] as (
      'left' | 'right'
    )[],
  });
  for (const row of [...report.rows, report.total]) {
    table.push([
      row.key,
      ...(app
        ? [row.appDisplayName ?? (row === report.total ? '' : '(unknown)'), row.businessUnit ?? '']
        : []),
      row.requests,
      row.totalTokens,
      row.cost,
      row.costRounded,
      row.unpricedRequests,
    ]);
  }
  return `${report.by === 'app' ? 'Cost by app' : report.by === 'model' ? 'Cost by model' : 'Cost by business unit'}, ${report.from} to ${report.to}\n${table.toString()}\n`;
}

function keyName(report: Report): string {
  return report.by === 'app' ? 'appId' : report.by;
}
