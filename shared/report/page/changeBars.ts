import { nanosToDecimal } from '../../cost/money.js';
import { escapeHtml } from './escape.js';
import type { Mover, PageModel } from './pageModel.js';
import { centsLabel, nanosToNumber } from './scale.js';
import { px, svgRoot, truncate } from './svg.js';

const WIDTH = 960;
const ROW = 28;
const HEAD = 26;
const LABEL_W = 360;
const VALUE_W = 190;
const UP = '#e15759';
const DOWN = '#59a14f';

/** `+1.25 (+12.5%)`, `-0.40 (-100.0%)`, `+3.00 (new)`, `under +0.01 (new)`: the change in cents and percent. */
export function changeLabel(m: Mover): string {
  const abs = m.changeNanos < 0n ? -m.changeNanos : m.changeNanos;
  const sign = m.changeNanos < 0n ? '-' : '+';
  const percent = m.percent === null ? 'new' : `${m.percent.startsWith('-') ? '' : '+'}${m.percent}%`;
  const cents = centsLabel(abs);
  // Under a cent: "under +0.01", never the confusing "+< 0.01"; the tooltip has the exact amount.
  const amount = cents.startsWith('<') ? `under ${sign}0.01` : `${sign}${cents}`;
  return `${amount} (${percent})`;
}

const who = (m: Mover) => `${m.appName ?? m.appId} · ${m.model}`;

/**
 * The top movers against the previous period as bars on one scale: rises in red, falls in green,
 * each with the exact change and both periods' costs in its tooltip.
 */
export function changeBarsSvg(model: Pick<PageModel, 'movers' | 'currency'>): string {
  const all = [...model.movers.up, ...model.movers.down];
  const max = Math.max(0, ...all.map((m) => Math.abs(nanosToNumber(m.changeNanos))));
  const barSpace = WIDTH - LABEL_W - VALUE_W;
  const parts: string[] = [];
  let y = 0;
  const block = (title: string, movers: readonly Mover[], direction: 'up' | 'down') => {
    parts.push(`<text x="0" y="${y + 17}" font-weight="600" fill="#444">${title}</text>`);
    y += HEAD;
    if (movers.length === 0) {
      parts.push(`<text x="${LABEL_W}" y="${y + 15}" fill="#777">none</text>`);
      y += ROW;
    }
    for (const m of movers) {
      const w = max === 0 ? 1 : Math.max(1, (Math.abs(nanosToNumber(m.changeNanos)) / max) * barSpace);
      const tip =
        `${who(m)}: ${nanosToDecimal(m.previousNanos)} → ${nanosToDecimal(m.currentNanos)} ${model.currency}, ` +
        `change ${nanosToDecimal(m.changeNanos)}`;
      parts.push(
        `<g class="mover ${direction}" data-app="${escapeHtml(m.appId)}" data-model="${escapeHtml(m.model)}">` +
          `<title>${escapeHtml(tip)}</title>` +
          `<text x="${LABEL_W - 10}" y="${y + 17}" text-anchor="end" fill="#222">${escapeHtml(truncate(who(m), 52))}</text>` +
          `<rect x="${LABEL_W}" y="${y + 4}" width="${px(w)}" height="${ROW - 10}" rx="2" fill="${direction === 'up' ? UP : DOWN}"/>` +
          `<text x="${px(LABEL_W + w + 8)}" y="${y + 17}" fill="#222">${escapeHtml(changeLabel(m))}</text></g>`,
      );
      y += ROW;
    }
  };
  block('Rose most', model.movers.up, 'up');
  block('Fell most', model.movers.down, 'down');
  return svgRoot(
    WIDTH,
    y + 8,
    `Largest changes against the previous period (${model.currency})`,
    parts.join(''),
  );
}
