import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

import { parse } from 'csv-parse';
import { type AsyncBuffer, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';

import type { FocusRecord } from './focusColumns.js';

export type FocusFormat = 'csv' | 'csv.gz' | 'parquet';

/** The format from the file name, as Cost Management names its partitions (`part_0_0001.csv.gz`, `….snappy.parquet`). */
export function focusFormat(name: string): FocusFormat | undefined {
  const lower = name.toLowerCase();
  if (lower.endsWith('.parquet')) return 'parquet';
  if (lower.endsWith('.csv.gz') || lower.endsWith('.gz')) return 'csv.gz';
  if (lower.endsWith('.csv')) return 'csv';
  return undefined;
}

/** Rows of a CSV (or gzip CSV) export, one at a time: memory stays flat whatever the file size. */
export async function* readFocusCsv(input: Readable, gzip: boolean): AsyncGenerator<FocusRecord> {
  const parser = parse({ columns: true, bom: true, skip_empty_lines: true, relax_column_count: false });
  const source = gzip ? input.pipe(createGunzip()) : input;
  source.on('error', (error: Error) => parser.destroy(error));
  source.pipe(parser);
  for await (const row of parser as AsyncIterable<Record<string, string>>) {
    const record: Record<string, string | null> = {};
    for (const [column, value] of Object.entries(row)) record[column] = value === '' ? null : value;
    yield record;
  }
}

function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  return JSON.stringify(value);
}

/**
 * Rows of a Parquet export (uncompressed or Snappy, as Cost Management writes them), one row group
 * at a time through ranged reads, so memory holds one row group, never the file.
 */
export async function* readFocusParquet(file: AsyncBuffer): AsyncGenerator<FocusRecord> {
  const metadata = await parquetMetadataAsync(file);
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    const rows = await parquetReadObjects({ file, metadata, rowStart, rowEnd });
    for (const row of rows) {
      const record: Record<string, string | null> = {};
      for (const [column, value] of Object.entries(row)) record[column] = asText(value);
      yield record;
    }
    rowStart = rowEnd;
  }
}
