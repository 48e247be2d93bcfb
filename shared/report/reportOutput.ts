import { z } from 'zod';

import type { Services } from '../app/services.js';
import { focusCsv } from './focus.js';
import { reportCsv, reportJson, reportTable } from './formatReport.js';
import { describeIssues, reportQuerySchema, type ReportQuery } from './reportQuery.js';
import { runReport } from './runReport.js';
import type { Report } from './types.js';

export interface ReportOutput {
  readonly body: string;
  readonly contentType: string;
  /** For downloads (csv, focus): what a browser should save the file as. */
  readonly filename?: string;
}

export type ParsedQuery =
  { readonly ok: true; readonly query: ReportQuery } | { readonly ok: false; readonly error: string };

/**
 * The one validation behind the CLI, the HTTP function and the page: absent parameters are
 * `undefined`, so the schema's own messages ("from: must be a date as YYYY-MM-DD") name them.
 */
export function parseReportQuery(input: {
  readonly from?: string | null;
  readonly to?: string | null;
  readonly by?: string | null;
  readonly format?: string | null;
  readonly compare?: string | null;
  readonly basis?: string | null;
}): ParsedQuery {
  const parsed = reportQuerySchema.safeParse({
    from: input.from ?? undefined,
    to: input.to ?? undefined,
    by: input.by ?? undefined,
    format: input.format ?? undefined,
    compare: input.compare ?? undefined,
    basis: input.basis ?? undefined,
  });
  if (parsed.success) return { ok: true, query: parsed.data };
  // zod still runs the range checks when a date is malformed ("to: must not be before from
  // (yesterday)"): report the malformed parameter alone, which is the one to fix.
  const own = parsed.error.issues.filter((issue) => issue.code !== 'custom');
  return { ok: false, error: describeIssues(own.length > 0 ? new z.ZodError(own) : parsed.error) };
}

/** appId → business unit after finance's overrides, read off a by-app report (buildReport applied them). */
export function unitsByApp(report: Report): Map<string, string | null> {
  return new Map(report.rows.map((row) => [row.key, row.businessUnit ?? null]));
}

/** Runs the report and renders it in the asked format: the single implementation of every front. */
export async function produceReport(
  services: Pick<Services, 'database' | 'apps' | 'settings'>,
  query: ReportQuery,
): Promise<ReportOutput> {
  const focus = query.format === 'focus';
  // FOCUS rows are slices, not groups; a by-app report is what carries the overridden units for Tags.
  const { report, slices, allocations } = await runReport(services, {
    from: query.from,
    to: query.to,
    by: focus ? 'app' : query.by,
    compare: focus ? undefined : query.compare,
    basis: query.basis,
  });
  const period = `${query.from}-to-${query.to}`;
  switch (query.format) {
    case 'focus':
      return {
        body: focusCsv(slices, {
          currency: report.currency,
          units: unitsByApp(report),
          listCostKnown: services.settings.PRICE_OVERRIDES === undefined,
          ...(allocations ? { allocations } : {}),
        }),
        contentType: 'text/csv; charset=utf-8',
        filename: `chargeback-focus-${query.basis === 'billed' ? 'billed-' : ''}${period}.csv`,
      };
    case 'csv':
      return {
        body: reportCsv(report),
        contentType: 'text/csv; charset=utf-8',
        filename: `chargeback-by-${query.by.join('-')}-${query.basis === 'billed' ? 'billed-' : ''}${period}${query.compare ? '-vs-previous' : ''}.csv`,
      };
    case 'json':
      return { body: reportJson(report), contentType: 'application/json; charset=utf-8' };
    case 'table':
      return { body: reportTable(report), contentType: 'text/plain; charset=utf-8' };
  }
}
