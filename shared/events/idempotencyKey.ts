import { createHash } from 'node:crypto';

import { isGuid } from './guid.js';
import type { EventSource } from './types.js';

/**
 * The Cosmos id of a record. A gateway request id is the natural key: a GUID (what APIM sends) is the
 * id itself, lower-cased, as it always was, so redelivered old events still meet their records. Any
 * other request id is hashed (`r-…`): text such as `.`, `..` or an over-long id is no valid Cosmos id,
 * and a hash of it always is. GUIDs, `r-` and `h-` ids never collide. Without a request id, the same
 * event redelivered from the same hub position must map to the same id, while two identical calls at
 * different positions must not; a file has no position, so its events are keyed by content.
 */
export function idempotencyKey(
  requestId: string | undefined,
  canonical: string,
  source: EventSource,
): string {
  if (requestId !== undefined) {
    return isGuid(requestId) ? requestId.toLowerCase() : `r-${sha256(requestId).slice(0, 40)}`;
  }
  const position =
    source.kind === 'eventhub' && source.partitionId !== undefined && source.sequenceNumber !== undefined
      ? `|eh:${source.partitionId}:${source.sequenceNumber}`
      : '';
  return `h-${sha256(canonical + position).slice(0, 40)}`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** JSON with sorted keys, so formatting and key order do not change a content hash. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) return inner;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(inner).sort()) {
      Object.defineProperty(sorted, key, {
        value: (inner as Record<string, unknown>)[key],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return sorted;
  });
}
