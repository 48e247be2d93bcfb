import type { Container, SqlQuerySpec } from '@azure/cosmos';
import { z } from 'zod';

import type {
  RecordSelection,
  ReplaceOutcome,
  StoredRecord,
  UsageRecordStore,
} from '../pipeline/backfill/recordStore.js';
import type { UsageRecord } from '../pipeline/record.js';
import { SETTLED_BY_EVENT } from '../pricing/repriceFingerprint.js';

const nullableString = z.string().nullable();
const keySource = z.enum(['inventory', 'map', 'default']).optional();

/** The stored record as backfill rewrites it; extra fields pass through untouched. */
const storedRecordSchema = z.looseObject({
  id: z.string(),
  pk: z.string(),
  _etag: z.string(),
  requestId: nullableString,
  eventTime: z.string(),
  day: z.string(),
  appId: z.string(),
  appDisplayName: nullableString,
  businessUnit: nullableString,
  identityStatus: z.enum(['resolved', 'unknown', 'pending']),
  model: z.string(),
  deployment: nullableString,
  deploymentType: z.enum(['global', 'datazone', 'regional']),
  region: z.string(),
  operation: z.string(),
  promptTokens: z.number(),
  cachedTokens: z.number(),
  completionTokens: z.number(),
  reasoningTokens: z.number(),
  totalTokens: z.number(),
  tokenKinds: z.record(z.string(), z.number()).optional(),
  images: z
    .object({ count: z.number(), size: z.string().nullable(), quality: z.string().nullable() })
    .optional(),
  speech: z.object({ inputCharacters: z.number(), outputBytes: z.number() }).optional(),
  durationSeconds: z.number().optional(),
  costNanos: z.number().nullable(),
  costStatus: z.enum(['priced', 'unpriced', 'provisioned']),
  unpricedReason: nullableString,
  priceSetId: nullableString,
  schema: z.enum(['v1', 'v2']),
  tenantId: nullableString,
  subscriptionId: nullableString,
  stream: z.boolean().nullable(),
  modelTimeMs: z.number().nullable(),
  priceKeySources: z
    .object({ model: keySource, version: keySource, deploymentType: keySource, region: keySource })
    .optional(),
  repriceCheckedAgainst: z.string().optional(),
});

/**
 * Fixed query texts: values are always parameters, never spliced in (docs/security.md). Ordered by
 * event time, so every run starts from the oldest waiting record rather than wherever a scan lands.
 */
const NOT_CHECKED =
  '(NOT IS_DEFINED(c.repriceCheckedAgainst) OR (c.repriceCheckedAgainst != @settled' +
  ' AND c.repriceCheckedAgainst != @key AND c.repriceCheckedAgainst != @book))';
const QUERIES = {
  pendingIdentity: {
    select: 'SELECT * FROM c WHERE c.identityStatus = @pending ORDER BY c.eventTime',
    count: 'SELECT VALUE COUNT(1) FROM c WHERE c.identityStatus = @pending',
  },
  pendingIdentityOf: {
    select:
      'SELECT * FROM c WHERE c.identityStatus = @pending AND ARRAY_CONTAINS(@appIds, c.appId) ORDER BY c.eventTime',
    count:
      'SELECT VALUE COUNT(1) FROM c WHERE c.identityStatus = @pending AND ARRAY_CONTAINS(@appIds, c.appId)',
  },
  repriceCandidates: {
    select: 'SELECT * FROM c WHERE ' + NOT_CHECKED + ' ORDER BY c.eventTime',
    count: 'SELECT VALUE COUNT(1) FROM c WHERE ' + NOT_CHECKED,
  },
  unpriced: {
    select: 'SELECT * FROM c WHERE c.costStatus = @unpriced ORDER BY c.eventTime',
    count: 'SELECT VALUE COUNT(1) FROM c WHERE c.costStatus = @unpriced',
  },
} as const satisfies Record<RecordSelection['kind'], { select: string; count: string }>;

function parametersOf(selection: RecordSelection): SqlQuerySpec['parameters'] {
  switch (selection.kind) {
    case 'pendingIdentity':
      return [{ name: '@pending', value: 'pending' }];
    case 'pendingIdentityOf':
      return [
        { name: '@pending', value: 'pending' },
        { name: '@appIds', value: [...selection.appIds] },
      ];
    case 'unpriced':
      return [{ name: '@unpriced', value: 'unpriced' }];
    case 'repriceCandidates':
      return [
        // With an inventory, records settled by their event alone are looked at once more.
        {
          name: '@settled',
          value: selection.current.inventory === true ? selection.current.key : SETTLED_BY_EVENT,
        },
        { name: '@key', value: selection.current.key },
        { name: '@book', value: selection.current.book },
      ];
  }
}

/** `usage` for backfill: paged, ordered, parameterized queries and ETag-conditioned replaces. */
export class CosmosUsageRecords implements UsageRecordStore {
  constructor(
    private readonly usage: Container,
    private readonly pageSize = 200,
  ) {}

  async collect(
    selection: RecordSelection,
    limit: number,
  ): Promise<{ records: StoredRecord[]; more: boolean; invalid: number }> {
    const iterator = this.usage.items.query<unknown>(
      {
        query: QUERIES[selection.kind].select,
        parameters: parametersOf(selection),
      },
      { maxItemCount: this.pageSize },
    );
    const records: StoredRecord[] = [];
    let invalid = 0;
    while (iterator.hasMoreResults()) {
      const { resources } = await iterator.fetchNext();
      for (const raw of resources) {
        if (records.length >= limit) return { records, more: true, invalid };
        const parsed = storedRecordSchema.safeParse(raw);
        if (!parsed.success) {
          invalid++;
          continue;
        }
        const { _etag: etag, ...fields } = parsed.data;
        records.push({ record: withoutSystemFields(fields) as unknown as UsageRecord, etag });
      }
    }
    return { records, more: false, invalid };
  }

  async count(selection: RecordSelection): Promise<number> {
    const { resources } = await this.usage.items
      .query<number>({
        query: QUERIES[selection.kind].count,
        parameters: parametersOf(selection),
      })
      .fetchAll();
    // A cross-partition count may come back as one partial count per partition range.
    return resources.reduce((sum, n) => sum + n, 0);
  }

  async pendingApps(): Promise<string[]> {
    // No DISTINCT in the stand-in: one small row per pending record, deduplicated here.
    const iterator = this.usage.items.query<{ appId?: unknown }>(
      {
        query: 'SELECT c.appId FROM c WHERE c.identityStatus = @pending',
        parameters: [{ name: '@pending', value: 'pending' }],
      },
      { maxItemCount: 1000 },
    );
    const apps = new Set<string>();
    while (iterator.hasMoreResults()) {
      const { resources } = await iterator.fetchNext();
      for (const row of resources) if (typeof row.appId === 'string') apps.add(row.appId);
    }
    return [...apps];
  }

  async replaceIfUnchanged(next: UsageRecord, etag: string): Promise<ReplaceOutcome> {
    try {
      await this.usage
        .item(next.id, next.pk)
        .replace(next, { accessCondition: { type: 'IfMatch', condition: etag } });
      return 'replaced';
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === 412) return 'conflict';
      if (code === 404) return 'gone';
      throw error;
    }
  }
}

/** Cosmos's own properties are not ours to write back. */
function withoutSystemFields(doc: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(doc).filter(([key]) => !key.startsWith('_')));
}
