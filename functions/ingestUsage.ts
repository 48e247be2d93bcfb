import { app, type InvocationContext } from '@azure/functions';

import { sharedServices } from '../shared/app/lazyServices.js';
import { sourcesFromTrigger } from '../shared/events/triggerSources.js';
import { ingestBatch } from '../shared/pipeline/ingestBatch.js';
import { formatSummary } from '../shared/pipeline/summary.js';

/** Event Hub → usage records. A shell: all logic is in shared/pipeline. */
export async function ingestUsage(messages: unknown, context: InvocationContext): Promise<void> {
  const services = await sharedServices();
  const bodies = Array.isArray(messages) ? (messages as unknown[]) : [messages];
  const sources = sourcesFromTrigger(context.triggerMetadata, bodies.length);
  const result = await ingestBatch(bodies, sources, services.ingest, services.spill);
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

app.eventHub('ingestUsage', {
  connection: 'EventHubConnection',
  eventHubName: '%USAGE_EVENTHUB_NAME%',
  consumerGroup: '%USAGE_CONSUMER_GROUP%',
  cardinality: 'many',
  // Only a failed spill throws; the host then retries the batch before it checkpoints past it.
  retry: {
    strategy: 'exponentialBackoff',
    maxRetryCount: 8,
    minimumInterval: { seconds: 5 },
    maximumInterval: { minutes: 5 },
  },
  handler: ingestUsage,
});
