import { describe, expect, it } from 'vitest';

import { findBrowser, HOW_TO_GET_ONE, type BrowserLookups } from '../helpers/findBrowser.js';

/** A machine with exactly these files, these commands on PATH and this Playwright browser. */
function machine(options: {
  files?: string[];
  path?: Record<string, string>;
  playwright?: string | null;
  env?: BrowserLookups['env'];
}): BrowserLookups {
  const files = new Set(options.files ?? []);
  return {
    env: options.env ?? {},
    exists: (path) => files.has(path),
    which: (name) => options.path?.[name] ?? null,
    playwrightPath: () => options.playwright ?? null,
  };
}

const EVERYTHING = {
  files: ['/opt/chrome', '/usr/bin/chromium', '/pw/chrome'],
  path: { 'chromium-browser': '/snap/bin/chromium-browser', 'google-chrome': '/usr/bin/google-chrome' },
  playwright: '/pw/chrome',
};

describe('finding a browser for the page tests', () => {
  it('takes CHROME_PATH first, then /usr/bin/chromium, chromium-browser, google-chrome, Playwright', () => {
    expect(findBrowser(machine({ ...EVERYTHING, env: { CHROME_PATH: '/opt/chrome' } }))).toEqual({
      kind: 'found',
      path: '/opt/chrome',
      from: 'CHROME_PATH',
    });
    expect(findBrowser(machine(EVERYTHING))).toMatchObject({ path: '/usr/bin/chromium' });
    const noDebian = { ...EVERYTHING, files: ['/pw/chrome'] };
    expect(findBrowser(machine(noDebian))).toMatchObject({ path: '/snap/bin/chromium-browser' });
    expect(
      findBrowser(machine({ ...noDebian, path: { 'google-chrome': '/usr/bin/google-chrome' } })),
    ).toMatchObject({ path: '/usr/bin/google-chrome' });
    expect(findBrowser(machine({ ...noDebian, path: {} }))).toMatchObject({
      path: '/pw/chrome',
      from: "Playwright's browser",
    });
  });

  it('ignores a Playwright path whose browser was never downloaded', () => {
    expect(findBrowser(machine({ playwright: '/pw/chrome' })).kind).toBe('skip');
  });

  it('skips with how to get one when there is none, and fails instead in CI', () => {
    expect(findBrowser(machine({}))).toEqual({
      kind: 'skip',
      message: `no Chromium or Chrome found: ${HOW_TO_GET_ONE}`,
    });
    expect(HOW_TO_GET_ONE).toContain('apt-get install chromium');
    expect(HOW_TO_GET_ONE).toContain('CHROME_PATH');
    expect(findBrowser(machine({ env: { CI: 'true' } }))).toMatchObject({ kind: 'fail' });
  });

  it('fails when CHROME_PATH names nothing, rather than quietly using another browser', () => {
    const choice = findBrowser(machine({ ...EVERYTHING, env: { CHROME_PATH: '/nope' } }));
    expect(choice).toMatchObject({ kind: 'fail' });
    expect(choice.kind === 'fail' && choice.message).toContain('CHROME_PATH=/nope does not exist');
  });
});
