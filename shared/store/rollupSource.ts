import type { Container, Database } from '@azure/cosmos';
import { z } from 'zod';

import { METER_KINDS } from '../pricing/types.js';
import { rollUp, type RecordAmounts } from '../report/rollupMath.js';
import type { UsageSlice } from '../report/types.js';
import { CosmosPriceSets } from './cosmosPriceSets.js';

/**
 * `docType` of a slice; of a slice of a generation not yet (or never) committed; and of a group's
 * commit document, which names the generation reports count.
 */
export const SLICE = 'rollup';
export const DRAFT = 'rollupDraft';
export const GROUP = 'rollupGroup';
/**
 * What a commit document's slices hold. A group committed by an older release (an older format, or
 * none) is recomputed when it is read, so a new field (per-meter units, resourceId) never reads as
 * missing in reports, allocation or the audit.
 */
export const ROLLUP_FORMAT = 2;

/** A stored rollup slice. Its id is `rollupSliceId` of the key parts and `gen`, which are kept as fields. */
export const rollupDocSchema = z.object({
  id: z.string(),
  pk: z.string(),
  docType: z.enum([SLICE, DRAFT]),
  /** The recompute that wrote it; absent on slices written before generations. */
  gen: z.string().optional(),
  day: z.string(),
  appId: z.string(),
  appDisplayName: z.string().nullable(),
  businessUnit: z.string().nullable(),
  model: z.string(),
  deploymentType: z.string(),
  requests: z.number(),
  promptTokens: z.number(),
  cachedTokens: z.number(),
  completionTokens: z.number(),
  reasoningTokens: z.number(),
  totalTokens: z.number(),
  /** Decimal string: a busy app-day can pass 2^53 nano-units. */
  costNanos: z.string().regex(/^\d+$/),
  unpricedRequests: z.number(),
  meterIds: z.array(z.string()).default([]),
  region: z.string().nullable().default(null),
  unpricedReasons: z.array(z.string()).default([]),
  tokenKinds: z.record(z.string(), z.number()).optional(),
  computedAt: z.string(),
  // [billed basis, issue 16] Optional: rollups written before them still read.
  resourceId: z.string().optional(),
  meters: z
    .array(
      z.object({
        meterId: z.string(),
        // A price set's kind: text input/cached/output, or an audio or image kind (issue 15).
        kind: z.enum(METER_KINDS),
        units: z.number(),
        estimateNanos: z
          .string()
          .regex(/^\d+$/)
          .transform((v) => BigInt(v)),
      }),
    )
    .optional(),
  provisioned: z
    .object({
      requests: z.number(),
      promptTokens: z.number(),
      cachedTokens: z.number(),
      completionTokens: z.number(),
      activeHourMask: z.number(),
    })
    .optional(),
});

export type StoredSlice = UsageSlice & {
  readonly id: string;
  readonly pk: string;
  readonly docType: typeof SLICE;
};

export interface StoredRollups {
  /** The slices readers count: those of each group's committed generation. */
  readonly slices: StoredSlice[];
  /** Visible documents that do not hold a slice (damaged): `read` refuses them, `audit` names them. */
  readonly unreadable: { readonly id: string; readonly pk: string; readonly error: string }[];
  /** `rollup` documents of another generation: reports skip them, but a direct query would count them. */
  readonly strays: { readonly id: string; readonly pk: string; readonly error: string }[];
  /** Groups with no commit document yet, counted from slices a release before generations wrote. */
  readonly legacyGroups: string[];
}

const anyDoc = z.object({
  id: z.string(),
  pk: z.string(),
  docType: z.string(),
  gen: z.string().optional(),
  format: z.number().optional(),
});

/**
 * Pure: the slices visible among stored slice and commit documents. A group with a commit document
 * shows only the generation it names (a recompute in flight, or one that lost, stays invisible); a
 * group without one (never recomputed since generations came in) shows its slices without `gen`.
 */
export function visibleSlices(raws: readonly unknown[]): StoredRollups {
  const docs = raws.flatMap((raw) => {
    const parsed = anyDoc.safeParse(raw);
    return parsed.success ? [{ doc: parsed.data, raw }] : [];
  });
  const groups = docs.filter(({ doc }) => doc.docType === GROUP);
  const committed = new Map(groups.map(({ doc }) => [doc.pk, doc.gen]));
  const outdated = new Set(groups.filter(({ doc }) => doc.format !== ROLLUP_FORMAT).map(({ doc }) => doc.pk));
  const result: StoredRollups = { slices: [], unreadable: [], strays: [], legacyGroups: [] };
  const legacy = new Set<string>();
  for (const { doc, raw } of docs) {
    if (doc.docType !== SLICE && doc.docType !== DRAFT) continue;
    const visible = committed.has(doc.pk)
      ? committed.get(doc.pk) === doc.gen
      : doc.docType === SLICE && doc.gen === undefined;
    if (!visible) {
      const why = `a slice of generation ${doc.gen ?? '(none)'}, not the committed one`;
      if (doc.docType === SLICE) result.strays.push({ id: doc.id, pk: doc.pk, error: why });
      continue;
    }
    if (!committed.has(doc.pk) || outdated.has(doc.pk)) legacy.add(doc.pk);
    const slice = rollupDocSchema.safeParse(raw);
    if (slice.success)
      result.slices.push({ ...slice.data, docType: SLICE, costNanos: BigInt(slice.data.costNanos) });
    else
      result.unreadable.push({ id: doc.id, pk: doc.pk, error: `damaged: ${z.prettifyError(slice.error)}` });
  }
  result.legacyGroups.push(...[...legacy].sort());
  return result;
}

// `c.prices`: records written before price sets carried their meters inline. `c._ts`: which name is latest.
const RECORD_PROJECTION =
  'SELECT c.day, c.appId, c.appDisplayName, c.businessUnit, c.model, c.deploymentType, c.promptTokens, ' +
  'c.cachedTokens, c.completionTokens, c.reasoningTokens, c.totalTokens, c.costNanos, c.region, c.priceSetId, ' +
  'c.prices, c.unpricedReason, c.costStatus, c.tokenKinds, c.images, c._ts, c.resourceId, c.eventTime FROM c WHERE c.pk = @pk';

/**
 * What the rollups of one (app, day) must be: `rollUp` of every record in its partition, read with
 * one single-partition query. The refresher writes this and `audit` compares the stored slices with
 * it, so both rest on one piece of logic.
 */
export class RollupSource {
  private readonly usage: Container;
  private readonly priceSets: CosmosPriceSets;

  constructor(database: Database) {
    this.usage = database.container('usage');
    this.priceSets = new CosmosPriceSets(database.container('prices'));
  }

  async slicesOf(pk: string): Promise<UsageSlice[]> {
    const { resources } = await this.usage.items
      .query<RecordAmounts>(
        { query: RECORD_PROJECTION, parameters: [{ name: '@pk', value: pk }] },
        { partitionKey: pk },
      )
      .fetchAll();
    const sets = await this.priceSets.read(resources.flatMap((r) => (r.priceSetId ? [r.priceSetId] : [])));
    return rollUp(resources, (id) => sets.get(id)?.prices ?? []);
  }
}
