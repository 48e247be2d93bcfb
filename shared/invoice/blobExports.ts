import { Readable } from 'node:stream';

import type { BlobClient, ContainerClient } from '@azure/storage-blob';
import type { AsyncBuffer } from 'hyparquet';

import { DependencyError } from '../errors.js';
import { type ExportManifest, isFocusExport, manifestPeriod, parseManifest } from './exportManifest.js';
import type { FocusRecord } from './focusColumns.js';
import type { ExportFile, ExportRun } from './importRun.js';
import { focusFormat, readFocusCsv, readFocusParquet } from './readFocus.js';

/** Parquet needs random access: ranged blob reads, one row group at a time. */
async function blobBuffer(blob: BlobClient): Promise<AsyncBuffer> {
  const { contentLength } = await blob.getProperties();
  return {
    byteLength: contentLength ?? 0,
    slice: async (start, end) => {
      const length = (end ?? contentLength ?? 0) - start;
      const buffer = await blob.downloadToBuffer(start, length);
      return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
    },
  };
}

async function* blobRows(blob: BlobClient, name: string): AsyncGenerator<FocusRecord> {
  const format = focusFormat(name);
  if (format === 'parquet') {
    yield* readFocusParquet(await blobBuffer(blob));
    return;
  }
  const response = await blob.download();
  const body = response.readableStreamBody;
  if (body === undefined) throw new DependencyError('blob', `${name}: empty download`);
  yield* readFocusCsv(Readable.from(body), format === 'csv.gz');
}

function blobFile(container: ContainerClient, name: string): ExportFile {
  return { name, rows: () => blobRows(container.getBlobClient(name), name) };
}

export interface PendingRun {
  readonly manifestName: string;
  readonly manifest: ExportManifest;
  readonly run: ExportRun;
}

/**
 * Every FOCUS export run in the container, oldest first. `blobName` in a manifest is the
 * partition's path in the container.
 */
export async function blobRuns(container: ContainerClient): Promise<PendingRun[]> {
  const runs: PendingRun[] = [];
  for await (const item of container.listBlobsFlat()) {
    if (!item.name.endsWith('manifest.json')) continue;
    const body = await container.getBlobClient(item.name).downloadToBuffer();
    const manifest = parseManifest(body.toString('utf8'), item.name);
    if (!isFocusExport(manifest)) continue;
    runs.push({
      manifestName: item.name,
      manifest,
      run: {
        label: item.name,
        runId: manifest.runInfo.runId,
        submittedTime: manifest.runInfo.submittedTime,
        periods: [manifestPeriod(manifest)],
        files: manifest.blobs.map((b) => blobFile(container, b.blobName.trim())),
      },
    });
  }
  return runs.sort(
    (a, b) => Date.parse(a.manifest.runInfo.submittedTime) - Date.parse(b.manifest.runInfo.submittedTime),
  );
}
