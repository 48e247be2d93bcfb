import { nanosToDecimal } from '../../cost/money.js';
import { CLASSIFICATIONS, type ResourceReconciliation } from '../../invoice/reconcileByResource.js';
import { escapeHtml } from './escape.js';
import { centsLabel } from './scale.js';

const money = (nanos: bigint, signed = false) => {
  const sign = signed ? (nanos < 0n ? '-' : nanos > 0n ? '+' : '') : nanos < 0n ? '-' : '';
  return `<td class="num" title="${nanosToDecimal(nanos)}">${sign}${escapeHtml(centsLabel(nanos < 0n ? -nanos : nanos))}</td>`;
};

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
        `${money(r.estimateNanos)}${money(r.effectiveCostNanos)}${money(r.billedCostNanos)}` +
        `${money(r.effectiveCostNanos - r.estimateNanos, true)}</tr>`,
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
