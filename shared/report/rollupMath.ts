import type { UsageSlice } from './types.js';

/** The fields of a usage record a rollup needs (the projection the refresher reads). */
export interface RecordAmounts {
  readonly day: string;
  readonly appId: string;
  readonly appDisplayName: string | null;
  readonly businessUnit: string | null;
  readonly model: string;
  readonly deploymentType: string;
  readonly promptTokens: number;
  readonly cachedTokens: number;
  readonly completionTokens: number;
  readonly reasoningTokens: number;
  readonly totalTokens: number;
  readonly costNanos: number | null;
  /** `provisioned` requests (PTU) carry no per-request cost and are not unpriced either. */
  readonly costStatus?: string;
  readonly region?: string;
  readonly priceSetId?: string | null;
  /** Records written before price sets named their meters inline. */
  readonly prices?: readonly { readonly meterId: string }[] | null;
}

const NO_METERS: readonly string[] = [];

function meterIdsOfRecord(r: RecordAmounts, meterIdsOf: (priceSetId: string) => readonly string[]) {
  if (r.priceSetId) return meterIdsOf(r.priceSetId);
  return r.prices?.map((p) => p.meterId) ?? NO_METERS;
}

/**
 * Pure: the records of one (app, day) → one slice per (model, deployment type). `meterIdsOf` names
 * the meters of a record's price set (the FOCUS export's SkuPriceId).
 */
export function rollUp(
  records: readonly RecordAmounts[],
  meterIdsOf: (priceSetId: string) => readonly string[] = () => NO_METERS,
): UsageSlice[] {
  const slices = new Map<string, UsageSlice>();
  for (const r of records) {
    const key = `${r.model}|${r.deploymentType}`;
    const s = slices.get(key);
    slices.set(key, {
      day: r.day,
      appId: r.appId,
      // The latest known name wins, so a backfilled name shows up in the rollup too.
      appDisplayName: r.appDisplayName ?? s?.appDisplayName ?? null,
      businessUnit: r.businessUnit ?? s?.businessUnit ?? null,
      model: r.model,
      deploymentType: r.deploymentType,
      requests: (s?.requests ?? 0) + 1,
      promptTokens: (s?.promptTokens ?? 0) + r.promptTokens,
      cachedTokens: (s?.cachedTokens ?? 0) + r.cachedTokens,
      completionTokens: (s?.completionTokens ?? 0) + r.completionTokens,
      reasoningTokens: (s?.reasoningTokens ?? 0) + r.reasoningTokens,
      totalTokens: (s?.totalTokens ?? 0) + r.totalTokens,
      costNanos: (s?.costNanos ?? 0n) + BigInt(r.costNanos ?? 0),
      unpricedRequests:
        (s?.unpricedRequests ?? 0) + (r.costNanos === null && r.costStatus !== 'provisioned' ? 1 : 0),
      meterIds: [...new Set([...(s?.meterIds ?? []), ...meterIdsOfRecord(r, meterIdsOf)])].sort(),
      region: s === undefined ? (r.region ?? null) : s.region === r.region ? s.region : null,
    });
  }
  return [...slices.values()];
}
