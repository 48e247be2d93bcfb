import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { HttpRequest, HttpResponse, InvocationContext, type HttpHandler } from '@azure/functions';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { chargebackPage } from '../../functions/chargebackPage.js';
import { chargebackReport } from '../../functions/chargebackReport.js';
import { DEMO_SERVICE_PRINCIPALS } from '../../local/demoDirectory.js';
import { ingestBatch } from '../../shared/pipeline/ingestBatch.js';
import { FOCUS_COLUMNS } from '../../shared/report/focus.js';
import {
  allRecords,
  HOSTILE_APP,
  hostileEvent,
  sampleBatch,
  startChargebackStack,
  type ChargebackStack,
} from '../helpers/chargebackStack.js';
import { closeServer } from '../../local/closeServer.js';

const CHROMIUM = '/usr/bin/chromium';
const PERIOD = { from: '2026-11-01', to: '2026-11-30' } as const;
const KEY = 'test-function-key';
const MISSING = `${CHROMIUM} is missing: install it with \`apt-get install -y chromium\` (CI does, in .ci/run)`;

// Undefined until beforeAll succeeds: afterAll must clean up whatever did start.
let world: ChargebackStack | undefined;
let server: Server | undefined;
let base = '';
let browser: Browser | undefined;

function ready(): { world: ChargebackStack; browser: Browser } {
  if (world === undefined || browser === undefined)
    throw new Error(`${MISSING} (or the local stack did not start)`);
  return { world, browser };
}

/** The handlers exactly as the host calls them: an HttpRequest with its query, and a context. */
const ROUTES: Record<string, HttpHandler> = {
  '/api/chargeback/page': chargebackPage,
  '/api/chargeback': chargebackReport,
};

beforeAll(async () => {
  // Nothing to start without the browser: the tests below then fail (never skip) with the reason.
  if (!existsSync(CHROMIUM)) return;
  const started = await startChargebackStack([HOSTILE_APP]);
  world = started;
  const { bodies, sources } = await sampleBatch();
  const hostile = ['2026-11-17T09:00:00Z', '2026-11-19T09:00:00Z', '2026-11-19T10:00:00Z'].map(hostileEvent);
  const result = await ingestBatch(
    [...bodies, ...hostile],
    [...sources, ...hostile.map(() => ({ kind: 'file' as const, file: 'hostile', line: 1 }))],
    started.services.ingest,
    undefined,
  );
  expect(result.status).toBe('processed');

  const http = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const handler = ROUTES[url.pathname];
    if (handler === undefined) {
      res.writeHead(404).end();
      return;
    }
    const request = new HttpRequest({
      url: url.toString(),
      method: 'GET',
      query: Object.fromEntries(url.searchParams),
    });
    const context = new InvocationContext({ functionName: url.pathname, invocationId: randomUUID() });
    void Promise.resolve(handler(request, context)).then(async (init) => {
      const response = new HttpResponse(init);
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => (headers[name] = value));
      res.writeHead(response.status, headers).end(await response.text());
    });
  });
  server = http;
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (server !== undefined) await closeServer(server);
  await world?.close();
});

describe('the chargeback page in a real browser', () => {
  // A missing browser is a broken machine, not a reason to skip.
  it('has Chromium', () => {
    expect(existsSync(CHROMIUM), MISSING).toBe(true);
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
