import { toAtto } from '../cost/money.js';
import type { TokenKind } from '../pricing/types.js';
import { recordedUnits } from './classify.js';
import { largestRemainder } from './largestRemainder.js';
import { isCapacity } from './meterKind.js';
import type { KeyView } from './reconcileKeys.js';
import type { UsageRow } from './usagePort.js';

export type SpreadPolicy = 'explicit' | 'proportional';

/** Per model family (or `*` for every other family), how much one token of each kind weighs on PTU. */
export type PtuTokenWeights = Readonly<Record<string, Readonly<Partial<Record<TokenKind, number>>>>>;

export interface AllocationOptions {
  readonly unattributed: SpreadPolicy;
  readonly idle: SpreadPolicy;
  readonly ptuWeights: PtuTokenWeights;
}

export interface Allocation {
  readonly resourceId: string;
  readonly meterId: string;
  readonly day: string;
  /** The app, or null for the `(unallocated: …)` and `(idle capacity: …)` rows. */
  readonly appId: string | null;
  /** What the report shows: the appId, `(unallocated: <resource name>)` or `(idle capacity: <resource name>)`. */
  readonly label: string;
  readonly amountNanos: bigint;
}

const ATTO = 10n ** 18n;
const HOURS = 24;

/** Each billed key's EffectiveCost, split so the rows of a key add up to it exactly. */
export function allocate(views: readonly KeyView[], options: AllocationOptions): Allocation[] {
  const out: Allocation[] = [];
  for (const view of views) {
    if (!view.billed || view.effectiveCostNanos === 0n) continue;
    const split =
      view.meterKind !== undefined && isCapacity(view.meterKind)
        ? splitCapacity(view, options)
        : splitMetered(view, options.unattributed);
    for (const [label, appId, amountNanos] of split) {
      if (amountNanos === 0n) continue;
      out.push({
        resourceId: view.resourceId,
        meterId: view.meterId,
        day: view.day,
        appId,
        label,
        amountNanos,
      });
    }
  }
  return out;
}

type Share = [label: string, appId: string | null, amountNanos: bigint];

/** Weights per app, in a stable order (sorted by appId) so the largest-remainder ties are reproducible. */
function byApp(rows: readonly UsageRow[], weight: (row: UsageRow) => bigint): [string, bigint][] {
  const totals = new Map<string, bigint>();
  for (const row of rows) totals.set(row.appId, (totals.get(row.appId) ?? 0n) + weight(row));
  return [...totals].filter(([, w]) => w > 0n).sort((a, b) => a[0].localeCompare(b[0]));
}

function split(amount: bigint, parts: readonly [string, string | null, bigint][]): Share[] {
  const shares = largestRemainder(
    amount,
    parts.map(([, , w]) => w),
  );
  return parts.map(([label, appId], i) => [label, appId, shares[i] ?? 0n]);
}

function splitMetered(view: KeyView, policy: SpreadPolicy): Share[] {
  const unallocated = `(unallocated: ${view.resourceName})`;
  const apps = byApp(view.usage, (r) => r.units);
  if (apps.length === 0) return [[unallocated, null, view.effectiveCostNanos]];
  const parts: [string, string | null, bigint][] = apps.map(([appId, w]) => [appId, appId, w]);
  const gap = view.billedUnits - recordedUnits(view);
  if (gap > 0n && policy === 'explicit') parts.push([unallocated, null, gap]);
  return split(view.effectiveCostNanos, parts);
}

function ptuWeight(weights: PtuTokenWeights, row: UsageRow): bigint {
  const family = weights[row.modelFamily] ?? weights['*'];
  const w = row.tokenKind === undefined ? undefined : family?.[row.tokenKind];
  return row.units * (w === undefined ? ATTO : toAtto(w));
}

function popcount(mask: number): number {
  let n = 0;
  for (let bits = mask; bits !== 0; bits &= bits - 1) n++;
  return n;
}

/**
 * Capacity is paid whether used or not. The share of the day in which no app used the capacity
 * (UTC hours with no request, when the usage side knows the hours; otherwise none, unless nobody
 * used it at all) goes to `(idle capacity: …)`, or to the users in proportion with
 * `PTU_IDLE_POLICY=proportional`; the rest is split by weighted tokens.
 */
function splitCapacity(view: KeyView, options: AllocationOptions): Share[] {
  const idleLabel = `(idle capacity: ${view.resourceName})`;
  const apps = byApp(view.usage, (r) => ptuWeight(options.ptuWeights, r));
  if (apps.length === 0) return [[idleLabel, null, view.effectiveCostNanos]];
  const parts: [string, string | null, bigint][] = apps.map(([appId, w]) => [appId, appId, w]);
  if (options.idle === 'proportional') return split(view.effectiveCostNanos, parts);
  const masks = view.usage.filter((r) => r.activeHourMask !== undefined);
  const active =
    masks.length === 0 ? HOURS : popcount(masks.reduce((m, r) => m | (r.activeHourMask ?? 0), 0));
  const [used = 0n, idle = 0n] = largestRemainder(view.effectiveCostNanos, [
    BigInt(active),
    BigInt(HOURS - active),
  ]);
  return [...split(used, parts), [idleLabel, null, idle]];
}
