import Table from 'cli-table3';

import { nanosToDecimal } from '../cost/money.js';
import { alertView, type AlertDoc } from './alertDoc.js';
import type { Budget } from './budget.js';
import { byRisk, type BudgetStatus } from './evaluate.js';
import { limitBudget } from './limits.js';

const plain = { style: { head: [], border: [] } };

/** Exact, with at least cents: `1250.50`, `0.00318` (a budget of a few cents must not read 0.00). */
export function money(nanos: bigint): string {
  const exact = nanosToDecimal(nanos);
  return exact.replace(/(\.\d\d\d*?)0+$/, '$1');
}

export function budgetsTable(budgets: readonly Budget[]): string {
  if (budgets.length === 0) return 'no budgets (chargeback budgets set <scope> --amount <n>)\n';
  const table = new Table({
    ...plain,
    head: ['scope', 'period', 'amount', 'thresholds', 'on', 'hard'],
    colAligns: ['left', 'left', 'right', 'left', 'left', 'left'],
  });
  for (const b of budgets) {
    table.push([
      b.scope,
      b.period,
      `${money(b.amountNanos)} ${b.currency}`,
      b.thresholds.map((t) => `${t}%`).join(','),
      b.on,
      b.hard ? 'hard' : '',
    ]);
  }
  return `${table.toString()}\n`;
}

/** `budgets status`: most at risk first; exact figures in JSON, cents in the table. */
export function statusOutput(statuses: readonly BudgetStatus[], format: 'table' | 'json'): string {
  const sorted = [...statuses].sort(byRisk);
  if (format === 'json') return `${JSON.stringify(sorted.map(limitBudget), null, 2)}\n`;
  if (sorted.length === 0) return 'no budgets (chargeback budgets set <scope> --amount <n>)\n';
  const table = new Table({
    ...plain,
    head: [
      'scope',
      'period',
      'amount',
      'spent',
      'remaining',
      '%',
      'forecast',
      'fcst %',
      'unpriced',
      'crossed',
    ],
    colAligns: ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
  });
  for (const s of sorted) {
    const remaining = s.budget.amountNanos - s.spentNanos;
    table.push([
      s.budget.scope + (s.budget.hard ? ' (hard)' : ''),
      `${s.budget.period} ${s.window.key}`,
      money(s.budget.amountNanos),
      money(s.spentNanos),
      money(remaining > 0n ? remaining : 0n),
      s.percent,
      money(s.forecastNanos),
      s.forecastPercent,
      s.unpricedRequests > 0 ? String(s.unpricedRequests) : '',
      [...s.crossed.map((t) => `${t}%`), ...(s.exhausted ? ['BLOCKED'] : [])].join(' '),
    ]);
  }
  const currency = sorted[0]?.budget.currency ?? '';
  return `${table.toString()}\nAmounts in ${currency}; forecast = spend + 7-day run rate × time left. Unpriced requests have no cost yet.\n`;
}

export function alertsOutput(docs: readonly AlertDoc[], format: 'table' | 'json'): string {
  if (format === 'json') {
    const rows = docs.map((d) => ({ ...alertView(d), delivery: d.delivery }));
    return `${JSON.stringify(rows, null, 2)}\n`;
  }
  if (docs.length === 0) return 'no alerts fired in this range\n';
  const table = new Table({
    ...plain,
    head: ['fired (UTC)', 'scope', 'period', 'threshold', 'spent', 'forecast', 'delivery', 'attempts'],
    colAligns: ['left', 'left', 'left', 'right', 'right', 'right', 'left', 'right'],
  });
  for (const d of docs) {
    table.push([
      d.firedAt.slice(0, 19).replace('T', ' '),
      d.scope,
      d.periodKey,
      `${d.threshold}% ${d.on}`,
      money(BigInt(d.spentNanos)),
      money(BigInt(d.forecastNanos)),
      d.delivery.status + (d.delivery.lastError ? ` (${d.delivery.lastError.slice(0, 40)})` : ''),
      String(d.delivery.attempts),
    ]);
  }
  return `${table.toString()}\n`;
}
