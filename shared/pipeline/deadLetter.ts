import { sha256 } from '../events/idempotencyKey.js';
import type { EventSource, FieldIssue } from '../events/types.js';
import type { DeadLetter } from './ports.js';

export const DEAD_LETTER_RAW_LIMIT = 16 * 1024;

/**
 * The id hashes the raw body and, for hub events, its position: a redelivered bad event maps
 * to the same document, so dead letters are idempotent too.
 */
export function buildDeadLetter(
  raw: string,
  reasons: readonly FieldIssue[],
  source: EventSource,
  receivedAt: Date,
): DeadLetter {
  const position =
    source.kind === 'eventhub' ? `|eh:${source.partitionId ?? ''}:${source.sequenceNumber ?? ''}` : '';
  const id = `dl-${sha256(raw + position).slice(0, 40)}`;
  const rawBytes = Buffer.byteLength(raw, 'utf8');
  const truncated = rawBytes > DEAD_LETTER_RAW_LIMIT;
  return {
    id,
    pk: id,
    receivedAt: receivedAt.toISOString(),
    day: receivedAt.toISOString().slice(0, 10),
    reasons,
    raw: truncated ? truncateUtf8(raw, DEAD_LETTER_RAW_LIMIT) : raw,
    rawBytes,
    truncated,
    source,
  };
}

function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8').subarray(0, maxBytes);
  // Drop a trailing partial character rather than store a replacement char.
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes).replace(/\uFFFD$/, '');
}
