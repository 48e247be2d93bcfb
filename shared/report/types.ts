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
}

export interface ReportRow extends UsageAmounts {
  /** appId, business unit or model. `(none)` for apps without a business unit. */
  readonly key: string;
  readonly appDisplayName?: string | null;
  readonly businessUnit?: string | null;
  /** Exact cost in currency units, nine decimals (the nano-unit sum). */
  readonly cost: string;
  /** The same rounded to the cent, half-even: what an invoice line shows. */
  readonly costRounded: string;
  readonly currency: string;
}

export interface Report {
  readonly from: string;
  readonly to: string;
  readonly by: ReportGrouping;
  readonly currency: string;
  readonly rows: readonly ReportRow[];
  readonly total: ReportRow;
}
