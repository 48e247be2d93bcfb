import { readdirSync, readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../../', import.meta.url);
const DOCS = ['README.md', ...readdirSync(new URL('docs/', ROOT)).map((name) => `docs/${name}`)].filter(
  (path) => path.endsWith('.md'),
);
const AGGREGATES = /\b(SUM|COUNT|AVG|MIN|MAX|COUNTIF|MAKELIST|MAKESET)\s*\(/gi;

/** Every ```sql block: Cosmos DB NoSQL queries. T-SQL (Fabric's SQL endpoint) is fenced ```tsql. */
function sqlBlocks(path: string): string[] {
  const text = readFileSync(new URL(path, ROOT), 'utf8');
  return [...text.matchAll(/^```sql\n([\s\S]*?)^```/gm)].map((match) => match[1] ?? '');
}

/**
 * Aggregates that are not a whole projection item. Cosmos DB rejects any composition of an aggregate
 * with another expression ("Compositions of aggregates and other expressions are not allowed"), so
 * `SUM(x) / 1e9` and `ROUND(SUM(x), 2)` fail while `SUM(x / 1e9)` runs. Returns the offending snippets.
 */
function composedAggregates(query: string): string[] {
  // Comments and string literals out, so their contents cannot look like code.
  const code = query.replace(/--[^\n]*/g, ' ').replace(/'(?:[^'\\]|\\.)*'/g, "''");
  const found: string[] = [];
  for (const match of code.matchAll(AGGREGATES)) {
    const start = match.index;
    let depth = 0;
    let end = start + match[0].length - 1;
    for (; end < code.length; end++) {
      if (code[end] === '(') depth++;
      if (code[end] === ')' && --depth === 0) break;
    }
    const before = code.slice(0, start).trimEnd();
    const after = code.slice(end + 1).trimStart();
    const wholeItem =
      /(\bSELECT|\bVALUE|,)$/i.test(before) && /^($|,|AS\b|FROM\b|[A-Za-z_]\w*\s*(,|FROM\b|$))/i.test(after);
    if (!wholeItem)
      found.push(
        code
          .slice(Math.max(0, start - 12), end + 14)
          .replace(/\s+/g, ' ')
          .trim(),
      );
  }
  return found;
}

describe('Cosmos SQL in the README and docs/', () => {
  it('finds the SQL blocks', () => {
    expect(DOCS.flatMap(sqlBlocks).length).toBeGreaterThan(5);
  });

  it.each(DOCS)('%s: no aggregate is composed with another expression', (path) => {
    expect(sqlBlocks(path).flatMap(composedAggregates)).toEqual([]);
  });

  it('the check rejects what Cosmos rejects and passes what it runs', () => {
    expect(
      composedAggregates('SELECT SUM(StringToNumber(c.costNanos)) / 1000000000 AS cost FROM c'),
    ).toHaveLength(1);
    expect(composedAggregates('SELECT ROUND(SUM(c.cost), 2) AS cost FROM c')).toHaveLength(1);
    expect(composedAggregates('SELECT 1 + COUNT(1) AS n FROM c')).toHaveLength(1);
    expect(composedAggregates('SELECT VALUE SUM(c.x) * 2 FROM c')).toHaveLength(1);
    expect(
      composedAggregates(
        "SELECT c.unit, SUM(StringToNumber(c.costNanos)) AS costNanos, COUNT(1) n, SUM(c.a / 1e9) AS cost\nFROM c WHERE c.x = 'SUM(1) / 2' GROUP BY c.unit",
      ),
    ).toEqual([]);
    expect(composedAggregates('SELECT VALUE COUNT(1) FROM c')).toEqual([]);
  });
});

describe('docs/finance-queries.md, "Documents, in brief"', () => {
  const text = readFileSync(new URL('docs/finance-queries.md', ROOT), 'utf8');
  /** The bullet for one container, up to the next bullet. */
  const bullet = (container: string): string =>
    /^- `[^`]+`[\s\S]*?(?=^- |^$)/gm.exec(text.slice(text.indexOf(`- \`${container}\``)))?.[0] ?? '';

  it('gives each container its own partition key: <appId>|<day> is the usage key, not the prices one', () => {
    expect(bullet('usage')).toContain('`pk` = `<appId>|<day>`');
    expect(bullet('prices')).not.toContain('<appId>|<day>');
    expect(bullet('prices')).toContain('model family');
  });
});
