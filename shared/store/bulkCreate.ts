import type { Container, OperationInput } from '@azure/cosmos';
import pMap from 'p-map';
import pRetry, { AbortError } from 'p-retry';

import { DependencyError, RejectedWriteError } from '../errors.js';
import { canonicalJson } from '../events/idempotencyKey.js';
import type { WriteStatus } from '../pipeline/ports.js';

/** Statuses worth another try: throttled, timeout, gone (split), retry-with, unavailable, transport. */
const RETRYABLE = new Set([408, 410, 429, 449, 500, 503]);
/** The document itself is refused (bad request, too large): the same document would be refused again. */
const REFUSED = new Set([400, 413]);

export interface BulkRetryOptions {
  /** Our attempts on top of the SDK's own retries. */
  readonly attempts: number;
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_BULK_RETRY: BulkRetryOptions = { attempts: 5, minDelayMs: 200, maxDelayMs: 5_000 };

interface Doc {
  readonly id: string;
  readonly pk: string;
}

/**
 * Creates documents in bulk. Create (not upsert) is what makes redelivery idempotent and lets
 * "first write wins": 201 → created, 409 → exists. Only the operations that failed transiently
 * are retried; anything else, or retries exhausted, throws so the batch can be spilled.
 *
 * A create whose outcome is unknown (timeout, 5xx, a connection lost before the answer) may have
 * been applied, so its retry's 409 may be our own write. For those ids only, the stored document
 * is read and compared with the one sent: equal means created by this call. Callers make that
 * exact by putting something unique to the call in the document (records carry `writeId`).
 */
export function bulkCreate(
  container: Container,
  docs: readonly Doc[],
  retry: BulkRetryOptions = DEFAULT_BULK_RETRY,
): Promise<Map<string, WriteStatus>> {
  return bulkWrite(container, 'Create', docs, retry);
}

/** Upserts in bulk with the same bounded retry (for documents where the last write should win). */
export async function bulkUpsert(
  container: Container,
  docs: readonly Doc[],
  retry: BulkRetryOptions = DEFAULT_BULK_RETRY,
): Promise<void> {
  await bulkWrite(container, 'Upsert', docs, retry);
}

async function bulkWrite(
  container: Container,
  operationType: 'Create' | 'Upsert',
  docs: readonly Doc[],
  retry: BulkRetryOptions,
): Promise<Map<string, WriteStatus>> {
  // The SDK refuses these ids before sending (a thrown Error without a status, which would look like
  // a transport failure and be retried until the batch spilled as a store outage): not the store's fault.
  for (const doc of docs) {
    const problem = idProblem(doc.id);
    if (problem !== undefined)
      throw new RejectedWriteError(
        `${operationType} in ${container.id}: id ${JSON.stringify(doc.id).slice(0, 80)} ${problem}`,
      );
  }
  const statuses = new Map<string, WriteStatus>();
  // Ids whose create may have been applied although we never heard so.
  const unknown = new Set<string>();
  let pending: readonly Doc[] = docs;
  await pRetry(
    async () => {
      if (pending.length === 0) return;
      const codes =
        pending.length <= POINT_WRITE_LIMIT
          ? await pointWrites(container, operationType, pending)
          : await bulkWrites(container, operationType, pending);
      const failed: Doc[] = [];
      const conflicts: Doc[] = [];
      let lastProblem = '';
      codes.forEach((code, i) => {
        const doc = pending[i];
        if (doc === undefined) return;
        if (code === 201 || code === 200) statuses.set(doc.id, 'created');
        else if (code === 409 && unknown.has(doc.id)) conflicts.push(doc);
        else if (code === 409) statuses.set(doc.id, 'exists');
        else if (typeof code !== 'number' || RETRYABLE.has(code)) {
          failed.push(doc);
          if (mayHaveApplied(code)) unknown.add(doc.id);
          lastProblem = `status ${String(code)}`;
        } else {
          const problem = `${operationType} ${doc.id} in ${container.id} failed with ${code}`;
          // A refused document is not an outage; 401, 403 or 404 (a key or container) is the store's.
          throw new AbortError(REFUSED.has(code) ? new RejectedWriteError(problem) : problem);
        }
      });
      const owners = await Promise.all(conflicts.map((doc) => storedAsSent(container, doc)));
      conflicts.forEach((doc, i) => {
        const owner = owners[i];
        if (owner === undefined) {
          failed.push(doc);
          lastProblem = 'status 409, and the stored document could not be read';
        } else statuses.set(doc.id, owner ? 'created' : 'exists');
      });
      pending = failed;
      if (failed.length > 0)
        throw new Error(`${failed.length} writes to ${container.id} failed (${lastProblem})`);
    },
    {
      retries: retry.attempts - 1,
      minTimeout: retry.minDelayMs,
      maxTimeout: retry.maxDelayMs,
      randomize: true,
    },
  ).catch((error: unknown) => {
    if (error instanceof RejectedWriteError) throw error;
    throw new DependencyError('cosmos', (error as Error).message, { cause: error });
  });
  return statuses;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why Cosmos (or its SDK, or the URL it builds) cannot take this id; undefined when it can. */
export function idProblem(id: unknown): string | undefined {
  if (typeof id !== 'string' || id === '') return 'is not a non-empty string';
  if (/[/\\?#]/.test(id)) return 'contains / \\ ? or #';
  if (id.endsWith(' ')) return 'ends with a space';
  if (LONE_SURROGATE.test(id)) return 'is not valid Unicode (a lone surrogate)';
  if (Buffer.byteLength(id, 'utf8') > 1023) return 'is longer than 1,023 bytes';
  return undefined;
}

/** 429, 449 and 410 are refused before anything is written; a timeout, a 5xx or a lost connection may not be. */
function mayHaveApplied(code: Code): boolean {
  return typeof code !== 'number' || code === 408 || code === 500 || code === 503;
}

/**
 * Whether the stored document is the one we sent (every field we sent, equal as JSON); undefined
 * when it cannot be read now (the caller retries).
 */
async function storedAsSent(container: Container, doc: Doc): Promise<boolean | undefined> {
  try {
    const { resource } = await container.item(doc.id, doc.pk).read<Record<string, unknown>>();
    if (resource === undefined) return undefined;
    return Object.entries(doc).every(
      ([key, value]) => value === undefined || canonicalJson(value) === canonicalJson(resource[key]),
    );
  } catch {
    return undefined;
  }
}

/**
 * The SDK's bulk executor waits a fixed second for partial batches to fill, on every call. For a
 * handful of documents (dead letters, rollup markers) parallel point writes are both faster and
 * cheaper in latency; the bulk path is for record batches, where the wait is amortized.
 */
const POINT_WRITE_LIMIT = 25;

type Code = number | string | undefined;

/**
 * `items.bulk`, ≤ 100 operations per call, up to 8 calls at once. Not `executeBulkOperations`: in
 * @azure/cosmos 4.9 it ends every call with `while (processed < total) { addPartialBatchToQueue();
 * await sleep(1000) }`, so each call takes at least a second however few documents it carries, and
 * a batch paid it twice (records, then markers). `bulk` answers when its requests do. Its per-item
 * 429s come back as statuses, which the retry loop above already handles.
 */
const OPS_PER_BULK = 100;
/** Requests in flight per call: a 500-record batch goes out at once; a 20,000-row price save is paced. */
const PARALLEL_BULKS = 8;

async function bulkWrites(
  container: Container,
  operationType: 'Create' | 'Upsert',
  docs: readonly Doc[],
): Promise<Code[]> {
  const chunks: (readonly Doc[])[] = [];
  for (let start = 0; start < docs.length; start += OPS_PER_BULK)
    chunks.push(docs.slice(start, start + OPS_PER_BULK));
  const perChunk = await pMap(
    chunks,
    async (chunk): Promise<Code[]> => {
      const ops: OperationInput[] = chunk.map((doc) => ({
        operationType,
        partitionKey: doc.pk,
        resourceBody: { ...doc },
      }));
      try {
        // eslint-disable-next-line @typescript-eslint/no-deprecated -- see above: its replacement sleeps 1 s per call
        const results = await container.items.bulk(ops, { continueOnError: true });
        return chunk.map((_, i) => results[i]?.statusCode);
      } catch (error) {
        // The whole request failed (transport, throttled request): every document in it is retryable.
        const { code } = error as { code?: unknown };
        return chunk.map(() => (typeof code === 'number' ? code : 'transport error'));
      }
    },
    { concurrency: PARALLEL_BULKS },
  );
  return perChunk.flat();
}

function pointWrites(
  container: Container,
  operationType: 'Create' | 'Upsert',
  docs: readonly Doc[],
): Promise<Code[]> {
  return Promise.all(
    docs.map(async (doc): Promise<Code> => {
      try {
        const response =
          operationType === 'Create'
            ? await container.items.create({ ...doc })
            : await container.items.upsert({ ...doc });
        return response.statusCode;
      } catch (error) {
        const { code, message } = error as { code?: unknown; message?: unknown };
        return typeof code === 'number' ? code : typeof message === 'string' ? message : 'transport error';
      }
    }),
  );
}
