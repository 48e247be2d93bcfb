import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const docs = [
  'README.md',
  ...readdirSync(path.join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/**
 * `npx chargeback` asks the npm registry for a package named `chargeback` wherever the local one is
 * not found (outside the repository, before `npm ci`), and runs it. Commands the docs tell a user
 * to type must forbid that: `npm exec --no -- chargeback`, `npx --no-install chargeback`, a script.
 */
const RISKY =
  /\bnpx\s+(?!--no\b|--no-install\b)(?:-\S+\s+)*chargeback\b|\bnpm\s+exec\s+(?!.*--no\b)[^\n`]*chargeback\b/;

function commands(markdown: string): string[] {
  const lines: string[] = [];
  for (const [, block] of markdown.matchAll(/```[a-z]*\n([\s\S]*?)```/g))
    lines.push(...(block ?? '').split('\n'));
  // Table cells and prose give commands as inline code; the README's warning quotes the bad form with "plain".
  for (const line of markdown.split('\n')) {
    for (const [, code] of line.matchAll(/`([^`]+)`/g)) if (!/\bplain\b/i.test(line)) lines.push(code ?? '');
  }
  return lines;
}

describe('the docs never tell a user to run a registry package named chargeback', () => {
  it.each(docs)('%s', (file) => {
    const risky = commands(readFileSync(path.join(root, file), 'utf8')).filter((line) => RISKY.test(line));
    expect(risky).toEqual([]);
  });
});
