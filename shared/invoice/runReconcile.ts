import { divideHalfEven } from '../cost/money.js';
import { allocate, type Allocation, type AllocationOptions } from './allocate.js';
import { classify, type Classification, estimateNanos, recordedUnits } from './classify.js';
import type { InvoiceLine } from './invoiceLine.js';
import { billedKeyOf, joinKeys, type KeyView } from './reconcileKeys.js';
import type { UsageByKey, UsageRow } from './usagePort.js';

export interface ReconcileRow {
  readonly day: string;
  readonly resourceId: string;
  readonly resourceName: string;
  readonly meterId: string;
  readonly meterName: string;
  readonly meterKind: string;
  readonly classification: Classification;
  readonly billedUnits: bigint;
  readonly recordedUnits: bigint;
  readonly currency: string;
  readonly effectiveCostNanos: bigint;
  readonly billedCostNanos: bigint;
  readonly estimateNanos: bigint;
  /** Units the unit prices are quoted per: 1000 for token meters (as Retail's `1K`), else 1. */
  readonly priceBasis: number;
  /** Nano-units per `priceBasis` units; null without billed units. */
  readonly effectiveUnitPriceNanos: bigint | null;
  readonly retailUnitPriceNanos: bigint | null;
  readonly corrections: number;
}

export interface Reconciliation {
  readonly rows: readonly ReconcileRow[];
  readonly allocations: readonly Allocation[];
  /** True when every key is `matched`: exit code 0. */
  readonly allMatched: boolean;
}

function unitPrice(nanos: bigint | null, units: bigint, basis: number): bigint | null {
  if (nanos === null || units <= 0n) return null;
  return divideHalfEven(nanos * BigInt(basis), units);
}

function toRow(view: KeyView, tolerancePercent: number, allocated: bigint | undefined): ReconcileRow {
  const basis = view.meterKind === 'tokens' || view.meterKind === undefined ? 1000 : 1;
  return {
    day: view.day,
    resourceId: view.resourceId,
    resourceName: view.resourceName,
    meterId: view.meterId,
    meterName: view.meterName,
    meterKind: view.meterKind ?? '',
    classification: classify(view, tolerancePercent),
    billedUnits: view.billedUnits,
    recordedUnits: recordedUnits(view),
    currency: view.currency ?? '',
    // What the allocation charges for the key: the bill's figure, to the nano-unit.
    effectiveCostNanos: allocated ?? view.effectiveCostNanos,
    billedCostNanos: view.billedCostNanos,
    estimateNanos: estimateNanos(view),
    priceBasis: basis,
    effectiveUnitPriceNanos: view.billed ? unitPrice(view.effectiveCostNanos, view.billedUnits, basis) : null,
    retailUnitPriceNanos: unitPrice(view.listCostNanos, view.billedUnits, basis),
    corrections: view.corrections,
  };
}

/** Pure: the keys of the billed lines and usage rows, classified, and the bill allocated. */
export function reconcile(
  lines: readonly InvoiceLine[],
  usage: readonly UsageRow[],
  options: AllocationOptions & { readonly tolerancePercent: number },
): Reconciliation {
  const views = joinKeys(lines, usage);
  const allocations = allocate(views, options);
  const allocated = new Map<string, bigint>();
  for (const a of allocations)
    allocated.set(billedKeyOf(a), (allocated.get(billedKeyOf(a)) ?? 0n) + a.amountNanos);
  const rows = views.map((v) =>
    toRow(v, options.tolerancePercent, v.billed ? (allocated.get(billedKeyOf(v)) ?? 0n) : undefined),
  );
  return {
    rows,
    allocations,
    allMatched: rows.every((r) => r.classification === 'matched'),
  };
}

export async function readUsage(port: UsageByKey, from: string, to: string): Promise<UsageRow[]> {
  const rows: UsageRow[] = [];
  for await (const row of port.read(from, to)) rows.push(row);
  return rows;
}
