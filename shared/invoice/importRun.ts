import { randomUUID } from 'node:crypto';

import { UserError } from '../errors.js';
import type { ImportedRun } from './cosmosInvoiceStore.js';
import { FOCUS, type FocusRecord, REQUIRED_COLUMNS } from './focusColumns.js';
import { parseFocusRow } from './focusRow.js';
import { LineAccumulator, type InvoiceLine } from './invoiceLine.js';

/** One file of an export run. */
export interface ExportFile {
  readonly name: string;
  rows(): AsyncIterable<FocusRecord>;
}

/** An export run: its files, and what its manifest says when there is one. */
export interface ExportRun {
  readonly label: string;
  readonly runId: string | null;
  readonly submittedTime: string | null;
  /** Invoice months the run covers even if it holds no Azure OpenAI row (from the manifest). */
  readonly periods: readonly string[];
  readonly files: readonly ExportFile[];
}

export interface InvoiceStorePort {
  lastRun(billingPeriod: string): Promise<ImportedRun | undefined>;
  replacePeriod(run: ImportedRun, lines: readonly InvoiceLine[]): Promise<{ deleted: number }>;
}

export interface ImportSummary {
  readonly label: string;
  readonly rows: number;
  readonly kept: number;
  readonly skipped: Readonly<Record<string, number>>;
  /** Rows that could not be read as they stand (e.g. quantities that disagree): never guessed at. */
  readonly rejected: readonly string[];
  readonly periods: readonly { period: string; lines: number; deleted: number }[];
  /** Months left as they were because a newer export run already replaced them. */
  readonly superseded: readonly string[];
}

function checkColumns(record: FocusRecord, file: string): void {
  const missing = REQUIRED_COLUMNS.filter((c) => !(c in record));
  if (!(FOCUS.skuMeter in record) && !(FOCUS.skuMeterName10 in record))
    missing.push(`${FOCUS.skuMeter} (or ${FOCUS.skuMeterName10})`);
  if (missing.length > 0)
    throw new UserError(`${file}: not a FOCUS cost export, missing column(s) ${missing.join(', ')}`);
}

/**
 * Streams an export run and replaces, for each invoice month it covers, what earlier imports said
 * about that month. Re-importing the same run, or a newer month-to-date run, never adds.
 */
export async function importRun(
  run: ExportRun,
  store: InvoiceStorePort,
  now: () => Date = () => new Date(),
): Promise<ImportSummary> {
  const lines = new LineAccumulator();
  const skipped: Record<string, number> = {};
  const rejected: string[] = [];
  let rows = 0;
  let kept = 0;
  for (const file of run.files) {
    let line = 1;
    for await (const record of file.rows()) {
      line++;
      if (line === 2) checkColumns(record, file.name);
      rows++;
      const outcome = parseFocusRow(record);
      if (outcome.kind === 'kept') {
        kept++;
        lines.add(outcome.row);
      } else if (outcome.kind === 'skipped') {
        skipped[outcome.reason] = (skipped[outcome.reason] ?? 0) + 1;
      } else {
        rejected.push(`${file.name} row ${line - 1}: ${outcome.reason}`);
      }
    }
  }
  const all = lines.lines();
  const periods = [...new Set([...run.periods, ...lines.periods()])].sort();
  const written: { period: string; lines: number; deleted: number }[] = [];
  const superseded: string[] = [];
  const importId = randomUUID();
  for (const period of periods) {
    const last = await store.lastRun(period);
    if (
      run.submittedTime !== null &&
      last !== undefined &&
      last.submittedTime !== null &&
      Date.parse(last.submittedTime) > Date.parse(run.submittedTime)
    ) {
      superseded.push(period);
      continue;
    }
    const mine = all.filter((l) => l.billingPeriod === period);
    const { deleted } = await store.replacePeriod(
      {
        billingPeriod: period,
        importId,
        runId: run.runId,
        submittedTime: run.submittedTime,
        source: run.label,
        lines: mine.length,
        importedAt: now().toISOString(),
        effectiveCostNanos: mine.reduce((sum, l) => sum + l.effectiveCostNanos, 0n).toString(),
        billedCostNanos: mine.reduce((sum, l) => sum + l.billedCostNanos, 0n).toString(),
        currencies: [...new Set(mine.map((l) => l.currency))].sort(),
      },
      mine,
    );
    written.push({ period, lines: mine.length, deleted });
  }
  return { label: run.label, rows, kept, skipped, rejected, periods: written, superseded };
}
