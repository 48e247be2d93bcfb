import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

import { asyncBufferFromFile } from 'hyparquet';

import { UserError } from '../errors.js';
import type { FocusRecord } from './focusColumns.js';
import { isFocusExport, manifestPeriod, parseManifest } from './exportManifest.js';
import type { ExportFile, ExportRun } from './importRun.js';
import { focusFormat, readFocusCsv, readFocusParquet } from './readFocus.js';

export function localFile(path: string): ExportFile {
  const format = focusFormat(path);
  if (format === undefined) throw new UserError(`${path}: not a .csv, .csv.gz or .parquet file`);
  return {
    name: path,
    rows: () =>
      format === 'parquet' ? parquetRows(path) : readFocusCsv(createReadStream(path), format === 'csv.gz'),
  };
}

async function* parquetRows(path: string): AsyncGenerator<FocusRecord> {
  yield* readFocusParquet(await asyncBufferFromFile(path));
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? walk(join(dir, e.name)) : Promise.resolve([join(dir, e.name)]))),
  );
  return nested.flat();
}

/**
 * A file is one run; a folder is every export run in it: each `manifest.json` with the partitions
 * it lists (found beside it, by file name), or, without manifests, every export file in the folder
 * as one run. Runs come oldest first, so a newer month-to-date run has the last word.
 */
export async function localRuns(path: string): Promise<ExportRun[]> {
  const info = await stat(path).catch(() => {
    throw new UserError(`${path}: no such file or folder`);
  });
  if (info.isFile()) {
    return [{ label: path, runId: null, submittedTime: null, periods: [], files: [localFile(path)] }];
  }
  const files = await walk(path);
  const manifests = files.filter((f) => basename(f) === 'manifest.json');
  if (manifests.length === 0) {
    const exports = files.filter((f) => focusFormat(f) !== undefined).sort();
    if (exports.length === 0) throw new UserError(`${path}: no export file (.csv, .csv.gz, .parquet) in it`);
    return [{ label: path, runId: null, submittedTime: null, periods: [], files: exports.map(localFile) }];
  }
  const runs: ExportRun[] = [];
  for (const manifestPath of manifests) {
    const manifest = parseManifest(await readFile(manifestPath, 'utf8'), manifestPath);
    if (!isFocusExport(manifest)) continue;
    const folder = dirname(manifestPath);
    runs.push({
      label: manifestPath,
      runId: manifest.runInfo.runId,
      submittedTime: manifest.runInfo.submittedTime,
      periods: [manifestPeriod(manifest)],
      files: manifest.blobs.map((b) => localFile(join(folder, basename(b.blobName)))),
    });
  }
  return runs.sort((a, b) => Date.parse(a.submittedTime ?? '') - Date.parse(b.submittedTime ?? ''));
}
