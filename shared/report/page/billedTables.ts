import { nanosToDecimal } from '../../cost/money.js';
import { estimatedDays } from '../formatReport.js';
import type { ReportRow } from '../types.js';
import { escapeHtml } from './escape.js';
import { centsLabel } from './scale.js';

/** An amount's cell: cents shown, the exact amount in the tooltip; `signed` also marks a gain with `+`. */
export function moneyCell(nanos: bigint, signed = false): string {
  const sign = nanos < 0n ? '-' : signed && nanos > 0n ? '+' : '';
  return `<td class="num" title="${nanosToDecimal(nanos)}">${sign}${escapeHtml(centsLabel(nanos < 0n ? -nanos : nanos))}</td>`;
}

/** The extra cells of an app row on the billed basis: the estimate beside it, and its estimated days. */
export function billedCells(row: ReportRow): string {
  const b = row.billed;
  if (b === undefined) return '<td></td><td></td>';
  return `${moneyCell(b.estimateNanos)}<td class="days">${escapeHtml(estimatedDays(b.estimatedDays))}</td>`;
}

export const billedHeads = '<th class="num">Estimate</th><th>Estimated days</th>';

/**
 * Per business unit (the unallocated and idle rows are units of their own): the list-price estimate
 * against what the bill charges, and the difference. Exact amounts in the tooltips.
 */
export function estimateVsBilled(units: readonly ReportRow[], total: ReportRow, currency: string): string {
  const row = (name: string, r: ReportRow) => {
    const estimate = r.billed?.estimateNanos ?? 0n;
    return (
      `<tr><td>${escapeHtml(name)}</td>${moneyCell(estimate)}${moneyCell(r.costNanos)}${moneyCell(r.costNanos - estimate, true)}` +
      `<td class="days">${escapeHtml(estimatedDays(r.billed?.estimatedDays ?? []))}</td></tr>`
    );
  };
  return (
    `<table id="estimate-vs-billed"><thead><tr><th>Business unit</th><th class="num">Estimate (${escapeHtml(currency)})</th>` +
    `<th class="num">Billed (${escapeHtml(currency)})</th><th class="num">Difference</th><th>Estimated days</th></tr></thead>` +
    `<tbody>${units.map((u) => row(u.key, u)).join('')}</tbody><tfoot>${row('Total', total)}</tfoot></table>` +
    '<p class="note">Billed: the imported Azure bill (EffectiveCost) allocated to apps where a bill covers the day; ' +
    'the estimated days still show the list-price estimate, provisioned and fine-tuned hosting hours estimated ' +
    'from the deployment inventory. <code>(unallocated: …)</code> is billed usage no app recorded; ' +
    '<code>(idle capacity: …)</code> is provisioned or hosting capacity no app used; ' +
    '<code>(unpriced capacity: …)</code> is capacity whose hourly price is not known.</p>'
  );
}
