import { z } from 'zod';

import { SpilledBody } from '../events/spilledBody.js';
import type { EventSource } from '../events/types.js';
import { toSpilledBody } from './spillEntry.js';

const sourceSchema = z.object({
  kind: z.enum(['eventhub', 'file', 'spill']),
  partitionId: z.string().optional(),
  sequenceNumber: z.number().optional(),
  offset: z.string().optional(),
  enqueuedTimeUtc: z.string().optional(),
  file: z.string().optional(),
  line: z.number().optional(),
});

/** Format 1 (before redaction) kept bodies whole: bytes as base64, everything else as it came. */
const wholeBody = z.union([
  z.object({ base64: z.string() }).strict(),
  z.object({ value: z.unknown() }).strict(),
]);

/** Format 2 keeps each body's redacted view, or why it was refused, and its precomputed ids. */
const keptBody = z.union([
  z
    .object({
      // Not z.record: zod would copy the view key by key, and a `__proto__` key must stay a plain key.
      view: z.custom<Record<string, unknown>>(isPlainObject, 'must be an object'),
      contentId: z.string().optional(),
      deadLetterId: z.string(),
      rawBytes: z.number(),
    })
    .strict(),
  z
    .object({
      refused: z.array(z.object({ path: z.string(), problem: z.string() })),
      shape: z.string(),
      deadLetterId: z.string(),
      rawBytes: z.number(),
    })
    .strict(),
]);

const header = { savedAt: z.string(), reason: z.string(), sources: z.array(sourceSchema) };
export const spillSchema = z.discriminatedUnion('format', [
  z.object({ format: z.literal('chargeback-spill/1'), bodies: z.array(wholeBody), ...header }),
  z.object({ format: z.literal('chargeback-spill/2'), bodies: z.array(keptBody), ...header }),
]);

export function encodeSpill(
  bodies: readonly unknown[],
  sources: readonly EventSource[],
  reason: string,
  savedAt: Date,
): string {
  return JSON.stringify({
    format: 'chargeback-spill/2',
    savedAt: savedAt.toISOString(),
    reason,
    bodies: bodies.map((body, i) => {
      const kept = toSpilledBody(body, sources[i] ?? { kind: 'eventhub' });
      const common = { deadLetterId: kept.deadLetterId, rawBytes: kept.rawBytes };
      if (kept.view === undefined) return { refused: kept.refused ?? [], shape: kept.shape, ...common };
      return {
        view: kept.view,
        ...(kept.contentId === undefined ? {} : { contentId: kept.contentId }),
        ...common,
      };
    }),
    sources,
  });
}

export function decodeSpill(text: string): { bodies: unknown[]; sources: EventSource[]; savedAt: string } {
  const parsed = spillSchema.parse(JSON.parse(text));
  const bodies =
    parsed.format === 'chargeback-spill/1'
      ? parsed.bodies.map((b) => ('base64' in b ? Buffer.from(b.base64, 'base64') : b.value))
      : parsed.bodies.map((b) =>
          'view' in b
            ? new SpilledBody(b.view, undefined, b.contentId, b.deadLetterId, b.rawBytes, '')
            : new SpilledBody(undefined, b.refused, undefined, b.deadLetterId, b.rawBytes, b.shape),
        );
  // Replayed events keep their hub position, so their ids (and dead-letter ids) are the ones they would have had.
  return { bodies, sources: parsed.sources, savedAt: parsed.savedAt };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
