import { z } from 'zod';

import type { EventSource } from '../events/types.js';

/** Bytes survive the JSON round trip as base64; everything else as it came. */
const encodedBody = z.union([
  z.object({ base64: z.string() }).strict(),
  z.object({ value: z.unknown() }).strict(),
]);

const sourceSchema = z.object({
  kind: z.enum(['eventhub', 'file', 'spill']),
  partitionId: z.string().optional(),
  sequenceNumber: z.number().optional(),
  offset: z.string().optional(),
  enqueuedTimeUtc: z.string().optional(),
  file: z.string().optional(),
  line: z.number().optional(),
});

export const spillSchema = z.object({
  format: z.literal('chargeback-spill/1'),
  savedAt: z.string(),
  reason: z.string(),
  bodies: z.array(encodedBody),
  sources: z.array(sourceSchema),
});

export function encodeSpill(
  bodies: readonly unknown[],
  sources: readonly EventSource[],
  reason: string,
  savedAt: Date,
): string {
  return JSON.stringify({
    format: 'chargeback-spill/1',
    savedAt: savedAt.toISOString(),
    reason,
    bodies: bodies.map((body) =>
      body instanceof Uint8Array ? { base64: Buffer.from(body).toString('base64') } : { value: body ?? null },
    ),
    sources,
  });
}

export function decodeSpill(text: string): { bodies: unknown[]; sources: EventSource[]; savedAt: string } {
  const parsed = spillSchema.parse(JSON.parse(text));
  return {
    bodies: parsed.bodies.map((b) => ('base64' in b ? Buffer.from(b.base64, 'base64') : b.value)),
    // Replayed events keep their hub position, so their ids (and dead-letter ids) are the ones they would have had.
    sources: parsed.sources,
    savedAt: parsed.savedAt,
  };
}
