import type { BudgetStatus } from '../../budgets/evaluate.js';
import { nanosToDecimal } from '../../cost/money.js';
import { isGuid } from '../../events/guid.js';
import { periodDays } from '../period.js';
import { audioAndImageTokens } from '../tokenKindSums.js';
import type { ReportRow } from '../types.js';
import { budgetPanel } from './budgetPanel.js';
import { changeBarsSvg } from './changeBars.js';
import { escapeHtml } from './escape.js';
import { htmlPage } from './htmlShell.js';
import { modelBarsSvg } from './modelBars.js';
import type { PageModel } from './pageModel.js';
import { centsLabel } from './scale.js';
import { stackedBarsSvg } from './stackedBars.js';
import { unitBarsSvg } from './unitBars.js';
import type { ResourceReconciliation } from '../../invoice/reconcileByResource.js';
import { billedCells, billedHeads, estimateVsBilled } from './billedTables.js';
import { reconcileTable } from './reconcileTable.js';

export interface PageLinks {
  /** The function key the page was opened with, carried into the download links and the form. */
  readonly code?: string | null;
  /** ISO time the page was rendered, shown in the footer. */
  readonly generatedAt: string;
  /** Every budget's status now (shared/budgets), drawn by budgetPanel.ts. */
  readonly budgets?: readonly BudgetStatus[];
  /** On the billed basis: the bill reconciled per resource (`null`: no bill imported yet). */
  readonly reconciliation?: readonly ResourceReconciliation[] | null;
}

/**
 * Relative to `…/chargeback/page`, so the links keep working under any route prefix or gateway path
 * (`/api/chargeback/page` → `/api/chargeback?…`).
 */
export function downloadHref(
  from: string,
  to: string,
  format: 'csv' | 'focus',
  code?: string | null,
  basis?: 'billed',
): string {
  const params = new URLSearchParams({ from, to, by: 'app', format });
  if (basis) params.set('basis', basis);
  if (code) params.set('code', code);
  return `../chargeback?${params.toString()}`;
}

const int = (n: number) => n.toLocaleString('en-US');

/** A cost cell: `n/a` when nothing was priced (never 0.00), marked when only part was. */
function costCell(row: ReportRow): string {
  if (row.pricing === 'unpriced')
    return '<td class="num" title="no request was priced: the cost is unknown">n/a</td>';
  const partial =
    row.pricing === 'partial'
      ? ' <span class="partial" title="some requests are unpriced; this covers the priced ones">partial</span>'
      : '';
  return `<td class="num" title="${nanosToDecimal(row.costNanos)}">${escapeHtml(centsLabel(row.costNanos))}${partial}</td>`;
}

function appTable(model: PageModel): string {
  const top = model.apps[0]?.costNanos ?? 0n;
  const rows = model.apps.map((row, i) => {
    const share = top === 0n ? 0 : Number((row.costNanos * 1000n) / top) / 10;
    return (
      `<tr><td class="num">${i + 1}</td>` +
      `<td><div class="app-name">${escapeHtml(row.appDisplayName ?? '(unknown app)')}</div><div class="id">${escapeHtml(row.key)}</div></td>` +
      `<td>${escapeHtml(row.businessUnit ?? '(none)')}</td>` +
      `<td class="num">${int(row.requests)}</td><td class="num">${int(row.totalTokens)}</td>` +
      `<td class="num">${row.unpricedRequests > 0 ? int(row.unpricedRequests) : ''}</td>` +
      `${costCell(row)}${model.basis ? billedCells(row) : ''}<td class="share"><span style="width:${share}%"></span></td></tr>`
    );
  });
  const t = model.total;
  return (
    '<table id="apps"><thead><tr><th class="num">#</th><th>App</th><th>Business unit</th><th class="num">Requests</th>' +
    `<th class="num">Tokens</th><th class="num">Unpriced</th><th class="num">${model.basis ? 'Billed' : 'Cost'} (${escapeHtml(model.currency)})</th>` +
    `${model.basis ? billedHeads : ''}<th></th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody><tfoot><tr><td></td><td>Total</td><td></td><td class="num">${int(t.requests)}</td>` +
    `<td class="num">${int(t.totalTokens)}</td><td class="num">${t.unpricedRequests > 0 ? int(t.unpricedRequests) : ''}</td>` +
    `${costCell(t)}${model.basis ? billedCells(t) : ''}<td></td></tr></tfoot></table>`
  );
}

function cards(model: PageModel): string {
  const t = model.total;
  const card = (label: string, value: string, extra = '') =>
    `<div class="card${extra}"><div class="label">${label}</div><div class="value">${value}</div></div>`;
  return (
    '<div class="cards">' +
    card(
      model.basis ? 'Total billed' : 'Total cost',
      t.cost === null ? 'n/a' : `${escapeHtml(centsLabel(t.costNanos))} ${escapeHtml(model.currency)}`,
    ) +
    changeCard(model) +
    card('Requests', int(t.requests)) +
    kindCards(t, card) +
    // The billed basis adds `(unallocated: …)` and `(idle capacity: …)` rows: they are not apps.
    card('Apps', int(model.apps.filter((row) => isGuid(row.key)).length)) +
    card('Unpriced requests', int(t.unpricedRequests), t.unpricedRequests > 0 ? ' warn' : '') +
    '</div>'
  );
}

/** Audio and image tokens, only where there are some: a text-only page stays as it was. */
function kindCards(t: ReportRow, card: (label: string, value: string) => string): string {
  const { audio, image } = audioAndImageTokens(t.tokenKinds);
  return (
    (audio > 0 ? card('Audio tokens', int(audio)) : '') + (image > 0 ? card('Image tokens', int(image)) : '')
  );
}

