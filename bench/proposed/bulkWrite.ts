import type { Container, OperationInput, OperationResponse } from '@azure/cosmos';
import pRetry, { AbortError } from 'p-retry';

import { DependencyError } from '../../shared/errors.js';
import type { WriteStatus } from '../../shared/pipeline/ports.js';
import { DEFAULT_BULK_RETRY, type BulkRetryOptions } from '../../shared/store/bulkCreate.js';

/**
 * PROTOTYPE of the fix proposed for shared/store/bulkCreate.ts (see docs/performance.md), kept in bench/
 * so the benchmark can measure it before it lands. Same contract and retry rules as `bulkCreate`; the
 * one change is the SDK call.
 *
 * `items.executeBulkOperations` (@azure/cosmos 4.9) ends every call with
 * `while (processed < total) { addPartialBatchToQueue(); await sleep(1000) }`, so each call takes
 * at least one second however few documents it carries. `items.bulk` sends one request per
 * partition-key range and ≤100 operations, and returns as soon as they answer, so a batch of 500
 * becomes 5 parallel requests of 100.
 */
const RETRYABLE = new Set([408, 410, 429, 449, 500, 503]);
const OPS_PER_REQUEST = 100;

interface Doc {
  readonly id: string;
  readonly pk: string;
}

export function bulkWrite(
  container: Container,
  operationType: 'Create' | 'Upsert',
  docs: readonly Doc[],
  retry: BulkRetryOptions = DEFAULT_BULK_RETRY,
): Promise<Map<string, WriteStatus>> {
  const statuses = new Map<string, WriteStatus>();
  let pending: readonly Doc[] = docs;
  return pRetry(
    async () => {
      if (pending.length === 0) return;
      const chunks: Doc[][] = [];
      for (let i = 0; i < pending.length; i += OPS_PER_REQUEST)
        chunks.push(pending.slice(i, i + OPS_PER_REQUEST));
      const settled = await Promise.allSettled(
        chunks.map((chunk) =>
          // eslint-disable-next-line @typescript-eslint/no-deprecated -- its replacement sleeps ≥ 1 s per call (above)
          container.items.bulk(
            chunk.map((doc): OperationInput => ({
              operationType,
              partitionKey: doc.pk,
              resourceBody: { ...doc },
            })),
            { continueOnError: true },
          ),
        ),
      );
      const failed: Doc[] = [];
      let lastProblem = '';
      settled.forEach((outcome, c) => {
        const chunk = chunks[c] ?? [];
        if (outcome.status === 'rejected') {
          // The whole request failed (transport, 429 on the request): retry its documents only.
          failed.push(...chunk);
          lastProblem = (outcome.reason as Error).message;
          return;
        }
        outcome.value.forEach((result: OperationResponse, i) => {
          const doc = chunk[i];
          if (doc === undefined) return;
          const code = result.statusCode;
          if (code === 201 || code === 200) statuses.set(doc.id, 'created');
          else if (code === 409) statuses.set(doc.id, 'exists');
          else if (RETRYABLE.has(code)) {
            failed.push(doc);
            lastProblem = `status ${code}`;
          } else {
            throw new AbortError(`${operationType} ${doc.id} in ${container.id} failed with ${code}`);
          }
        });
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
  ).then(
    () => statuses,
    (error: unknown) => {
      throw new DependencyError('cosmos', (error as Error).message, { cause: error });
    },
  );
}
