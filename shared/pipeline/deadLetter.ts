import type { Rejected } from '../events/normalize.js';
import { sha256 } from '../events/idempotencyKey.js';
import type { EventSource } from '../events/types.js';
import type { DeadLetter } from './ports.js';

export const DEAD_LETTER_RAW_LIMIT = 16 * 1024;

/**
 * The id hashes the raw body and, for hub events, its position: a redelivered bad event maps
 * to the same document, so dead letters are idempotent too.
 */
export function deadLetterId(raw: string, source: EventSource): string {
  const position =
    source.kind === 'eventhub' ? `|eh:${source.partitionId ?? ''}:${source.sequenceNumber ?? ''}` : '';
  return `dl-${sha256(raw + position).slice(0, 40)}`;
}

/**
 * What is kept is the body's redacted view (the fields the pipeline reads, the shape of the rest;
 * docs/security.md), never the body itself: enough to see why it was refused and to fix the sender.
 */
export function buildDeadLetter(rejected: Rejected, source: EventSource, receivedAt: Date): DeadLetter {
  const id = rejected.deadLetterId ?? deadLetterId(rejected.raw, source);
  const viewBytes = Buffer.byteLength(rejected.view, 'utf8');
  const truncated = viewBytes > DEAD_LETTER_RAW_LIMIT;
  return {
    id,
    pk: id,
    receivedAt: receivedAt.toISOString(),
    day: receivedAt.toISOString().slice(0, 10),
    reasons: rejected.issues,
    raw: truncated ? truncateUtf8(rejected.view, DEAD_LETTER_RAW_LIMIT) : rejected.view,
    rawBytes: rejected.rawBytes,
    truncated,
    source,
  };
}

function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8').subarray(0, maxBytes);
  // Drop a trailing partial character rather than store a replacement char.
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes).replace(/\uFFFD$/, '');
}
