import { describe, expect, it } from 'vitest';

import { buildReport } from '../../../shared/report/buildReport.js';
import { escapeHtml } from '../../../shared/report/page/escape.js';
import { OTHER_UNITS, pageModel } from '../../../shared/report/page/pageModel.js';
import { changeLabel } from '../../../shared/report/page/changeBars.js';
import { downloadHref, renderPage } from '../../../shared/report/page/renderPage.js';
import { centsLabel, niceAxis } from '../../../shared/report/page/scale.js';
import { defaultPeriod } from '../../../shared/report/page/servePage.js';
import type { UsageSlice } from '../../../shared/report/types.js';

const slice = (
  day: string,
  appId: string,
  unit: string | null,
  costNanos: bigint,
  name: string | null = null,
): UsageSlice => ({
  day,
  appId,
  appDisplayName: name,
  businessUnit: unit,
  model: 'gpt-4o-2024-08-06',
  deploymentType: 'global',
  requests: 1,
  promptTokens: 10,
  cachedTokens: 0,
  completionTokens: 5,
  reasoningTokens: 0,
  totalTokens: 15,
  costNanos,
  unpricedRequests: 0,
});

const modelFor = (slices: UsageSlice[], from: string, to: string, overrides?: Map<string, string>) =>
  pageModel(
    buildReport(slices, { by: 'app', from, to, currency: 'USD', ...(overrides ? { overrides } : {}) }),
    slices,
  );

describe('page model', () => {
  it('has a bar per day up to 62 days, and per ISO week (clipped to the period) beyond', () => {
    expect(modelFor([], '2026-11-01', '2027-01-01').buckets).toHaveLength(62);
    const weekly = modelFor(
      [slice('2026-09-06', 'a', 'HR', 5n), slice('2026-09-07', 'a', 'HR', 7n)],
      '2026-09-01',
      '2026-12-01',
    );
    expect(weekly.granularity).toBe('week');
    // 2026-09-01 is a Tuesday: the first week is Tue-Sun, then Monday-to-Sunday weeks.
    expect(weekly.buckets[0]).toMatchObject({ start: '2026-09-01', end: '2026-09-06', total: 5n });
    expect(weekly.buckets[1]).toMatchObject({ start: '2026-09-07', end: '2026-09-13', total: 7n });
    expect(weekly.buckets.at(-1)).toMatchObject({ start: '2026-11-30', end: '2026-12-01' });
  });

  it("stacks by finance's business unit, most expensive first, and folds the tail into one series", () => {
    const slices = Array.from({ length: 12 }, (_, i) =>
      slice('2026-11-02', `app${i}`, `unit${i}`, BigInt(100 + i)),
    );
    const model = modelFor(slices, '2026-11-01', '2026-11-30', new Map([['app0', 'unit11']]));
    expect(model.series.map((s) => s.name)).toEqual([
      'unit11',
      'unit10',
      'unit9',
      'unit8',
      'unit7',
      'unit6',
      'unit5',
      'unit4',
      OTHER_UNITS,
    ]);
    expect(model.series[0]?.nanos).toBe(211n);
    expect(model.series.reduce((sum, s) => sum + s.nanos, 0n)).toBe(model.total.costNanos);
    expect(model.buckets[1]?.total).toBe(model.total.costNanos);
  });
});

