import Table from 'cli-table3';

import { nanosToDecimal } from '../cost/money.js';
import type { ImportedRun } from './cosmosInvoiceStore.js';

/** One invoice month as `invoice list` shows it: the export that replaced it last, and its allocation. */
export interface ImportedMonth {
  readonly month: string;
  readonly source: string;
  readonly exportRunId: string | null;
  readonly submittedTime: string | null;
  readonly importedAt: string;
  readonly lines: number;
  readonly currencies: readonly string[];
  readonly effectiveCost: string | null;
  readonly billedCost: string | null;
  /** When the month's allocation was last computed, and the days of the month a bill covers. */
  readonly allocatedAt: string | null;
  readonly billedDays: number;
}

/** Pure: the imported months beside their allocations, oldest first. */
export function importedMonths(
  runs: readonly ImportedRun[],
  allocations: readonly { month: string; computedAt: string; days: number }[],
): ImportedMonth[] {
  const allocated = new Map(allocations.map((a) => [a.month, a]));
  return runs.map((run) => ({
    month: run.billingPeriod,
    source: run.source,
    exportRunId: run.runId,
    submittedTime: run.submittedTime,
    importedAt: run.importedAt,
    lines: run.lines,
    currencies: run.currencies ?? [],
    effectiveCost:
      run.effectiveCostNanos === undefined ? null : nanosToDecimal(BigInt(run.effectiveCostNanos)),
    billedCost: run.billedCostNanos === undefined ? null : nanosToDecimal(BigInt(run.billedCostNanos)),
    allocatedAt: allocated.get(run.billingPeriod)?.computedAt ?? null,
    billedDays: allocated.get(run.billingPeriod)?.days ?? 0,
  }));
}

export function formatImportedMonths(months: readonly ImportedMonth[], format: 'table' | 'json'): string {
  if (format === 'json') return `${JSON.stringify({ months }, null, 2)}\n`;
  if (months.length === 0) return 'no bill imported yet: run `chargeback invoice import <file|folder>`\n';
  const table = new Table({
    head: [
      'month',
      'export run',
      'submitted',
      'imported at',
      'keys',
      'EffectiveCost',
      'BilledCost',
      'allocated at',
    ],
  });
  for (const m of months)
    table.push([
      m.month,
      m.exportRunId ?? m.source,
      m.submittedTime ?? '',
      m.importedAt,
      m.lines,
      m.effectiveCost === null ? '' : `${m.effectiveCost} ${m.currencies.join('/')}`,
      m.billedCost ?? '',
      m.allocatedAt ?? 'not allocated',
    ]);
  return `${table.toString()}\n`;
}
