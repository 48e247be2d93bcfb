import { nanosToDecimal } from '../../cost/money.js';
import { byRisk, type BudgetStatus } from '../../budgets/evaluate.js';
import { escapeHtml } from './escape.js';
import { centsLabel } from './scale.js';
import { px, svgRoot, truncate } from './svg.js';

const WIDTH = 960;
const ROW = 40;
const LABEL_W = 260;
const VALUE_W = 210;
const ACTUAL = '#4e79a7';
const FORECAST = '#a0cbe8';
const OVER = '#e15759';

/** The scale of the bars: 100% of the amount, or further when a budget is (or will be) over it. */
function maxPercent(statuses: readonly BudgetStatus[]): number {
  const shares = statuses.flatMap((s) => [
    Number(s.percent),
    Number(s.forecastPercent),
    ...s.budget.thresholds,
  ]);
  return Math.min(Math.max(100, ...shares), 300);
}

function row(status: BudgetStatus, i: number, scale: number): string {
  const { budget } = status;
  const y = 6 + i * ROW;
  const space = WIDTH - LABEL_W - VALUE_W;
  const at = (percent: number) => LABEL_W + (Math.min(percent, scale) / scale) * space;
  const actual = Number(status.percent);
  const forecast = Number(status.forecastPercent);
  const colour = status.exhausted || actual >= 100 ? OVER : ACTUAL;
  const label = `${budget.scope}${budget.hard ? ' (hard)' : ''}`;
  const money = (nanos: bigint) => `${centsLabel(nanos)} ${budget.currency}`;
  const title =
    `${label}, ${budget.period} ${status.window.key}: spent ${nanosToDecimal(status.spentNanos)} of ` +
    `${nanosToDecimal(budget.amountNanos)} ${budget.currency} (${status.percent}%), forecast ` +
    `${nanosToDecimal(status.forecastNanos)} (${status.forecastPercent}%)` +
    (status.unpricedRequests > 0 ? `, ${status.unpricedRequests} unpriced requests not included` : '');
  const ticks = budget.thresholds
    .map(
      (t) =>
        `<line class="threshold" x1="${px(at(t))}" x2="${px(at(t))}" y1="${y + 2}" y2="${y + ROW - 8}" stroke="#222" stroke-width="${t === 100 ? 2 : 1}" stroke-dasharray="${t === 100 ? '' : '3 2'}"><title>${t}%</title></line>`,
    )
    .join('');
  return (
    `<g class="budget-row" data-scope="${escapeHtml(budget.scope)}" data-state="${status.exhausted ? 'blocked' : status.crossed.length > 0 ? 'warning' : 'ok'}">` +
    `<title>${escapeHtml(title)}</title>` +
    `<text x="${LABEL_W - 10}" y="${y + 15}" text-anchor="end" fill="#222">${escapeHtml(truncate(label, 36))}</text>` +
    `<text x="${LABEL_W - 10}" y="${y + 29}" text-anchor="end" fill="#57606a" font-size="11">${escapeHtml(`${budget.period} ${status.window.key}, on ${budget.on}`)}</text>` +
    `<rect class="track" x="${LABEL_W}" y="${y + 6}" width="${px(space)}" height="20" rx="2" fill="#eef0f2"/>` +
    `<rect class="forecast" x="${LABEL_W}" y="${y + 6}" width="${px(Math.max(at(forecast) - LABEL_W, 0))}" height="20" rx="2" fill="${FORECAST}"/>` +
    `<rect class="actual" x="${LABEL_W}" y="${y + 10}" width="${px(Math.max(at(actual) - LABEL_W, 1))}" height="12" rx="2" fill="${colour}"/>` +
    ticks +
    `<text x="${WIDTH - VALUE_W + 10}" y="${y + 15}" fill="#222">${escapeHtml(`${money(status.spentNanos)} of ${centsLabel(budget.amountNanos)}`)}</text>` +
    `<text x="${WIDTH - VALUE_W + 10}" y="${y + 29}" fill="#57606a" font-size="11">${escapeHtml(`${status.percent}% now, ${status.forecastPercent}% forecast`)}</text></g>`
  );
}

/**
 * Pure: each budget's burn — the spend so far (dark), the forecast for the period's end (light) and the
 * thresholds (dashed; 100% solid) — most at risk first. Empty when no budget is set.
 */
export function budgetPanel(statuses: readonly BudgetStatus[]): string {
  if (statuses.length === 0) return '';
  const sorted = [...statuses].sort(byRisk);
  const scale = maxPercent(sorted);
  const svg = svgRoot(
    WIDTH,
    sorted.length * ROW + 12,
    'Budgets: spend so far and forecast against thresholds',
    sorted.map((s, i) => row(s, i, scale)).join(''),
  );
  return (
    `<section id="budgets"><h2>Budgets this period</h2>${svg}` +
    '<p class="note">Dark: spent so far; light: forecast at the end of the period (the last 7 days\' run rate); ' +
    'lines: thresholds, solid at 100%. Most at risk first; budgets run on current UTC months or days, whatever ' +
    'the dates above.</p></section>'
  );
}
