import { createHash } from 'node:crypto';

import { SliceMeterSums, type MeterPrice } from './sliceMeters.js';
import type { TokenKinds } from '../events/types.js';
import { sumKinds } from './tokenKindSums.js';
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
  /** Audio and image tokens inside the totals (absent on text-only records). */
  readonly tokenKinds?: TokenKinds | null;
  readonly costNanos: number | null;
  /** Why an unpriced record has no cost (absent from projections that do not read it). */
  readonly unpricedReason?: string | null;
  /** `provisioned` requests (PTU) carry no per-request cost and are not unpriced either. */
  readonly costStatus?: string;
  readonly region?: string;
  readonly priceSetId?: string | null;
  /** Records written before price sets named their meters inline. */
  readonly prices?: readonly MeterPrice[] | null;
  /** Cosmos's last-write time (seconds): the most recently written record's name wins. */
  readonly _ts?: number;
  /** The account's ARM id, lower-case (issue 14's inventory); slices split by it. */
  readonly resourceId?: string | null;
  /** Only its UTC hour is read: which hours provisioned capacity was used. */
  readonly eventTime?: string;
}

const NO_METERS: readonly MeterPrice[] = [];

/** A price set's meters: full entries, or bare meter ids (callers that need only `meterIds`). */
export type PricesOf = (priceSetId: string) => readonly (MeterPrice | string)[];

function pricesOfRecord(r: RecordAmounts, pricesOf: PricesOf): readonly MeterPrice[] {
  if (r.priceSetId) return pricesOf(r.priceSetId).map((p) => (typeof p === 'string' ? { meterId: p } : p));
  return r.prices ?? NO_METERS;
}

/**
 * The canonical key of a slice within its (app, day): a JSON array, so no character in a model
 * name can make two slices share a key (a `|` joined key let "a|b"+"c" meet "a"+"b|c").
 */
export function sliceKey(s: {
  readonly model: string;
  readonly deploymentType: string;
  readonly resourceId?: string | null;
}): string {
  return JSON.stringify(withResource([s.model, s.deploymentType], s.resourceId));
}

/** The resource joins the key parts only when known, so slices without one keep their keys and ids. */
function withResource(parts: readonly string[], resourceId: string | null | undefined): string[] {
  return resourceId ? [...parts, resourceId] : [...parts];
}

/**
 * A rollup document id: the hex SHA-256 of the JSON array of its key parts and generation.
 * Injective in the parts and always a valid id, whatever the event text holds (`/ \ ? #`, a lone
 * surrogate, any length): JSON.stringify escapes lone surrogates, so the hashed text is well-formed.
 * The parts stay fields of the document.
 */
export function rollupSliceId(
  s: {
    readonly day: string;
    readonly appId: string;
    readonly model: string;
    readonly deploymentType: string;
    readonly resourceId?: string | null;
  },
  gen: string,
): string {
  return hashParts([
    'rollup',
    s.day,
    s.appId,
    ...withResource([s.model, s.deploymentType], s.resourceId),
    gen,
  ]);
}

/** The id of a group's commit document (see docs/rollups.md), one per usage partition. */
export function rollupGroupId(pk: string): string {
  return hashParts(['rollup-group', pk]);
}

function hashParts(parts: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

interface Named {
  readonly name: string | null;
  readonly unit: string | null;
  readonly ts: number;
}

/** The later write wins; equal times (one batch) fall back to the larger text, so order never matters. */
function laterName(a: Named | undefined, b: Named): Named {
  if (a === undefined) return b;
  if (b.ts !== a.ts) return b.ts > a.ts ? b : a;
  return JSON.stringify([b.name, b.unit]) > JSON.stringify([a.name, a.unit]) ? b : a;
}

/**
 * Pure: the records of one (app, day) → one slice per (model, deployment type), the same whatever
 * order the records come in (the refresher and `audit` both call it). `meterIdsOf` names the
 * meters of a record's price set (the FOCUS export's SkuPriceId).
 */
export function rollUp(
  records: readonly RecordAmounts[],
  pricesOf: PricesOf = () => NO_METERS,
): UsageSlice[] {
  const slices = new Map<string, UsageSlice>();
  const names = new Map<string, Named>();
  const metered = new Map<string, SliceMeterSums>();
  for (const r of records) {
    const key = sliceKey(r);
    const s = slices.get(key);
    const prices = pricesOfRecord(r, pricesOf);
    const sums = metered.get(key) ?? new SliceMeterSums();
    sums.add(r, prices);
    metered.set(key, sums);
    // The latest known name wins, so a backfilled name shows up in the rollup too.
    const named =
      r.appDisplayName === null && r.businessUnit === null
        ? names.get(key)
        : laterName(names.get(key), { name: r.appDisplayName, unit: r.businessUnit, ts: r._ts ?? 0 });
    if (named !== undefined) names.set(key, named);
    slices.set(key, {
      day: r.day,
      appId: r.appId,
      appDisplayName: named?.name ?? null,
      businessUnit: named?.unit ?? null,
      model: r.model,
      deploymentType: r.deploymentType,
      ...(r.resourceId ? { resourceId: r.resourceId } : {}),
      requests: (s?.requests ?? 0) + 1,
      promptTokens: (s?.promptTokens ?? 0) + r.promptTokens,
      cachedTokens: (s?.cachedTokens ?? 0) + r.cachedTokens,
      completionTokens: (s?.completionTokens ?? 0) + r.completionTokens,
      reasoningTokens: (s?.reasoningTokens ?? 0) + r.reasoningTokens,
      totalTokens: (s?.totalTokens ?? 0) + r.totalTokens,
      costNanos: (s?.costNanos ?? 0n) + BigInt(r.costNanos ?? 0),
      unpricedRequests:
        (s?.unpricedRequests ?? 0) + (r.costNanos === null && r.costStatus !== 'provisioned' ? 1 : 0),
      meterIds: [...new Set([...(s?.meterIds ?? []), ...prices.map((p) => p.meterId)])].sort(),
      region: s === undefined ? (r.region ?? null) : s.region === r.region ? s.region : null,
      unpricedReasons:
        r.costNanos === null && r.unpricedReason
          ? [...new Set([...(s?.unpricedReasons ?? []), r.unpricedReason])].sort()
          : (s?.unpricedReasons ?? []),
      ...sumKinds(s?.tokenKinds, r.tokenKinds ?? undefined),
    });
  }
  return [...slices].map(([key, slice]) => withMeters(slice, metered.get(key)));
}

/** The allocation fields (issue 16), present only when there is something to say. */
function withMeters(slice: UsageSlice, sums: SliceMeterSums | undefined): UsageSlice {
  const meters = sums?.meterList() ?? [];
  const provisioned = sums?.provisionedTraffic();
  return {
    ...slice,
    ...(meters.length > 0 ? { meters } : {}),
    ...(provisioned === undefined ? {} : { provisioned }),
  };
}