function changeCard(model: PageModel): string {
  const change = model.total.previous;
  if (model.compared === undefined || change === undefined) return '';
  const value =
    change.changeNanos === null
      ? 'n/a'
      : `${change.changeNanos < 0n ? '-' : '+'}${escapeHtml(centsLabel(change.changeNanos < 0n ? -change.changeNanos : change.changeNanos))}` +
        (change.changePercent === null
          ? ''
          : ` <small>(${change.changePercent.startsWith('-') ? '' : '+'}${change.changePercent}%)</small>`);
  return `<div class="card" id="change-card"><div class="label">vs previous ${int(periodDays(model.compared.from, model.compared.to))} days</div><div class="value">${value}</div></div>`;
}

function changesSection(model: PageModel): string {
  if (model.compared === undefined) return '';
  const { from, to } = model.compared;
  const previous = model.total.previous;
  const summary =
    previous === undefined
      ? ''
      : `<p class="note">Total ${previous.previousCost === null ? 'n/a' : escapeHtml(centsLabel(previous.previousCostNanos))} → ` +
        `${model.total.cost === null ? 'n/a' : escapeHtml(centsLabel(model.total.costNanos))} ${escapeHtml(model.currency)}. ` +
        'Pairs of app and model, exact amounts in the tooltips; a pair with unpriced requests on either side is left out.</p>';
  const empty = model.movers.up.length === 0 && model.movers.down.length === 0;
  return (
    `<section id="changes"><h2>What changed against ${escapeHtml(from)} to ${escapeHtml(to)}</h2>` +
    (empty ? '<p class="note">No change against the previous period.</p>' : changeBarsSvg(model)) +
    `${summary}</section>`
  );
}

/** Pure: the whole page as one self-contained HTML document. */
export function renderPage(model: PageModel, links: PageLinks): string {
  const { from, to } = model;
  const code = links.code ? `<input type="hidden" name="code" value="${escapeHtml(links.code)}">` : '';
  const basisSelect =
    '<label>Basis <select name="basis">' +
    `<option value="estimate"${model.basis ? '' : ' selected'}>estimate</option>` +
    `<option value="billed"${model.basis ? ' selected' : ''}>billed</option></select></label>`;
  const billedSection =
    model.basis && model.units
      ? `<section id="billed"><h2>Estimate against billed, by business unit</h2>${estimateVsBilled(model.units, model.total, model.currency)}</section>`
      : '';
  const reconcileSection =
    links.reconciliation === undefined
      ? ''
      : `<section id="reconcile"><h2>Reconciliation with the bill, by resource</h2>${reconcileTable(links.reconciliation ?? [], model.currency)}</section>`;
  const legend = model.series
    .map((s) => `<li><span class="swatch" style="background:${s.colour}"></span>${escapeHtml(s.name)}</li>`)
    .join('');
  const unpricedNote =
    model.total.unpricedRequests > 0
      ? `<p class="note">${int(model.total.unpricedRequests)} request(s) could not be priced; their tokens are counted ` +
        'but no cost is included. <code>chargeback backfill</code> prices them once the price book has their meter.</p>'
      : '';
  const capacityDays = model.total.unpricedCapacityDays ?? 0;
  const capacityNote =
    capacityDays > 0
      ? `<p class="note">${int(capacityDays)} provisioned or fine-tuned deployment-day(s) before the bill have no ` +
        'hourly price in the price book: their capacity cost is not included (<code>(unpriced capacity: …)</code>).</p>'
      : '';
  const body =
    `<header><div><h1>Azure OpenAI chargeback</h1><div class="period">${escapeHtml(from)} to ${escapeHtml(to)} (UTC days)</div></div>` +
    `<form method="get"><label>From <input type="date" name="from" value="${escapeHtml(from)}" required></label>` +
    `<label>To <input type="date" name="to" value="${escapeHtml(to)}" required></label>${basisSelect}${code}<button type="submit">Show</button></form></header>` +
    cards(model) +
    budgetPanel(links.budgets ?? []) +
    billedSection +
    reconcileSection +
    `<section id="by-day"><h2>Cost per ${model.granularity} by business unit</h2>${stackedBarsSvg(model)}` +
    `<ul class="legend">${legend}</ul></section>` +
    `<section id="by-unit"><h2>Cost by business unit</h2>${model.series.length > 0 ? unitBarsSvg(model.series, model.currency) : '<p class="note">No usage in this period.</p>'}</section>` +
    `<section id="by-model"><h2>Cost by model</h2>${model.models.length > 0 ? modelBarsSvg(model.models, model.currency) : '<p class="note">No usage in this period.</p>'}</section>` +
    changesSection(model) +
    `<section id="by-app"><h2>Apps ranked by cost</h2>${appTable(model)}${unpricedNote}${capacityNote}</section>` +
    '<section class="downloads"><h2>Downloads</h2>' +
    `<a href="${escapeHtml(downloadHref(from, to, 'csv', links.code, model.basis))}" download>CSV by app</a>` +
    `<a href="${escapeHtml(downloadHref(from, to, 'focus', links.code, model.basis))}" download>FOCUS 1.x CSV</a>` +
    '<p class="note">Amounts are exact sums of per-request costs, rounded once to the cent for display. ' +
    `Business units follow finance's current overrides. Generated ${escapeHtml(links.generatedAt)}.</p></section>`;
  return htmlPage(`Azure OpenAI chargeback, ${from} to ${to}`, body);
}
