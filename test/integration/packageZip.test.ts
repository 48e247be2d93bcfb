import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, parse } from 'node:path';
import { fileURLToPath } from 'node:url';

import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { packageApp, type PackageResult } from '../../tools/packageApp.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FUNCTIONS = readdirSync(join(ROOT, 'functions'))
  .filter((name) => name.endsWith('.ts'))
  .map((name) => name.replace(/\.ts$/, '.js'));

let work: string;
let app: string;
let result: PackageResult;
let entries: string[];

/** Imports every function module from the unpacked app, in a fresh node outside the repository. */
function importFunctions(): { status: number | null; stdout: string; stderr: string } {
  const script = `for (const f of ${JSON.stringify(FUNCTIONS)}) { await import('./dist/functions/' + f); console.log('imported ' + f); }`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: app,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '' },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

beforeAll(() => {
  // Outside the repository, so module resolution can never climb into its node_modules.
  work = mkdtempSync(join(tmpdir(), 'chargeback-package-'));
  const build = join(work, 'build');
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const compiled = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.package.json', '--outDir', build], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  expect(compiled.stdout + compiled.stderr).toBe('');
  result = packageApp({ root: ROOT, distDir: build, outFile: join(work, 'app.zip') });
  app = join(work, 'app');
  const files = unzipSync(readFileSync(result.outFile));
  entries = Object.keys(files);
  for (const [path, bytes] of Object.entries(files)) {
    mkdirSync(dirname(join(app, path)), { recursive: true });
    writeFileSync(join(app, path), bytes);
  }
}, 240_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('npm run package: the deployment zip', () => {
  it('holds the host files and the compiled functions at its root', () => {
    expect(entries).toEqual(expect.arrayContaining(['host.json', 'package.json', 'package-lock.json']));
    expect(entries).toEqual(expect.arrayContaining(FUNCTIONS.map((f) => `dist/functions/${f}`)));
    // Only what the host runs: no sources, tests, CLI, demo or stand-ins.
    expect(entries.filter((e) => !e.startsWith('node_modules/') && e.endsWith('.ts'))).toEqual([]);
    const top = new Set(
      entries.map((e) =>
        e
          .split('/')
          .slice(0, e.startsWith('dist/') ? 2 : 1)
          .join('/'),
      ),
    );
    expect([...top].sort()).toEqual(
      [
        'dist/functions',
        'dist/shared',
        'host.json',
        'node_modules',
        'package-lock.json',
        'package.json',
      ].sort(),
    );
  });

  it('holds production dependencies only', () => {
    const packaged = new Set(
      entries.filter((e) => e.startsWith('node_modules/')).map((e) => e.split('/')[1]),
    );
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    for (const name of Object.keys(pkg.dependencies)) expect(packaged).toContain(name.split('/')[0]);
    for (const name of ['node', 'typescript', 'vitest', 'playwright-core', 'azurite', 'eslint', 'fflate']) {
      expect(packaged.has(name), name).toBe(false);
    }
    expect(result.packages).not.toContain('node_modules/@vercel/cosmosdb-server');
  });

  it('imports every function module with only the packed dependencies', () => {
    let dir = app;
    while (dir !== parse(dir).root) {
      dir = dirname(dir);
      expect(existsSync(join(dir, 'node_modules')), `${dir}/node_modules would leak into resolution`).toBe(
        false,
      );
    }
    const run = importFunctions();
    expect(run.stderr).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find/);
    expect(run.status).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual(FUNCTIONS.map((f) => `imported ${f}`));
  });

  it('would fail if a runtime dependency were missing from the zip', () => {
    rmSync(join(app, 'node_modules', 'zod'), { recursive: true });
    const run = importFunctions();
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/Cannot find package 'zod'/);
  });
});
