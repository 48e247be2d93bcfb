import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';

import type { HttpHandler } from '@azure/functions';
import type { Browser, Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { chargebackPage } from '../../functions/chargebackPage.js';
import { chargebackReport } from '../../functions/chargebackReport.js';
import { DEMO_SERVICE_PRINCIPALS } from '../../local/demoDirectory.js';
import { ingestBatch } from '../../shared/pipeline/ingestBatch.js';
import { nanosToDecimal } from '../../shared/cost/money.js';
import { FOCUS_COLUMNS } from '../../shared/report/focus.js';
import { estimatedDays } from '../../shared/report/formatReport.js';
import { CosmosAllocations } from '../../shared/invoice/cosmosAllocations.js';
import { usageDigestsByDay } from '../../shared/invoice/usageDigest.js';
import {
  allRecords,
  HOSTILE_APP,
  hostileEvent,
  sampleBatch,
  startChargebackStack,
  sumNanos,
  type ChargebackStack,
  type RecordRow,
} from '../helpers/chargebackStack.js';
import { browserForTests } from '../helpers/findBrowser.js';
import { launchChromium, serveFunctions } from '../helpers/functionsInBrowser.js';
import { closeServer } from '../../local/closeServer.js';

// CHROME_PATH, /usr/bin/chromium, chromium-browser, google-chrome, then Playwright's browser. None:
// skipped with one loud line, but failed when CI is set (CI must never go green without them).
const BROWSER = browserForTests();
const PERIOD = { from: '2026-11-01', to: '2026-11-30' } as const;
/** The 30 days before PERIOD: what the page compares with. */
const BEFORE = { from: '2026-10-02', to: '2026-10-31' } as const;
const KEY = 'test-function-key';
const MISSING = BROWSER.kind === 'found' ? 'the local stack did not start' : BROWSER.message;

// Undefined until beforeAll succeeds: afterAll must clean up whatever did start.
let world: ChargebackStack | undefined;
let server: Server | undefined;
let base = '';
let browser: Browser | undefined;

function ready(): { world: ChargebackStack; browser: Browser } {
  if (world === undefined || browser === undefined) throw new Error(MISSING);
  return { world, browser };
}

/** The handlers exactly as the host calls them: an HttpRequest with its query, and a context. */
const ROUTES: Record<string, HttpHandler> = {
  '/api/chargeback/page': chargebackPage,
  '/api/chargeback': chargebackReport,
};

beforeAll(async () => {
  // Nothing to start without a browser: in CI the tests below then fail with the reason.
  if (BROWSER.kind !== 'found') return;
  const started = await startChargebackStack([HOSTILE_APP]);
  world = started;
  const { bodies, sources } = await sampleBatch();
  // The hostile app spent more in October than in November: a fall among the movers, next to the rises.
  const hostile = [
    '2026-11-17T09:00:00Z',
    '2026-11-19T09:00:00Z',
    '2026-11-19T10:00:00Z',
    ...['02', '10', '15', '20', '25', '31'].map((d) => `2026-10-${d}T09:00:00Z`),
  ].map(hostileEvent);
  const result = await ingestBatch(
    [...bodies, ...hostile],
    [...sources, ...hostile.map(() => ({ kind: 'file' as const, file: 'hostile', line: 1 }))],
    started.services.ingest,
    undefined,
  );
  expect(result.status).toBe('processed');

  ({ server, base } = await serveFunctions(ROUTES));
  browser = await launchChromium(BROWSER.path);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (server !== undefined) await closeServer(server);
  await world?.close();
});

describe.skipIf(BROWSER.kind === 'skip')('the chargeback page in a real browser', () => {
  it('has a browser', () => {
    expect(BROWSER.kind, MISSING).toBe('found');
  });

  it('draws the demo data as SVG, escapes Graph names, and links to the downloads', async () => {
    const { world, browser } = ready();
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    page.on('request', (r) => {
      if (!r.url().startsWith(base)) problems.push(`request off the page's origin: ${r.url()}`);
    });

    const response = await page.goto(
      `${base}/api/chargeback/page?${new URLSearchParams({ ...PERIOD, code: KEY }).toString()}`,
    );
    expect(response?.status()).toBe(200);

    // Expected stacks: one segment per (day, business unit) with a cost, straight from the records.
    const records = (await allRecords(world.db)).filter((r) => r.day >= PERIOD.from && r.day <= PERIOD.to);
    const segments = new Map<string, bigint>();
    for (const r of records) {
      const key = `${r.day}|${r.businessUnit ?? '(none)'}`;
      segments.set(key, (segments.get(key) ?? 0n) + BigInt(r.costNanos ?? 0));
    }
    const units = [...new Set(records.map((r) => r.businessUnit ?? '(none)'))].sort();
    expect(units).toEqual(['(none)', 'Finance', 'HR', 'R&D <Labs>', 'Sales']);

    expect(await page.locator('#by-day svg rect.bar').count()).toBe(
      [...segments.values()].filter((n) => n > 0n).length,
    );
    expect(await page.locator('#by-day svg text').allTextContents()).toContain('Nov 1');
    expect((await page.locator('ul.legend li').allTextContents()).sort()).toEqual(units);
    expect(await page.locator('#by-unit g.unit-bar').count()).toBe(units.length);

    const names = await page.locator('#apps tbody .app-name').allTextContents();
    for (const sp of [...DEMO_SERVICE_PRINCIPALS, HOSTILE_APP]) expect(names).toContain(sp.displayName);
    // The hostile name is text: no script ran (no dialog), and no element came from it.
    expect(await page.locator('script, #apps b').count()).toBe(0);

    const focus = await page.locator('a', { hasText: 'FOCUS' }).getAttribute('href');
    expect(focus).toBe(`../chargeback?from=${PERIOD.from}&to=${PERIOD.to}&by=app&format=focus&code=${KEY}`);
    const absolute = await page
      .locator('a', { hasText: 'FOCUS' })
      .evaluate((a) => (a as unknown as { href: string }).href);
    expect(absolute.startsWith(`${base}/api/chargeback?`)).toBe(true);
    const download = await fetch(absolute);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(download.headers.get('content-disposition')).toContain(
      'chargeback-focus-2026-11-01-to-2026-11-30.csv',
    );
    expect((await download.text()).split('\n')[0]).toBe(FOCUS_COLUMNS.join(','));

    mkdirSync('test-output', { recursive: true });
    await page.screenshot({ path: 'test-output/chargeback-page.png', fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it('shows cost by model and what changed against the previous 30 days, straight from the records', async () => {
    const { world, browser } = ready();
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const response = await page.goto(`${base}/api/chargeback/page?${new URLSearchParams(PERIOD).toString()}`);
    expect(response?.status()).toBe(200);
    const records = await allRecords(world.db);
    const within = (p: { from: string; to: string }) =>
      records.filter((r) => r.day >= p.from && r.day <= p.to);

    // One bar per model; a model with nothing priced says n/a, never 0.00.
    const now = within(PERIOD);
    const models = [...new Set(now.map((r) => r.model))].sort();
    const bars = page.locator('#by-model g.model-bar');
    const attributes = async (locator: Locator, names: string[]) =>
      Promise.all(
        (await locator.all()).map(async (g) =>
          JSON.stringify(await Promise.all(names.map(async (n) => g.getAttribute(n)))),
        ),
      );
    expect((await attributes(bars, ['data-model'])).sort()).toEqual(models.map((m) => JSON.stringify([m])));
    for (const model of models) {
      const mine = now.filter((r) => r.model === model);
      const bar = page.locator(`#by-model g.model-bar[data-model="${model}"]`);
      const text = (await bar.locator('text').allTextContents()).join(' ');
      if (mine.every((r) => r.costNanos === null)) {
        expect(await bar.getAttribute('data-pricing')).toBe('unpriced');
        expect(text).toContain('n/a');
      } else
        expect(await bar.locator('title').textContent()).toContain(
          `exactly ${nanosToDecimal(sumNanos(mine))}`,
        );
    }

    // Movers: (app, model) pairs whose known cost changed, largest rise and largest fall first.
    const changes = new Map<string, bigint>();
    const known = (rows: RecordRow[]) => rows.length === 0 || rows.some((r) => r.costNanos !== null);
    const pairs = new Set([...now, ...within(BEFORE)].map((r) => JSON.stringify([r.appId, r.model])));
    for (const pair of pairs) {
      const [appId, model] = JSON.parse(pair) as [string, string];
      const of = (rows: RecordRow[]) => rows.filter((r) => r.appId === appId && r.model === model);
      if (!known(of(now)) || !known(of(within(BEFORE)))) continue;
      const change = sumNanos(of(now)) - sumNanos(of(within(BEFORE)));
      if (change !== 0n) changes.set(pair, change);
    }
    const keysOf = (pair: string) => JSON.parse(pair) as [string, string];
    const ranked = [...changes.entries()].sort(
      (a, b) =>
        (b[1] > a[1] ? 1 : b[1] < a[1] ? -1 : 0) ||
        keysOf(a[0])[0].localeCompare(keysOf(b[0])[0]) ||
        keysOf(a[0])[1].localeCompare(keysOf(b[0])[1]),
    );
    const up = ranked.filter(([, c]) => c > 0n);
    const down = ranked.filter(([, c]) => c < 0n).reverse();
    expect(up.length).toBeGreaterThan(0);
    expect(down.length).toBeGreaterThan(0);
    const shown = async (direction: string) =>
      attributes(page.locator(`#changes g.mover.${direction}`), ['data-app', 'data-model']);
    expect(await shown('up')).toEqual(up.slice(0, 5).map(([pair]) => pair));
    expect(await shown('down')).toEqual(down.slice(0, 5).map(([pair]) => pair));
    const hostilePair = JSON.stringify([HOSTILE_APP.appId, 'gpt-4o-mini-2024-07-18']);
    expect(await shown('down')).toContain(hostilePair);
    const fall = page.locator(`#changes g.mover.down[data-app="${HOSTILE_APP.appId}"]`);
    expect(await fall.locator('title').textContent()).toContain(
      `change ${nanosToDecimal(changes.get(hostilePair) ?? 0n)}`,
    );
    expect(await page.locator('#changes h2').textContent()).toBe(
      'What changed against 2026-10-02 to 2026-10-31',
    );
    expect(await page.locator('script, #changes b').count()).toBe(0);
    await page.close();
  }, 120_000);

  it('shows estimate against billed per business unit, with the unallocated and idle rows, on the billed basis', async () => {
    const { world, browser } = ready();
    // A bill for 2026-11-19 whose usage no app recorded (the stack's records carry no resourceId):
    // every nano-unit goes to the unallocated and idle rows, and the apps keep their estimates.
    const resourceId =
      '/subscriptions/00000000-0000-0000-0000-0000000000a1/resourcegroups/rg-ai/providers/microsoft.cognitiveservices/accounts/aoai-east';
    const key = (
      meterId: string,
      meterName: string,
      meterKind: string,
      label: string,
      kind: 'unallocated' | 'idle',
      nanos: bigint,
    ) => ({
      resourceId,
      resourceName: 'aoai-east',
      meterId,
      meterName,
      meterKind,
      day: '2026-11-19',
      currency: 'USD',
      effectiveCostNanos: nanos,
      billedCostNanos: nanos,
      shares: [{ appId: null, label, kind, effectiveNanos: nanos, billedNanos: nanos }],
    });
    // Meter ids: Retail catalog (samples/retail-prices-snapshot.json).
    const allocations = await CosmosAllocations.open(world.db);
    // Split by no usage (none carries a resourceId), so the report finds it current, not stale.
    const usageDigests = usageDigestsByDay([], ['2026-11-19']);
    const keys = [
      key(
        'babc1534-2115-5f32-98cb-29d58a11eb80',
        'gpt-4o-0806-Inp-glbl Tokens',
        'tokens',
        '(unallocated: aoai-east)',
        'unallocated',
        1_234_567_891n,
      ),
      key(
        '433e638d-598a-5b5f-acbc-27dbbda88216',
        'Provisioned Managed Global Unit',
        'provisioned',
        '(idle capacity: aoai-east)',
        'idle',
        24_000_000_000n,
      ),
    ];
    const basedOn = await allocations.runState('2026-11');
    expect(await allocations.replaceMonth('2026-11', { keys, usageDigests }, basedOn)).toBe(true);
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const response = await page.goto(
      `${base}/api/chargeback/page?${new URLSearchParams({ ...PERIOD, basis: 'billed', code: KEY }).toString()}`,
    );
    expect(response?.status()).toBe(200);
    expect(await page.locator('select[name="basis"] option:checked').textContent()).toBe('billed');

    const inPeriod = (await allRecords(world.db)).filter((r) => r.day >= PERIOD.from && r.day <= PERIOD.to);
    const estimate = sumNanos(inPeriod);
    const table = page.locator('#estimate-vs-billed');
    const cells = async (name: string) => {
      const row = table.locator('tr', { has: page.locator(`td:text-is("${name}")`) });
      return Promise.all(
        (await row.locator('td').all()).map(
          async (td) => (await td.getAttribute('title')) ?? (await td.textContent()) ?? '',
        ),
      );
    };
    // Business unit, estimate, billed, difference, estimated days: exact amounts in the titles.
    expect((await cells('(unallocated: aoai-east)')).slice(1, 4)).toEqual([
      '0.000000000',
      '1.234567891',
      '1.234567891',
    ]);
    expect((await cells('(idle capacity: aoai-east)')).slice(1, 4)).toEqual([
      '0.000000000',
      '24.000000000',
      '24.000000000',
    ]);
    const total = await cells('Total');
    expect(total[1]).toBe(nanosToDecimal(estimate));
    expect(total[2]).toBe(nanosToDecimal(estimate + 25_234_567_891n));
    // The apps' usage is not on that bill: its days stay estimated, and say so.
    const pricedDays = [...new Set(inPeriod.filter((r) => r.costNanos !== null).map((r) => r.day))].sort();
    expect(total[4]).toBe(estimatedDays(pricedDays));
    const labels = await page.locator('#apps tbody .id').allTextContents();
    expect(labels).toEqual(
      expect.arrayContaining(['(unallocated: aoai-east)', '(idle capacity: aoai-east)']),
    );
    expect(await page.locator('a', { hasText: 'FOCUS' }).getAttribute('href')).toBe(
      `../chargeback?from=${PERIOD.from}&to=${PERIOD.to}&by=app&format=focus&basis=billed&code=${KEY}`,
    );
    mkdirSync('test-output', { recursive: true });
    await page.screenshot({ path: 'test-output/chargeback-page-billed.png', fullPage: true });
    await page.close();
  }, 120_000);

  it('switches to weekly bars past 62 days and answers bad dates with an escaped 400 page', async () => {
    const page = await ready().browser.newPage();
    await page.goto(`${base}/api/chargeback/page?from=2026-09-01&to=2026-11-30`);
    expect(await page.locator('#by-day h2').textContent()).toBe('Cost per week by business unit');
    // 2026-09-01 is a Tuesday: 13 ISO weeks, the first clipped to the period.
    const labels = await page.locator('#by-day svg text').allTextContents();
    expect(labels).toContain('Sep 1');
    expect(labels).toContain('Sep 7');

    const bad = await page.goto(`${base}/api/chargeback/page?from=2026-11-31&to=<b>x</b>`);
    expect(bad?.status()).toBe(400);
    expect(await page.locator('section.warn p').textContent()).toContain(
      'from: must be a date as YYYY-MM-DD',
    );
    expect(await page.locator('section.warn b').count()).toBe(0);
    await page.close();
  }, 120_000);
});