describe('page rendering', () => {
  const hostile = '<img src=x onerror=alert(1)> & "q" \'s';
  const slices = [
    slice('2026-11-02', 'evil', hostile, 2_000_000_000n, hostile),
    slice('2026-11-03', 'hr', null, 1n, 'HR'),
    // Model names come from events: the model panel and the movers must escape them too.
    { ...slice('2026-11-04', 'evil', hostile, 5n, hostile), model: `"><svg onload=alert(1)>${hostile}` },
  ];
  const report = buildReport(slices, { by: 'app', from: '2026-11-01', to: '2026-11-30', currency: 'USD' });
  const html = renderPage(pageModel(report, slices, { from: '2026-10-02', to: '2026-10-31', slices: [] }), {
    code: 'k"ey&<',
    generatedAt: '2026-11-30T00:00:00.000Z',
  });

  it('escapes every name, in text and attributes, and has no script or external resource', () => {
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/<svg onload/);
    expect(html).toContain(escapeHtml(hostile));
    expect(html).toMatch(/class="mover up" data-app="evil" data-model="&quot;&gt;&lt;svg onload/);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).toContain('value="k&quot;ey&amp;&lt;"');
  });

  it('links to the downloads relative to the page, carrying the function key', () => {
    expect(downloadHref('2026-11-01', '2026-11-30', 'focus', 'a b&c')).toBe(
      '../chargeback?from=2026-11-01&to=2026-11-30&by=app&format=focus&code=a+b%26c',
    );
    expect(downloadHref('2026-11-01', '2026-11-30', 'csv')).toBe(
      '../chargeback?from=2026-11-01&to=2026-11-30&by=app&format=csv',
    );
    expect(html).toContain(
      'href="../chargeback?from=2026-11-01&amp;to=2026-11-30&amp;by=app&amp;format=csv&amp;code=k%22ey%26%3C"',
    );
  });

  it('draws one segment per (day, unit) with a cost, and never shows a real cost as 0.00', () => {
    expect(html.match(/<rect class="bar"/g)).toHaveLength(3);
    expect(centsLabel(1n)).toBe('< 0.01');
    expect(centsLabel(0n)).toBe('0.00');
    expect(centsLabel(2_005_000_000n)).toBe('2.00');
  });
});

describe('axis and defaults', () => {
  it('picks round ticks that cover the maximum', () => {
    expect(niceAxis(0.11)).toEqual({ top: 0.125, ticks: [0, 0.025, 0.05, 0.075, 0.1, 0.125], decimals: 3 });
    expect(niceAxis(930)).toMatchObject({ top: 1000, decimals: 0 });
    expect(niceAxis(0)).toMatchObject({ top: 1 });
  });

  it('opens on the month so far', () => {
    expect(defaultPeriod(new Date('2026-11-25T13:00:00Z'))).toEqual({ from: '2026-11-01', to: '2026-11-25' });
  });
});

