import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

const patterns = readFileSync(new URL('../../../.funcignore', import.meta.url), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));

/** The gitignore rules .funcignore follows, as far as this file uses them: anchors, `*`, negation. */
function ignored(path: string): boolean {
  let result = false;
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const pattern = negated ? raw.slice(1) : raw;
    const anchored = pattern.startsWith('/');
    const glob = new RegExp(
      `^${pattern
        .replace(/^\//, '')
        .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '[^/]*')}(/|$)`,
    );
    const segments = path.split('/');
    const candidates = anchored ? [path] : segments.map((_, i) => segments.slice(i).join('/'));
    if (candidates.some((candidate) => glob.test(candidate))) result = !negated;
  }
  return result;
}

describe('.funcignore', () => {
  it.each([
    'node_modules/node/bin/node',
    'node_modules/typescript/lib/tsc.js',
    'test/unit/runtime.test.ts',
    'bench/main.ts',
    'local/stack.ts',
    'shared/config.ts',
    'functions/ingestUsage.ts',
    'cli/main.ts',
    'dist/cli/main.js',
    'dist/local/stack.js',
    'dist/aoai-chargeback.zip',
    'local.settings.json',
    'infra/main.bicep',
  ])('keeps %s out of a direct publish', (path) => {
    expect(ignored(path)).toBe(true);
  });

  it.each([
    'host.json',
    'package.json',
    'package-lock.json',
    'dist/functions/ingestUsage.js',
    'dist/shared/config.js',
    'dist/shared/store/containers.js',
  ])('keeps %s in', (path) => {
    expect(ignored(path)).toBe(false);
  });
});
