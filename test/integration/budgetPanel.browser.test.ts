import type { Server } from 'node:http';

import type { Browser, Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { chargebackPage } from '../../functions/chargebackPage.js';
import { closeServer } from '../../local/closeServer.js';
import { budgetFromArguments } from '../../shared/budgets/budget.js';
import { CosmosBudgets } from '../../shared/store/cosmosBudgets.js';
import { nanosToDecimal } from '../../shared/cost/money.js';
import { ingestBatch } from '../../shared/pipeline/ingestBatch.js';
import {
  allRecords,
  HOSTILE_APP,
  hostileEvent,
  startChargebackStack,
  sumNanos,
  type ChargebackStack,
} from '../helpers/chargebackStack.js';
import { browserForTests } from '../helpers/findBrowser.js';
import { launchChromium, serveFunctions } from '../helpers/functionsInBrowser.js';

const BROWSER = browserForTests();
const MISSING = BROWSER.kind === 'found' ? 'the local stack did not start' : BROWSER.message;
const HR = '7d8a1c3e-2b4f-4e6a-9c1d-0f2e3a4b5c6d';
const HOSTILE_UNIT = 'R&D <Labs>';

let world: ChargebackStack | undefined;
let server: Server | undefined;
let browser: Browser | undefined;
let base = '';

/** Now, but never before today's UTC midnight: the usage lands in the current budget periods. */
function eventTime(): string {
  const now = Date.now();
  return new Date(Math.max(now - (now % 86_400_000), now - 60_000)).toISOString();
}

async function attributeOfAll(locator: Locator, name: string): Promise<(string | null)[]> {
  const all = await locator.all();
  return Promise.all(all.map((one) => one.getAttribute(name)));
}

beforeAll(async () => {
  if (BROWSER.kind !== 'found') return;
  const started = await startChargebackStack([HOSTILE_APP]);
  world = started;
  const events = [
    hostileEvent(eventTime()),
    hostileEvent(eventTime()),
    { ...hostileEvent(eventTime()), appId: HR },
  ];
  await ingestBatch(
    events,
    events.map(() => ({ kind: 'file' as const })),
    started.services.ingest,
    undefined,
  );
  const records = await allRecords(started.db);
  const hostile = sumNanos(records.filter((r) => r.appId === HOSTILE_APP.appId));
  const store = new CosmosBudgets(started.services.database);
  await store.ensure();
  const set = (args: Parameters<typeof budgetFromArguments>[0]) =>
    store.save(budgetFromArguments(args, 'USD'), new Date());
  // The hostile unit over its hard budget (blocked), HR far below, everything on the forecast.
  await set({ scope: `businessUnit:${HOSTILE_UNIT}`, amount: nanosToDecimal(hostile / 2n), hard: true });
  await set({ scope: `app:${HR}`, amount: '100000' });
  await set({ scope: 'all', amount: nanosToDecimal(hostile * 3n), on: 'forecast' });

  ({ server, base } = await serveFunctions({ '/api/chargeback/page': chargebackPage }));
  browser = await launchChromium(BROWSER.path);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (server !== undefined) await closeServer(server);
  await world?.close();
});

describe.skipIf(BROWSER.kind === 'skip')('the budget panel in a real browser', () => {
  it('shows each budget as SVG bars, most at risk first, the blocked one marked, names escaped', async () => {
    if (browser === undefined || world === undefined) throw new Error(MISSING);
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.goto(`${base}/api/chargeback/page?code=k`);
    const panel = page.locator('section#budgets');
    await expect.poll(() => panel.isVisible()).toBe(true);
    expect(await panel.locator('h2').textContent()).toBe('Budgets this period');
    const rows = panel.locator('svg g.budget-row');
    const scopes = await attributeOfAll(rows, 'data-scope');
    expect(scopes).toEqual([`businessUnit:${HOSTILE_UNIT}`, 'all', `app:${HR}`]);
    const states = await attributeOfAll(rows, 'data-state');
    expect(states[0]).toBe('blocked');
    expect(states[2]).toBe('ok');
    // The blocked row's spend bar is drawn past its 100% line.
    const first = rows.first();
    const box = async (selector: string) => (await first.locator(selector).boundingBox())?.width ?? 0;
    expect(await box('rect.actual')).toBeGreaterThan(0);
    const hundred = first.locator('line.threshold').last();
    const [line, actual] = await Promise.all([
      hundred.boundingBox(),
      first.locator('rect.actual').boundingBox(),
    ]);
    expect((actual?.x ?? 0) + (actual?.width ?? 0)).toBeGreaterThan(line?.x ?? Infinity);
    // The unit name is text, not markup.
    expect(await first.locator('text').first().textContent()).toBe(`businessUnit:${HOSTILE_UNIT} (hard)`);
    expect(await first.locator('title').first().textContent()).toContain('USD (200.0%), forecast');
    expect(await first.locator('text').last().textContent()).toBe('200.0% now, 200.0% forecast');
    expect(problems).toEqual([]);
    await page.close();
  });
});