describe('cost by model and what changed', () => {
  const at = (day: string, appId: string, model: string, costNanos: bigint, unpriced = 0): UsageSlice => ({
    ...slice(day, appId, 'HR', costNanos, `App ${appId}`),
    model,
    requests: Math.max(1, unpriced),
    unpricedRequests: unpriced,
  });
  const now = [
    at('2026-11-02', 'a', 'gpt-4o', 5_000_000_000n),
    at('2026-11-02', 'b', 'gpt-4o-mini', 1_000_000_000n),
    at('2026-11-03', 'c', 'gpt-9-ultra', 0n, 3),
    at('2026-11-03', 'd', 'o3', 250_000_000n),
  ];
  const before = [
    at('2026-10-20', 'a', 'gpt-4o', 4_000_000_000n),
    at('2026-10-20', 'b', 'gpt-4o-mini', 3_000_000_000n),
    at('2026-10-20', 'e', 'o1', 700_000_000n),
  ];
  const previous = { from: '2026-10-02', to: '2026-10-31', slices: before };
  const report = buildReport(now, {
    by: 'app',
    from: '2026-11-01',
    to: '2026-11-30',
    currency: 'USD',
    previous,
  });
  const model = pageModel(report, now, previous);
  const html = renderPage(model, { generatedAt: '2026-11-30T00:00:00.000Z' });

  it('ranks models by cost and shows an unpriced one as n/a, not 0.00', () => {
    expect(model.models.map((r) => [r.key, r.pricing])).toEqual([
      ['gpt-4o', 'priced'],
      ['gpt-4o-mini', 'priced'],
      ['o3', 'priced'],
      ['gpt-9-ultra', 'unpriced'],
    ]);
    const bars = html.slice(html.indexOf('id="by-model"'), html.indexOf('id="changes"'));
    expect(bars.match(/class="model-bar"/g)).toHaveLength(4);
    expect(bars).toContain('n/a (3 unpriced)');
    expect(bars).not.toContain('>0.00<');
  });

  it('lists the top movers up and down with exact changes, the disappeared included', () => {
    expect(model.movers.up.map((m) => [m.appId, m.model, m.changeNanos, m.percent])).toEqual([
      ['a', 'gpt-4o', 1_000_000_000n, '25.0'],
      ['d', 'o3', 250_000_000n, null],
    ]);
    expect(model.movers.down.map((m) => [m.appId, m.changeNanos, m.percent])).toEqual([
      ['b', -2_000_000_000n, '-66.7'],
      ['e', -700_000_000n, '-100.0'],
    ]);
    const changes = html.slice(html.indexOf('id="changes"'), html.indexOf('id="by-app"'));
    expect(changes.match(/class="mover up"/g)).toHaveLength(2);
    expect(changes.match(/class="mover down"/g)).toHaveLength(2);
    expect(changes).toContain('+1.00 (+25.0%)');
    expect(changes).toContain('+0.25 (new)');
    expect(changes).toContain('-2.00 (-66.7%)');
    expect(
      changeLabel({
        ...(model.movers.up[0] ?? model.movers.down[0] ?? expect.fail('no mover')),
        changeNanos: -4_000_000n,
        percent: '-50.0',
      }),
    ).toBe('under -0.01 (-50.0%)');
    expect(html).toContain('What changed against 2026-10-02 to 2026-10-31');
  });

  it('keeps at most five each way', () => {
    const many = Array.from({ length: 8 }, (_, i) => at('2026-11-02', `x${i}`, 'gpt-4o', BigInt(i + 1)));
    const m = pageModel(
      buildReport(many, { by: 'app', from: '2026-11-01', to: '2026-11-30', currency: 'USD' }),
      many,
      {
        from: '2026-10-02',
        to: '2026-10-31',
        slices: [],
      },
    );
    expect(m.movers.up.map((x) => x.appId)).toEqual(['x7', 'x6', 'x5', 'x4', 'x3']);
  });

  it('shows an app with nothing priced as n/a in the ranking', () => {
    const row = html.slice(html.indexOf('App c'));
    expect(row.slice(0, row.indexOf('</tr>'))).toMatch(/>n\/a<\/td>/);
  });
});

describe('the page shows audio and image tokens where they exist', () => {
  const render = (slices: UsageSlice[]) =>
    renderPage(
      pageModel(
        buildReport(slices, { by: 'app', from: '2026-11-01', to: '2026-11-30', currency: 'USD' }),
        slices,
      ),
      { code: '', generatedAt: '2026-11-30T00:00:00.000Z' },
    );

  it('adds a card for each, summed over the period', () => {
    const html = render([
      { ...slice('2026-11-02', 'a', 'HR', 10n), tokenKinds: { audioInput: 1000, audioOutput: 480 } },
      {
        ...slice('2026-11-03', 'b', 'HR', 10n),
        tokenKinds: { audioInput: 20, imageInput: 40, imageOutput: 50 },
      },
    ]);
    expect(html).toContain('<div class="label">Audio tokens</div><div class="value">1,500</div>');
    expect(html).toContain('<div class="label">Image tokens</div><div class="value">90</div>');
  });

  it("counts apps only: the bill's unallocated and idle rows are not apps", () => {
    const app = '7d8a1c3e-2b4f-4e6a-9c1d-0f2e3a4b5c6d';
    const html = render([
      slice('2026-11-02', app, 'HR', 10n),
      slice('2026-11-02', '(unallocated: aoai-eastus)', '(unallocated: aoai-eastus)', 5n),
      slice('2026-11-02', '(idle capacity: aoai-eastus)', '(idle capacity: aoai-eastus)', 7n),
    ]);
    expect(html).toContain('<div class="label">Apps</div><div class="value">1</div>');
  });

  it('and none for text-only data', () => {
    const html = render([slice('2026-11-02', 'a', 'HR', 10n)]);
    expect(html).not.toMatch(/Audio tokens|Image tokens/);
  });
});
