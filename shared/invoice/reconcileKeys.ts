import { toAtto } from '../cost/money.js';
import { exactAtto, type InvoiceLine } from './invoiceLine.js';
import { isCapacity, type MeterKind } from './meterKind.js';
import type { UsageRow } from './usagePort.js';

const ATTO = 10n ** 18n;

/** One reconciliation key: what the bill says (all invoice months merged) and what we recorded. */
export interface KeyView {
  readonly resourceId: string;
  readonly resourceName: string;
  readonly meterId: string;
  readonly meterName: string;
  readonly meterKind: MeterKind | undefined;
  readonly day: string;
  readonly currency: string | undefined;
  readonly billed: boolean;
  /** Billed units rounded to whole units (tokens, images, unit-hours). */
  readonly billedUnits: bigint;
  readonly effectiveCostNanos: bigint;
  readonly billedCostNanos: bigint;
  /** The exact sums behind the two amounts above, in atto-units: what the allocation splits. */
  readonly effectiveCostAtto: bigint;
  readonly billedCostAtto: bigint;
  readonly listCostNanos: bigint | null;
  readonly corrections: number;
  readonly usage: readonly UsageRow[];
}

const keyOf = (resourceId: string, meterId: string, day: string): string => `${resourceId}|${meterId}|${day}`;

/** A billed key's identity (resource + meter + UTC day), for maps over keys, views and allocations. */
export const billedKeyOf = (k: { resourceId: string; meterId: string; day: string }): string =>
  keyOf(k.resourceId, k.meterId, k.day);

interface Billed {
  line: InvoiceLine;
  quantity: bigint;
  effective: bigint;
  billed: bigint;
  effectiveAtto: bigint;
  billedAtto: bigint;
  list: bigint | null;
  corrections: number;
}

/**
 * Joins billed lines and usage rows on resource + meter + day. Capacity lines (PTU, fine-tuned
 * hosting) take the resource's provisioned or fine-tuned usage of that day instead of a meter match.
 */
export function joinKeys(lines: readonly InvoiceLine[], usage: readonly UsageRow[]): KeyView[] {
  const billed = new Map<string, Billed>();
  for (const line of lines) {
    const key = keyOf(line.resourceId, line.meterId, line.day);
    const found = billed.get(key);
    const quantity = toAtto(line.quantity);
    const exact = exactAtto(line);
    if (found === undefined) {
      billed.set(key, {
        line,
        quantity,
        effective: line.effectiveCostNanos,
        billed: line.billedCostNanos,
        effectiveAtto: exact.effective,
        billedAtto: exact.billed,
        list: line.listCostNanos,
        corrections: line.correctionRows,
      });
    } else {
      found.quantity += quantity;
      found.effective += line.effectiveCostNanos;
      found.billed += line.billedCostNanos;
      found.effectiveAtto += exact.effective;
      found.billedAtto += exact.billed;
      found.list =
        found.list === null || line.listCostNanos === null ? null : found.list + line.listCostNanos;
      found.corrections += line.correctionRows;
    }
  }
  const metered = new Map<string, UsageRow[]>();
  const capacity = new Map<string, UsageRow[]>();
  for (const row of usage) {
    if (row.basis === 'meter') {
      if (row.meterId === undefined)
        throw new Error(`usage row of ${row.appId} on ${row.day} has no meterId`);
      push(metered, keyOf(row.resourceId, row.meterId, row.day), row);
    } else {
      push(capacity, `${row.resourceId}|${row.day}|${row.basis}`, row);
    }
  }
  const views: KeyView[] = [];
  for (const [key, b] of billed) {
    const kind = b.line.meterKind;
    const rows = isCapacity(kind)
      ? (capacity.get(`${b.line.resourceId}|${b.line.day}|${kind}`) ?? []).filter(
          // Fine-tuned hosting is per deployment's hosting meter; provisioned capacity is per resource.
          (r) => kind !== 'ftHosting' || r.meterId === undefined || r.meterId === b.line.meterId,
        )
      : (metered.get(key) ?? []);
    metered.delete(key);
    views.push({
      resourceId: b.line.resourceId,
      resourceName: b.line.resourceName,
      meterId: b.line.meterId,
      meterName: b.line.meterName,
      meterKind: kind,
      day: b.line.day,
      currency: b.line.currency,
      billed: true,
      billedUnits: (b.quantity * 2n + ATTO) / (2n * ATTO),
      effectiveCostNanos: b.effective,
      billedCostNanos: b.billed,
      effectiveCostAtto: b.effectiveAtto,
      billedCostAtto: b.billedAtto,
      listCostNanos: b.list,
      corrections: b.corrections,
      usage: rows,
    });
  }
  for (const rows of metered.values()) {
    const first = rows[0];
    if (first === undefined) continue;
    views.push({
      resourceId: first.resourceId,
      resourceName: first.resourceId.split('/').pop() ?? first.resourceId,
      meterId: first.meterId ?? '',
      meterName: '',
      meterKind: undefined,
      day: first.day,
      currency: undefined,
      billed: false,
      billedUnits: 0n,
      effectiveCostNanos: 0n,
      billedCostNanos: 0n,
      effectiveCostAtto: 0n,
      billedCostAtto: 0n,
      listCostNanos: null,
      corrections: 0,
      usage: rows,
    });
  }
  return views.sort(
    (a, b) =>
      a.day.localeCompare(b.day) ||
      a.resourceId.localeCompare(b.resourceId) ||
      a.meterId.localeCompare(b.meterId),
  );
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
