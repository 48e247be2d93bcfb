import { nanosToDecimal } from '../../cost/money.js';
import { escapeHtml } from './escape.js';
import { shortDate, type PageModel } from './pageModel.js';
import { centsLabel, nanosToNumber, niceAxis } from './scale.js';
import { px, svgRoot } from './svg.js';

const WIDTH = 960;
const HEIGHT = 320;
const M = { top: 36, right: 16, bottom: 40, left: 72 } as const;
/** No more x labels than this, so they never overlap however long the period. */
const MAX_LABELS = 16;

/**
 * Server-side SVG: one bar per day (or ISO week), stacked by business unit in legend order, with a
 * native <title> tooltip per segment. No script, so it works offline, prints, and survives email.
 */
export function stackedBarsSvg(
  model: Pick<PageModel, 'series' | 'buckets' | 'currency' | 'granularity'>,
): string {
  const plotW = WIDTH - M.left - M.right;
  const plotH = HEIGHT - M.top - M.bottom;
  const max = Math.max(0, ...model.buckets.map((b) => nanosToNumber(b.total)));
  const axis = niceAxis(max);
  const y = (value: number) => M.top + plotH - (value / axis.top) * plotH;
  const parts: string[] = [];

  for (const tick of axis.ticks) {
    parts.push(
      `<line x1="${M.left}" x2="${WIDTH - M.right}" y1="${px(y(tick))}" y2="${px(y(tick))}" stroke="${tick === 0 ? '#888' : '#e3e5e8'}"/>`,
      `<text x="${M.left - 8}" y="${px(y(tick) + 4)}" text-anchor="end" fill="#555">${tick.toFixed(axis.decimals)}</text>`,
    );
  }
  parts.push(
    `<text x="${M.left - 8}" y="${M.top - 20}" text-anchor="end" fill="#555">${escapeHtml(model.currency)}</text>`,
  );

  const n = Math.max(1, model.buckets.length);
  const slot = plotW / n;
  const barW = Math.min(48, Math.max(1, slot * 0.72));
  const every = Math.ceil(n / MAX_LABELS);
  model.buckets.forEach((bucket, i) => {
    const x = M.left + i * slot + (slot - barW) / 2;
    const when = bucket.start === bucket.end ? bucket.start : `${bucket.start} to ${bucket.end}`;
    let base = 0;
    for (const s of model.series) {
      const nanos = bucket.nanos.get(s.name) ?? 0n;
      if (nanos <= 0n) continue;
      const value = nanosToNumber(nanos);
      const top = y(base + value);
      parts.push(
        `<rect class="bar" data-unit="${escapeHtml(s.name)}" x="${px(x)}" y="${px(top)}" width="${px(barW)}" ` +
          `height="${px(Math.max(0.5, y(base) - top))}" fill="${s.colour}">` +
          `<title>${escapeHtml(`${s.name}, ${when}: ${centsLabel(nanos)} ${model.currency} (exactly ${nanosToDecimal(nanos)})`)}</title></rect>`,
      );
      base += value;
    }
    if (i % every === 0) {
      parts.push(
        `<text x="${px(x + barW / 2)}" y="${HEIGHT - M.bottom + 18}" text-anchor="middle" fill="#555">${escapeHtml(shortDate(bucket.start))}</text>`,
      );
    }
  });
  parts.push(
    `<text x="${M.left + plotW / 2}" y="${HEIGHT - 6}" text-anchor="middle" fill="#777">` +
      `${model.granularity === 'day' ? 'day (UTC)' : 'week starting (ISO weeks, UTC)'}</text>`,
  );
  if (max === 0) {
    parts.push(
      `<text x="${M.left + plotW / 2}" y="${M.top + plotH / 2}" text-anchor="middle" fill="#777" font-size="14">No priced usage in this period</text>`,
    );
  }
  const title = `Cost per ${model.granularity} by business unit (${model.currency})`;
  return svgRoot(WIDTH, HEIGHT, title, parts.join(''));
}
