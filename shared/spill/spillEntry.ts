import { canonicalJson, idempotencyKey } from '../events/idempotencyKey.js';
import { prepareBody } from '../events/normalize.js';
import { redactedView } from '../events/redact.js';
import { SpilledBody } from '../events/spilledBody.js';
import type { EventSource } from '../events/types.js';
import { deadLetterId } from '../pipeline/deadLetter.js';

/**
 * What a spill keeps of one body: its redacted view, never the body (docs/security.md), and the ids
 * that hash what the view leaves out. Pure and bounded: the body is size- and depth-checked before
 * anything serializes it, so no body can stop the rest of its batch from being spilled.
 */
export function toSpilledBody(body: unknown, source: EventSource): SpilledBody {
  if (body instanceof SpilledBody) return body; // a replayed spill spilled again
  try {
    return keptBody(body, source);
  } catch (error) {
    // Not JSON's doing (a host handing over an object whose getters throw): refused, not the batch lost.
    const problem = `body cannot be read (${error instanceof Error ? error.name : 'error'})`;
    const dead = deadLetterId(Object.prototype.toString.call(body), source);
    return new SpilledBody(undefined, [{ path: '(body)', problem }], undefined, dead, 0, '"unreadable"');
  }
}

function keptBody(body: unknown, source: EventSource): SpilledBody {
  const prepared = prepareBody(body);
  const rawBytes = Buffer.byteLength(prepared.raw, 'utf8');
  const dead = deadLetterId(prepared.raw, source);
  if (!prepared.ok)
    return new SpilledBody(undefined, [prepared.issue], undefined, dead, rawBytes, prepared.shape);
  const { value } = prepared;
  const keyed = value.requestId !== undefined || value['message-id'] !== undefined;
  const contentId = keyed ? undefined : idempotencyKey(undefined, canonicalJson(value), source);
  return new SpilledBody(redactedView(value), undefined, contentId, dead, rawBytes, '');
}
