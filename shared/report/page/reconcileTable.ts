import { CLASSIFICATIONS, type ResourceReconciliation } from '../../invoice/reconcileByResource.js';
import { moneyCell } from './billedTables.js';
import { escapeHtml } from './escape.js';

/**
 * Pure: the reconciliation per Azure OpenAI resource (what `chargeback reconcile` prints per key):
 * how many keys (meter × day) fall in each class, and the estimate against the bill.
 */
export function reconcileTable(resources: readonly ResourceReconciliation[], currency: string): string {
  if (resources.length === 0)
    return '<p class="note">No imported bill covers this period: run <code>chargeback invoice import</code>.</p>';
  const heads = CLASSIFICATIONS.map((c) => `<th class="num">${escapeHtml(c)}</th>`).join('');
  const body = resources
    .map(
      (r) =>
        `<tr><td title="${escapeHtml(r.resourceId)}">${escapeHtml(r.resourceName)}</td><td class="num">${r.keys}</td>` +
        CLASSIFICATIONS.map((c) => `<td class="num">${r.byClass[c] || ''}</td>`).join('') +
        `${moneyCell(r.estimateNanos)}${moneyCell(r.effectiveCostNanos)}${moneyCell(r.billedCostNanos)}` +
        `${moneyCell(r.effectiveCostNanos - r.estimateNanos, true)}</tr>`,
    )
    .join('');
  return (
    `<table id="reconciliation"><thead><tr><th>Resource</th><th class="num">Keys</th>${heads}` +
    `<th class="num">Estimate (${escapeHtml(currency)})</th><th class="num">EffectiveCost</th>` +
    `<th class="num">BilledCost</th><th class="num">Difference</th></tr></thead><tbody>${body}</tbody></table>` +
    '<p class="note">A key is one meter of one resource on one UTC day. <code>matched</code>: within ' +
    '<code>RECONCILE_TOLERANCE_PERCENT</code> of what was recorded. <code>chargeback reconcile --from … --to …</code> ' +
    'lists every key.</p>'
  );
}
