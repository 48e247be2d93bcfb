import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The core: it talks to the outside through ports (shared/pipeline/ports.ts and the like) only. */
const CORE = [
  'shared/pipeline',
  'shared/pricing',
  'shared/events',
  'shared/cost',
  'shared/report',
  'shared/budgets',
];

/** What the core must not import: the composition root, the adapters and the SDKs they wrap. */
const FORBIDDEN: readonly { readonly pattern: RegExp; readonly why: string }[] = [
  { pattern: /^shared\/app\//, why: 'the composition root wires the core, not the other way round' },
  { pattern: /^shared\/store\//, why: 'Cosmos adapters implement the core’s ports' },
  { pattern: /^shared\/spill\//, why: 'the blob spill implements a port' },
  { pattern: /^@azure\/(cosmos|storage-blob|functions)$/, why: 'SDKs belong to the adapters' },
];

/**
 * Report entry points that still take the services or a database themselves: the wiring of the
 * report, audit and page fronts. Listed so that nothing new joins them unnoticed.
 */
const REPORT_FRONTS = new Set([
  'shared/report/runReport.ts',
  'shared/report/reportOutput.ts',
  'shared/report/page/servePage.ts',
  'shared/report/audit.ts',
  'shared/report/auditSources.ts',
  // Audit's rollup check reads both containers the way the refresher does (a read-side entry point).
  'shared/report/auditRollups.ts',
]);

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(repoRoot, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(rel);
    return entry.name.endsWith('.ts') ? [rel] : [];
  });
}

/** Every module a file imports or re-exports, statically or dynamically, as a repo path or package name. */
export function importsOf(file: string, text: string): string[] {
  const specifiers = [
    ...text.matchAll(/\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g),
    ...text.matchAll(/\bimport\s*['"]([^'"]+)['"]/g),
    ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((match) => match[1] ?? '');
  return specifiers.map((spec) =>
    spec.startsWith('.')
      ? path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)).replace(/\.js$/, '.ts')
      : spec,
  );
}

describe('dependencies point one way: adapters and shared/app depend on the core, never back', () => {
  const files = CORE.flatMap(sourceFiles).filter((file) => !REPORT_FRONTS.has(file));

  it('finds the core modules', () => {
    expect(files).toContain('shared/pipeline/backfill.ts');
    expect(files).toContain('shared/pricing/refreshPriceBook.ts');
  });

  it('no core module imports shared/app, shared/store, shared/spill or a storage SDK', () => {
    const violations = files.flatMap((file) =>
      importsOf(file, readFileSync(path.join(repoRoot, file), 'utf8')).flatMap((target) =>
        FORBIDDEN.filter(({ pattern }) => pattern.test(target)).map(
          ({ why }) => `${file} → ${target}: ${why}`,
        ),
      ),
    );
    expect(violations).toEqual([]);
  });

  it('the scan sees every import form', () => {
    const text = [
      "import type { Services } from '../app/services.js';",
      "import { CosmosRollups,\n  type X } from '../store/cosmosRollups.js';",
      "export { a } from '../store/a.js';",
      "import '../spill/blobSpill.js';",
      "const m = await import('@azure/cosmos');",
    ].join('\n');
    expect(importsOf('shared/pipeline/x.ts', text)).toEqual([
      'shared/app/services.ts',
      'shared/store/cosmosRollups.ts',
      'shared/store/a.ts',
      'shared/spill/blobSpill.ts',
      '@azure/cosmos',
    ]);
  });
});
