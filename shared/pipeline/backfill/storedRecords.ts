import type { Container } from '@azure/cosmos';
import { z } from 'zod';

import type { UsageRecord } from '../record.js';

const nullableString = z.string().nullable();

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
  costStatus: z.enum(['priced', 'unpriced', 'provisioned']),
  unpricedReason: nullableString,
  schema: z.enum(['v1', 'v2']),
  tenantId: nullableString,
  subscriptionId: nullableString,
  stream: z.boolean().nullable(),
  modelTimeMs: z.number().nullable(),
});

export interface StoredRecord {
  readonly record: UsageRecord;
  /** The ETag read with it: the replace only applies if nobody changed the record since. */
  readonly etag: string;
}

/** Fixed query texts: the value is always a parameter, never spliced in (docs/security.md). */
const QUERIES = {
  pendingIdentity: 'SELECT * FROM c WHERE c.identityStatus = @value',
  unpriced: 'SELECT * FROM c WHERE c.costStatus = @value',
} as const;

export type RecordSelection = keyof typeof QUERIES;

const SELECTION_VALUE: Record<RecordSelection, string> = { pendingIdentity: 'pending', unpriced: 'unpriced' };

/**
 * Collects up to `limit` matching records, one page at a time with continuation tokens (the
 * stand-in has no OFFSET/LIMIT). The whole selection is read before anything is rewritten, so
 * our own replaces cannot shift the pages under us; what is past `limit` waits for the next run.
 */
export async function collectRecords(
  usage: Container,
  selection: RecordSelection,
  limit: number,
  pageSize = 200,
): Promise<{ records: StoredRecord[]; more: boolean; invalid: number }> {
  const iterator = usage.items.query<unknown>(
    { query: QUERIES[selection], parameters: [{ name: '@value', value: SELECTION_VALUE[selection] }] },
    { maxItemCount: pageSize },
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

export type ReplaceOutcome = 'replaced' | 'conflict' | 'gone';

/** Replaces one record if its ETag still matches: 412 means someone else got there first. */
export async function replaceIfUnchanged(
  usage: Container,
  next: UsageRecord,
  etag: string,
): Promise<ReplaceOutcome> {
  try {
    await usage
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

/** Cosmos's own properties are not ours to write back. */
function withoutSystemFields(doc: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(doc).filter(([key]) => !key.startsWith('_')));
}
