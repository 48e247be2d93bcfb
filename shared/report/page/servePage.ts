import type { Services } from '../../app/services.js';
import { statusDeps } from '../../app/budgetDeps.js';
import { budgetStatuses } from '../../budgets/runEvaluation.js';
import { UserError } from '../../errors.js';
import { reconcileByResource, type ResourceReconciliation } from '../../invoice/reconcileByResource.js';
import { reconcileStored } from '../../invoice/runAllocation.js';
import { addDays, previousPeriod } from '../period.js';
import { parseReportQuery } from '../reportOutput.js';
import { runReport } from '../runReport.js';
import { errorPage } from './htmlShell.js';
import { pageModel } from './pageModel.js';
import { renderPage } from './renderPage.js';

export interface PageParams {
  readonly from?: string | null;
  readonly to?: string | null;
  readonly code?: string | null;
  readonly basis?: string | null;
}

/** Opened without dates, the page shows the month so far: what finance looks at most. */
export function defaultPeriod(now: Date): { from: string; to: string } {
  const to = now.toISOString().slice(0, 10);
  return { from: `${to.slice(0, 8)}01`, to };
}

/** Validates like the report, runs the one report path, renders. Errors are a 400 page, escaped. */
export async function chargebackPageHtml(
  services: Pick<Services, 'database' | 'apps' | 'settings'>,
  params: PageParams,
  now: Date,
): Promise<{ status: 200 | 400; html: string }> {
  const fallback = !params.from && !params.to ? defaultPeriod(now) : {};
  const parsed = parseReportQuery({ from: params.from, to: params.to, basis: params.basis, ...fallback });
  if (!parsed.ok) return { status: 400, html: errorPage(parsed.error) };
  const { report, slices, previousSlices, overrides } = await runReport(services, {
    from: parsed.query.from,
    to: parsed.query.to,
    by: 'app',
    compare: 'previous',
    basis: parsed.query.basis,
  });
  const previous = { ...(report.compared ?? previousPeriod(report.from, report.to)), slices: previousSlices };
  const html = renderPage(pageModel(report, slices, previous, overrides), {
    code: params.code ?? null,
    generatedAt: now.toISOString(),
    budgets: await budgetStatuses(statusDeps(services), now),
    ...(parsed.query.basis === 'billed'
      ? { reconciliation: await resourceReconciliation(services, report.from, report.to) }
      : {}),
  });
  return { status: 200, html };
}

/** The bill against the rollups per resource (the same `reconcile` as the CLI); null without a bill. */
async function resourceReconciliation(
  services: Pick<Services, 'database' | 'settings'>,
  from: string,
  to: string,
): Promise<ResourceReconciliation[] | null> {
  try {
    const { rows } = await reconcileStored(services.database, services.settings, from, addDays(to, 1));
    return reconcileByResource(rows);
  } catch (error) {
    if (error instanceof UserError) return null;
    throw error;
  }
}
