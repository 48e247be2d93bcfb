import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Installed, generated or machine-local folders: not the project's own text. */
const SKIP = new Set(['node_modules', '.git', 'dist', 'coverage', '.package']);

function projectFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name)) return [];
    const path = join(dir, entry.name);
    return entry.isDirectory() ? projectFiles(path) : [path];
  });
}

describe('the design document', () => {
  it('is cited nowhere: it is not in the repository, so every contract lives in the README or docs/', () => {
    // Spelt as a pattern so this file does not cite it either.
    const citation = new RegExp(['DESIGN', 'md'].join('\\.'));
    const citing = projectFiles(ROOT)
      .filter(
        (path) =>
          /\.(ts|js|json|md|bicep|xml|ya?ml|sh|html|css)$/.test(path) || !basename(path).includes('.'),
      )
      .filter((path) => citation.test(readFileSync(path, 'utf8')))
      .map((path) => relative(ROOT, path));
    expect(citing).toEqual([]);
  });
});
