import { nanosToDecimal } from '../../cost/money.js';
import type { ReportRow } from '../types.js';
import { escapeHtml } from './escape.js';
import { seriesColour } from './palette.js';
import { centsLabel, nanosToNumber } from './scale.js';
import { px, svgRoot, truncate } from './svg.js';

const WIDTH = 960;
const ROW = 30;
const LABEL_W = 260;
const VALUE_W = 200;

/** What a model's bar says: its cost, `n/a` when nothing was priced, and how many were not. */
export function modelValueLabel(row: ReportRow): string {
  if (row.pricing === 'unpriced') return `n/a (${row.unpricedRequests} unpriced)`;
  const cost = centsLabel(row.costNanos);
  return row.pricing === 'partial' ? `${cost} + ${row.unpricedRequests} unpriced` : cost;
}

/** Horizontal bars of each model's cost over the period; an unpriced model has a label and no bar. */
export function modelBarsSvg(rows: readonly ReportRow[], currency: string): string {
  const max = Math.max(0, ...rows.map((r) => nanosToNumber(r.costNanos)));
  const barSpace = WIDTH - LABEL_W - VALUE_W;
  const bars = rows.map((row, i) => {
    const y = 6 + i * ROW;
    const w = max === 0 || row.pricing === 'unpriced' ? 0 : (nanosToNumber(row.costNanos) / max) * barSpace;
    const value = modelValueLabel(row);
    const exact = row.cost === null ? 'unknown' : `exactly ${nanosToDecimal(row.costNanos)}`;
    return (
      `<g class="model-bar" data-model="${escapeHtml(row.key)}" data-pricing="${row.pricing}">` +
      `<title>${escapeHtml(`${row.key}: ${value} ${currency} (${exact}), ${row.requests} requests`)}</title>` +
      `<text x="${LABEL_W - 10}" y="${y + 17}" text-anchor="end" fill="#222">${escapeHtml(truncate(row.key, 36))}</text>` +
      (row.pricing === 'unpriced'
        ? ''
        : `<rect x="${LABEL_W}" y="${y + 4}" width="${px(Math.max(w, 1))}" height="${ROW - 10}" rx="2" fill="${seriesColour(i)}"/>`) +
      `<text x="${px(LABEL_W + Math.max(w, 1) + 8)}" y="${y + 17}" fill="${row.pricing === 'priced' ? '#222' : '#9a6700'}">${escapeHtml(value)}</text></g>`
    );
  });
  return svgRoot(WIDTH, rows.length * ROW + 12, `Cost by model (${currency})`, bars.join(''));
}
