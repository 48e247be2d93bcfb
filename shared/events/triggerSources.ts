import { z } from 'zod';

import type { EventSource } from './types.js';

// What the Event Hubs extension puts in triggerMetadata for `cardinality: 'many'`.
const metadataSchema = z.object({
  partitionContext: z.object({ partitionId: z.union([z.string(), z.number()]).optional() }).optional(),
  sequenceNumberArray: z.array(z.union([z.number(), z.string()])).optional(),
  offsetArray: z.array(z.union([z.string(), z.number()])).optional(),
  enqueuedTimeUtcArray: z.array(z.string()).optional(),
});

/** One source per event; without metadata (or with odd metadata) events are keyed by content only. */
export function sourcesFromTrigger(metadata: unknown, count: number): EventSource[] {
  const parsed = metadataSchema.safeParse(metadata ?? {});
  const meta = parsed.success ? parsed.data : {};
  const partition = meta.partitionContext?.partitionId;
  return Array.from({ length: count }, (_, i): EventSource => {
    const sequence = meta.sequenceNumberArray?.[i];
    const offset = meta.offsetArray?.[i];
    const enqueued = meta.enqueuedTimeUtcArray?.[i];
    return {
      kind: 'eventhub',
      ...(partition === undefined ? {} : { partitionId: String(partition) }),
      ...(sequence === undefined || !Number.isSafeInteger(Number(sequence))
        ? {}
        : { sequenceNumber: Number(sequence) }),
      ...(offset === undefined ? {} : { offset: String(offset) }),
      ...(enqueued === undefined ? {} : { enqueuedTimeUtc: enqueued }),
    };
  });
}
