import { app, type InvocationContext, type RetryOptions } from '@azure/functions';

import { ensureError } from '../shared/errors.js';
import { sharedServices } from '../shared/app/lazyServices.js';
import { sourcesFromTrigger } from '../shared/events/triggerSources.js';
import { ingestBatch } from '../shared/pipeline/ingestBatch.js';
import { formatSummary } from '../shared/pipeline/summary.js';

/** Event Hub → usage records. A shell: all logic is in shared/pipeline. */
export async function ingestUsage(messages: unknown, context: InvocationContext): Promise<void> {
  const services = await sharedServices();
  const bodies = Array.isArray(messages) ? (messages as unknown[]) : [messages];
  const sources = sourcesFromTrigger(context.triggerMetadata, bodies.length);
  let result;
  try {
    result = await ingestBatch(bodies, sources, services.ingest, services.spill);
  } catch (error) {
    // Thrown only when neither Cosmos nor the spill took the batch: the host retries it (INGEST_RETRY).
    context.error(
      `batch of ${bodies.length} not saved, the host will deliver it again: ${ensureError(error).message}`,
    );
    throw error;
  }
  if (result.status === 'spilled') {
    context.warn(`batch of ${result.received} spilled to ${result.spill}: ${result.reason}`);
    return;
  }
  context.log(`usage batch: ${formatSummary(result.summary)}`);
  for (const outcome of result.summary.outcomes) {
    if (outcome.outcome === 'deadLettered' && !outcome.redelivered) {
      context.warn(
        `dead-lettered ${outcome.id}: ${outcome.reasons.map((r) => `${r.path}: ${r.problem}`).join('; ')}`,
      );
    }
  }
}

/**
 * Only a failed spill throws (NothingSavedError: neither Cosmos nor blob storage took the batch). A
 * finite count would let the host checkpoint past that batch once the retries run out, losing it; -1
 * retries indefinitely, so a long storage outage pauses this partition instead (docs/reliability.md).
 */
export const INGEST_RETRY: RetryOptions = {
  strategy: 'exponentialBackoff',
  maxRetryCount: -1,
  minimumInterval: { seconds: 5 },
  maximumInterval: { minutes: 5 },
};

app.eventHub('ingestUsage', {
  connection: 'EventHubConnection',
  eventHubName: '%USAGE_EVENTHUB_NAME%',
  consumerGroup: '%USAGE_CONSUMER_GROUP%',
  cardinality: 'many',
  retry: INGEST_RETRY,
  handler: ingestUsage,
});
