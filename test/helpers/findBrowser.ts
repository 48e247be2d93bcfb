import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

import { chromium } from 'playwright-core';

/** What the finder may look at: injected, so the order and the CI rule are unit-tested. */
export interface BrowserLookups {
  readonly env: { readonly CHROME_PATH?: string | undefined; readonly CI?: string | undefined };
  readonly exists: (path: string) => boolean;
  /** The full path of an executable on PATH, or null. */
  readonly which: (name: string) => string | null;
  /** Where Playwright's own browser would be (`npx playwright install chromium`), or null. */
  readonly playwrightPath: () => string | null;
}

export type BrowserChoice =
  | { readonly kind: 'found'; readonly path: string; readonly from: string }
  /** No browser, outside CI: the browser tests are skipped, with this line printed once. */
  | { readonly kind: 'skip'; readonly message: string }
  /** No browser in CI, or CHROME_PATH naming nothing: the browser tests fail with this message. */
  | { readonly kind: 'fail'; readonly message: string };

export const HOW_TO_GET_ONE =
  'install one with `apt-get install chromium` (or `npx playwright install chromium`), or set CHROME_PATH to a Chrome or Chromium executable';

/**
 * CHROME_PATH, /usr/bin/chromium, chromium-browser and google-chrome on PATH, then Playwright's own
 * browser. None: skip with one loud line, except in CI, which must never go green without them.
 */
export function findBrowser(lookups: BrowserLookups): BrowserChoice {
  const chromePath = lookups.env.CHROME_PATH;
  if (chromePath !== undefined && chromePath !== '') {
    if (lookups.exists(chromePath)) return { kind: 'found', path: chromePath, from: 'CHROME_PATH' };
    return { kind: 'fail', message: `CHROME_PATH=${chromePath} does not exist; ${HOW_TO_GET_ONE}` };
  }
  if (lookups.exists('/usr/bin/chromium'))
    return { kind: 'found', path: '/usr/bin/chromium', from: '/usr/bin/chromium' };
  for (const name of ['chromium-browser', 'google-chrome']) {
    const path = lookups.which(name);
    if (path !== null) return { kind: 'found', path, from: `${name} on PATH` };
  }
  const playwright = lookups.playwrightPath();
  if (playwright !== null && lookups.exists(playwright))
    return { kind: 'found', path: playwright, from: "Playwright's browser" };
  const message = `no Chromium or Chrome found: ${HOW_TO_GET_ONE}`;
  return lookups.env.CI
    ? { kind: 'fail', message: `${message} (CI is set, so this fails)` }
    : { kind: 'skip', message };
}

function which(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return null;
}

export const realLookups: BrowserLookups = {
  env: process.env,
  exists: existsSync,
  which,
  playwrightPath: () => {
    try {
      return chromium.executablePath();
    } catch {
      return null;
    }
  },
};

/** The browser for this run; a skip is announced once, loudly, on stderr. */
export function browserForTests(lookups: BrowserLookups = realLookups): BrowserChoice {
  const choice = findBrowser(lookups);
  if (choice.kind === 'skip')
    process.stderr.write(`\n*** SKIPPING the browser tests: ${choice.message} ***\n\n`);
  return choice;
}
