import { escapeHtml } from './escape.js';
import type { Series } from './pageModel.js';
import { centsLabel, nanosToNumber } from './scale.js';
import { px, svgRoot, truncate } from './svg.js';

const WIDTH = 960;
const ROW = 30;
const LABEL_W = 220;
const VALUE_W = 130;

/** Horizontal bars of each business unit's total over the period, in the stacked chart's colours. */
export function unitBarsSvg(series: readonly Series[], currency: string): string {
  const max = Math.max(0, ...series.map((s) => nanosToNumber(s.nanos)));
  const barSpace = WIDTH - LABEL_W - VALUE_W;
  const rows = series.map((s, i) => {
    const y = 6 + i * ROW;
    const w = max === 0 ? 0 : (nanosToNumber(s.nanos) / max) * barSpace;
    const name = escapeHtml(s.name);
    return (
      `<g class="unit-bar"><title>${name}: ${escapeHtml(centsLabel(s.nanos))} ${escapeHtml(currency)}</title>` +
      `<text x="${LABEL_W - 10}" y="${y + 17}" text-anchor="end" fill="#222">${escapeHtml(truncate(s.name, 30))}</text>` +
      `<rect x="${LABEL_W}" y="${y + 4}" width="${px(Math.max(w, 1))}" height="${ROW - 10}" rx="2" fill="${s.colour}"/>` +
      `<text x="${px(LABEL_W + Math.max(w, 1) + 8)}" y="${y + 17}" fill="#222">${escapeHtml(centsLabel(s.nanos))}</text></g>`
    );
  });
  return svgRoot(WIDTH, series.length * ROW + 12, `Cost by business unit (${currency})`, rows.join(''));
}
