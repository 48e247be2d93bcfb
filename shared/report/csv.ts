import { stringify } from 'csv-stringify/sync';

/**
 * A cell of a CSV we write. Text (names from Graph, tags, `apps set-unit`, model names from events) is
 * neutralised; numbers we computed ourselves are written as numbers, negative ones included.
 */
export type CsvCell = string | number | bigint | CsvNumber | null | undefined;

/** A decimal we produced (an exact cost or change, `-1.250000000`): written as is, never as text. */
export class CsvNumber {
  readonly text: string;
  constructor(text: string) {
    if (!/^-?\d+(\.\d+)?$/.test(text)) throw new Error(`not a plain decimal: ${JSON.stringify(text)}`);
    this.text = text;
  }
}

export const csvNumber = (text: string): CsvNumber => new CsvNumber(text);

/**
 * OWASP "CSV Injection": a spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, tab or CR as
 * a formula (`=HYPERLINK(…)`, `+cmd|' /C calc'!A0`). A leading single quote makes it plain text;
 * the quoting of `"` and `,` is csv-stringify's.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (value instanceof CsvNumber) return value.text;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
    return String(value);
  }
  if (typeof value === 'bigint') return value.toString();
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** The one CSV writer of the project: a header row, then the data rows, every cell made safe. */
export function csvDocument(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return stringify([header.map(csvCell), ...rows.map((row) => row.map(csvCell))]);
}
