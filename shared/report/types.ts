import type { SliceMeter, SliceProvisioned } from './sliceMeters.js';
import type { TokenKinds } from '../events/types.js';

export type ReportGrouping = 'app' | 'businessUnit' | 'model';

/** The amounts of a set of requests: what records and rollups both provide. */
export interface UsageAmounts {
  readonly requests: number;
  readonly promptTokens: number;
  readonly cachedTokens: number;
  readonly completionTokens: number;
  readonly reasoningTokens: number;
  readonly totalTokens: number;
  /** Sum of priced requests' cost in integer nano-units. */
  readonly costNanos: bigint;
  readonly unpricedRequests: number;
  /**
   * Requests on provisioned (PTU) deployments: never priced per token, so neither priced nor unpriced;
   * their cost comes from the bill (`--basis billed`). Absent when there are none.
   */
  readonly provisionedRequests?: number;
  /**
   * On the billed basis, before a bill: provisioned or fine-tuned deployment-days whose hourly price the
   * book lacks, so their capacity cost is unknown. Not requests: counted apart. Absent when none.
   */
  readonly unpricedCapacityDays?: number;
  /** Audio and image tokens inside the totals, summed per kind; absent when there are none. */
  readonly tokenKinds?: TokenKinds;
}

/** One (day, app, model, deployment type) slice: a rollup, or a group of records. */
export interface UsageSlice extends UsageAmounts {
  readonly day: string;
  readonly appId: string;
  readonly appDisplayName: string | null;
  readonly businessUnit: string | null;
  readonly model: string;
  readonly deploymentType: string;
  /** Meter ids that priced the slice's requests (FOCUS SkuId), sorted. */
  readonly meterIds?: readonly string[];
  /** The region, or null when the slice's requests ran in more than one. */
  readonly region?: string | null;
  /** Why its unpriced requests have no cost (distinct reasons, sorted); absent on older rollups. */
  readonly unpricedReasons?: readonly string[];
  // [billed basis, issue 16] Absent on rollups written before allocation needed them.
  /** The Azure OpenAI account's ARM id (lower-case), when the records carry it: slices split by it. */
  readonly resourceId?: string | null;
  /** Units and list-price estimate per meter of the slice's priced requests. */
  readonly meters?: readonly SliceMeter[];
  /** Traffic on provisioned (PTU) deployments; absent when there was none. */
  readonly provisioned?: SliceProvisioned;
}

/**
 * Whether a row's cost is complete: every request priced, some (the cost is a lower bound), or none
 * (the cost is unknown, never 0).
 */
export type Pricing = 'priced' | 'partial' | 'unpriced';

/** The same group in the period just before, and the change in money (exact) and percent. */
export interface RowChange {
  readonly previousCostNanos: bigint;
  /** Null when no request of the previous period's group was priced. */
  readonly previousCost: string | null;
  readonly previousPricing: Pricing;
  readonly previousRequests: number;
  /** Current minus previous, exact nano-units; null when either side's cost is unknown. */
  readonly changeNanos: bigint | null;
  readonly change: string | null;
  /** Percent of the previous cost, one decimal (`12.5`, `-100.0`); null when the previous is 0 or unknown. */
  readonly changePercent: string | null;
}

export interface ReportRow extends UsageAmounts {
  /** The first grouping's value: appId, business unit or model. `(none)` for apps without a business unit. */
  readonly key: string;
  /** One value per grouping of `Report.by`, in that order. */
  readonly keys: readonly string[];
  readonly appDisplayName?: string | null;
  readonly businessUnit?: string | null;
  /** Exact cost in currency units, nine decimals (the nano-unit sum); null when nothing was priced. */
  readonly cost: string | null;
  /** The same rounded to the cent, half-even: what an invoice line shows. Null when nothing was priced. */
  readonly costRounded: string | null;
  readonly pricing: Pricing;
  readonly currency: string;
  /** Present when the report compares with the previous period. */
  readonly previous?: RowChange;
  // [billed basis, issue 16] Present only on `--basis billed`.
  readonly billed?: BilledColumns;
}

/** What a row says on the billed basis: the estimate beside it, and which of its days are estimated. */
export interface BilledColumns {
  /** The list-price estimate of the same requests (nine decimals). */
  readonly estimate: string;
  readonly estimateNanos: bigint;
  /** Its share of the bill's BilledCost (the cost columns carry EffectiveCost). */
  readonly billedCost: string;
  /** Days whose cost is still the estimate: no imported bill covers them (sorted). */
  readonly estimatedDays: readonly string[];
}

export interface Report {
  readonly from: string;
  readonly to: string;
  /** One or two groupings, the outer first. */
  readonly by: readonly ReportGrouping[];
  readonly currency: string;
  readonly rows: readonly ReportRow[];
  readonly total: ReportRow;
  /** The period compared with (same length, just before), when asked. */
  readonly compared?: { readonly from: string; readonly to: string };
  /** `billed`: costs are the imported bill's allocations where a bill covers the day. Absent: estimate. */
  readonly basis?: 'billed';
}
