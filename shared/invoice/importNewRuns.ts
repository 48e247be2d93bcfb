import type { ContainerClient } from '@azure/storage-blob';

import { blobRuns } from './blobExports.js';
import { importRun, type ImportSummary, type InvoiceStorePort } from './importRun.js';

/**
 * The timer's work: import each FOCUS export run in the container that is newer than what
 * replaced its month last. Cost Management overwrites a month-to-date run daily, so the run seen
 * today may have the same folder as yesterday's but a later `submittedTime`.
 */
export async function importNewRuns(
  container: ContainerClient,
  store: InvoiceStorePort,
  log: (message: string) => void,
): Promise<ImportSummary[]> {
  const done: ImportSummary[] = [];
  for (const pending of await blobRuns(container)) {
    const [period] = pending.run.periods;
    const last = period === undefined ? undefined : await store.lastRun(period);
    const submitted = Date.parse(pending.manifest.runInfo.submittedTime);
    if (last !== undefined && last.submittedTime !== null && Date.parse(last.submittedTime) >= submitted)
      continue;
    const summary = await importRun(pending.run, store);
    log(describeImport(summary));
    done.push(summary);
  }
  return done;
}

export function describeImport(summary: ImportSummary): string {
  const months = summary.periods
    .map((p) => `${p.period}: ${p.lines} lines (${p.deleted} replaced)`)
    .join(', ');
  const skipped = Object.entries(summary.skipped)
    .map(([reason, n]) => `${n} ${reason}`)
    .join(', ');
  return [
    `${summary.label}: ${summary.rows} rows, ${summary.kept} kept; ${months || 'no month replaced'}`,
    ...(skipped ? [`  skipped: ${skipped}`] : []),
    ...(summary.superseded.length > 0
      ? [`  left as they were (a newer export run was imported): ${summary.superseded.join(', ')}`]
      : []),
    ...summary.rejected.map((r) => `  rejected ${r}`),
  ].join('\n');
}
