import { toAtto } from '../cost/money.js';
import type { TokenKind } from '../pricing/types.js';
import { recordedUnits } from './classify.js';
import { roundMatrix } from './matrixRounding.js';
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
const ATTO_PER_NANO = 10n ** 9n;
const HOURS = 24n;

/** Which of the bill's amounts to split: both are split by the very same weights. */
export type CostColumn = 'effective' | 'billed';

/** A share before rounding: `num / den` nano-units. */
interface ExactShare {
  readonly label: string;
  readonly appId: string | null;
  readonly num: bigint;
}
interface ExactSplit {
  readonly view: KeyView;
  readonly den: bigint;
  readonly shares: readonly ExactShare[];
}

/**
 * Each billed key's cost, split so the rows of a key add up to it. Every share is first computed
 * exactly (a fraction of the key's exact atto-unit amount), then all the keys are rounded together
 * to nano-units (`roundMatrix`): each share rounds down or up, each key stays within a nano-unit of
 * the bill (exactly it when the bill has no finer digits), and so does each app's and each
 * unallocated or idle row's total over all the keys, and the grand total rounds once.
 */
export function allocate(
  views: readonly KeyView[],
  options: AllocationOptions,
  column: CostColumn = 'effective',
): Allocation[] {
  const splits: ExactSplit[] = [];
  for (const view of views) {
    const amount = column === 'effective' ? view.effectiveCostAtto : view.billedCostAtto;
    if (!view.billed || amount === 0n) continue;
    splits.push(
      view.meterKind !== undefined && isCapacity(view.meterKind)
        ? splitCapacity(view, amount, options)
        : splitMetered(view, amount, options.unattributed),
    );
  }
  const rounded = roundMatrix(
    splits.map((s) => ({
      den: s.den,
      cells: s.shares.map((share) => ({ column: share.label, num: share.num })),
    })),
  );
  const out: Allocation[] = [];
  splits.forEach(({ view, shares }, k) => {
    shares.forEach(({ label, appId }, i) => {
      const amountNanos = rounded[k]?.[i] ?? 0n;
      if (amountNanos === 0n) return;
      out.push({
        resourceId: view.resourceId,
        meterId: view.meterId,
        day: view.day,
        appId,
        label,
        amountNanos,
      });
    });
  });
  return out;
}

/** Weights per app, in a stable order (sorted by appId) so the rounding is reproducible. */
function byApp(rows: readonly UsageRow[], weight: (row: UsageRow) => bigint): [string, bigint][] {
  const totals = new Map<string, bigint>();
  for (const row of rows) totals.set(row.appId, (totals.get(row.appId) ?? 0n) + weight(row));
  return [...totals].filter(([, w]) => w > 0n).sort((a, b) => a[0].localeCompare(b[0]));
}

/** `amount` atto-units over `parts` by weight, exactly, as fractions of nano-units. */
function proportional(
  view: KeyView,
  amount: bigint,
  parts: readonly [label: string, appId: string | null, weight: bigint][],
): ExactSplit {
  const total = parts.reduce((sum, [, , w]) => sum + w, 0n);
  return {
    view,
    den: total * ATTO_PER_NANO,
    shares: parts.map(([label, appId, w]) => ({ label, appId, num: amount * w })),
  };
}

function splitMetered(view: KeyView, amount: bigint, policy: SpreadPolicy): ExactSplit {
  const unallocated = `(unallocated: ${view.resourceName})`;
  const apps = byApp(view.usage, (r) => r.units);
  if (apps.length === 0) return proportional(view, amount, [[unallocated, null, 1n]]);
  const parts: [string, string | null, bigint][] = apps.map(([appId, w]) => [appId, appId, w]);
  const gap = view.billedUnits - recordedUnits(view);
  if (gap > 0n && policy === 'explicit') parts.push([unallocated, null, gap]);
  return proportional(view, amount, parts);
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
function splitCapacity(view: KeyView, amount: bigint, options: AllocationOptions): ExactSplit {
  const idleLabel = `(idle capacity: ${view.resourceName})`;
  const apps = byApp(view.usage, (r) => ptuWeight(options.ptuWeights, r));
  if (apps.length === 0) return proportional(view, amount, [[idleLabel, null, 1n]]);
  const parts: [string, string | null, bigint][] = apps.map(([appId, w]) => [appId, appId, w]);
  if (options.idle === 'proportional') return proportional(view, amount, parts);
  const masks = view.usage.filter((r) => r.activeHourMask !== undefined);
  const active = BigInt(
    masks.length === 0 ? 24 : popcount(masks.reduce((m, r) => m | (r.activeHourMask ?? 0), 0)),
  );
  // Used hours split by weighted tokens, idle hours to the idle row: one common denominator.
  const total = parts.reduce((sum, [, , w]) => sum + w, 0n);
  return {
    view,
    den: HOURS * total * ATTO_PER_NANO,
    shares: [
      ...parts.map(([label, appId, w]) => ({ label, appId, num: amount * active * w })),
      { label: idleLabel, appId: null, num: amount * (HOURS - active) * total },
    ],
  };
}
