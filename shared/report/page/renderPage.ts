import { nanosToDecimal } from '../../cost/money.js';
import { escapeHtml } from './escape.js';
import { htmlPage } from './htmlShell.js';
import type { PageModel } from './pageModel.js';
import { centsLabel } from './scale.js';
import { stackedBarsSvg } from './stackedBars.js';
import { unitBarsSvg } from './unitBars.js';

export interface PageLinks {
  /** The function key the page was opened with, carried into the download links and the form. */
  readonly code?: string | null;
  /** ISO time the page was rendered, shown in the footer. */
  readonly generatedAt: string;
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
): string {
  const params = new URLSearchParams({ from, to, by: 'app', format });
  if (code) params.set('code', code);
  return `../chargeback?${params.toString()}`;
}

const int = (n: number) => n.toLocaleString('en-US');

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
      `<td class="num" title="${nanosToDecimal(row.costNanos)}">${escapeHtml(centsLabel(row.costNanos))}</td><td class="share"><span style="width:${share}%"></span></td></tr>`
    );
  });
  const t = model.total;
  return (
    '<table id="apps"><thead><tr><th class="num">#</th><th>App</th><th>Business unit</th><th class="num">Requests</th>' +
    `<th class="num">Tokens</th><th class="num">Unpriced</th><th class="num">Cost (${escapeHtml(model.currency)})</th><th></th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody><tfoot><tr><td></td><td>Total</td><td></td><td class="num">${int(t.requests)}</td>` +
    `<td class="num">${int(t.totalTokens)}</td><td class="num">${t.unpricedRequests > 0 ? int(t.unpricedRequests) : ''}</td>` +
    `<td class="num" title="${nanosToDecimal(t.costNanos)}">${escapeHtml(centsLabel(t.costNanos))}</td><td></td></tr></tfoot></table>`
  );
}

function cards(model: PageModel): string {
  const t = model.total;
  const card = (label: string, value: string, extra = '') =>
    `<div class="card${extra}"><div class="label">${label}</div><div class="value">${value}</div></div>`;
  return (
    '<div class="cards">' +
    card('Total cost', `${escapeHtml(centsLabel(t.costNanos))} ${escapeHtml(model.currency)}`) +
    card('Requests', int(t.requests)) +
    card('Apps', int(model.apps.length)) +
    card('Unpriced requests', int(t.unpricedRequests), t.unpricedRequests > 0 ? ' warn' : '') +
    '</div>'
  );
}

/** Pure: the whole page as one self-contained HTML document. */
export function renderPage(model: PageModel, links: PageLinks): string {
  const { from, to } = model;
  const code = links.code ? `<input type="hidden" name="code" value="${escapeHtml(links.code)}">` : '';
  const legend = model.series
    .map((s) => `<li><span class="swatch" style="background:${s.colour}"></span>${escapeHtml(s.name)}</li>`)
    .join('');
  const unpricedNote =
    model.total.unpricedRequests > 0
      ? `<p class="note">${int(model.total.unpricedRequests)} request(s) could not be priced; their tokens are counted ` +
        'but no cost is included. <code>chargeback backfill</code> prices them once the price book has their meter.</p>'
      : '';
  const body =
    `<header><div><h1>Azure OpenAI chargeback</h1><div class="period">${escapeHtml(from)} to ${escapeHtml(to)} (UTC days)</div></div>` +
    `<form method="get"><label>From <input type="date" name="from" value="${escapeHtml(from)}" required></label>` +
    `<label>To <input type="date" name="to" value="${escapeHtml(to)}" required></label>${code}<button type="submit">Show</button></form></header>` +
    cards(model) +
    `<section id="by-day"><h2>Cost per ${model.granularity} by business unit</h2>${stackedBarsSvg(model)}` +
    `<ul class="legend">${legend}</ul></section>` +
    `<section id="by-unit"><h2>Cost by business unit</h2>${model.series.length > 0 ? unitBarsSvg(model.series, model.currency) : '<p class="note">No usage in this period.</p>'}</section>` +
    `<section id="by-app"><h2>Apps ranked by cost</h2>${appTable(model)}${unpricedNote}</section>` +
    '<section class="downloads"><h2>Downloads</h2>' +
    `<a href="${escapeHtml(downloadHref(from, to, 'csv', links.code))}" download>CSV by app</a>` +
    `<a href="${escapeHtml(downloadHref(from, to, 'focus', links.code))}" download>FOCUS 1.x CSV</a>` +
    '<p class="note">Amounts are exact sums of per-request costs, rounded once to the cent for display. ' +
    `Business units follow finance's current overrides. Generated ${escapeHtml(links.generatedAt)}.</p></section>`;
  return htmlPage(`Azure OpenAI chargeback, ${from} to ${to}`, body);
}
