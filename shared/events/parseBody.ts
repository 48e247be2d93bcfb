import { boundedFingerprint, exceedsBounds, MAX_EVENT_DEPTH, MAX_EVENT_NODES } from './nesting.js';

/** A usage event is a few hundred bytes; anything this large is not one, and must not reach Cosmos whole. */
export const MAX_EVENT_BYTES = 64 * 1024;

export type ParsedBody =
  | { readonly ok: true; readonly value: Record<string, unknown>; readonly raw: string }
  /** `value`: the JSON it held when that was valid but not an object (its shape is kept, not the text's). */
  | { readonly ok: false; readonly problem: string; readonly raw: string; readonly value?: unknown };

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The trigger may hand a body over as an object, a JSON string, or bytes. */
export function parseBody(body: unknown): ParsedBody {
  const text = bodyText(body);
  if (!text.ok) return text;
  const raw = text.raw;
  // A UTF-16 unit is at most 3 UTF-8 bytes: short texts need no exact count.
  const bytes = raw.length * 3 <= MAX_EVENT_BYTES ? 0 : Buffer.byteLength(raw, 'utf8');
  if (bytes > MAX_EVENT_BYTES) {
    return { ok: false, problem: `body is ${bytes} bytes, over the ${MAX_EVENT_BYTES}-byte limit`, raw };
  }
  if (text.value !== undefined) return checkObject(text.value, raw);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    return { ok: false, problem: `body is not JSON (${parseErrorWithoutText(error)})`, raw };
  }
  return checkObject(value, raw);
}

type BodyText = { ok: true; raw: string; value?: unknown } | { ok: false; problem: string; raw: string };

function bodyText(body: unknown): BodyText {
  if (typeof body === 'string') return { ok: true, raw: body };
  if (body instanceof Uint8Array || body instanceof ArrayBuffer) {
    try {
      return { ok: true, raw: decoder.decode(body) };
    } catch {
      return {
        ok: false,
        problem: 'body bytes are not valid UTF-8',
        raw: Buffer.from(new Uint8Array(body)).toString('latin1'),
      };
    }
  }
  if (body === undefined) return { ok: false, problem: 'body is empty', raw: '' };
  // Bounded before it is serialized: JSON.stringify recurses, and a body 20,000 levels deep would
  // overflow the stack here, or wherever else it went whole (a spill, a dead letter).
  let bound: ReturnType<typeof exceedsBounds>;
  try {
    bound = exceedsBounds(body, MAX_EVENT_DEPTH, MAX_EVENT_NODES);
  } catch (error) {
    // Not from JSON (a host's object whose getter throws): this one body is refused, not its batch.
    const problem = `body cannot be read (${error instanceof Error ? error.name : 'error'})`;
    return { ok: false, problem, raw: Object.prototype.toString.call(body) };
  }
  if (bound !== undefined) {
    const problem =
      bound === 'depth'
        ? `body is nested more than ${MAX_EVENT_DEPTH} levels deep`
        : `body holds more than ${MAX_EVENT_NODES} values`;
    return { ok: false, problem, raw: boundedFingerprint(body) };
  }
  try {
    return { ok: true, raw: JSON.stringify(body), value: body };
  } catch (error) {
    return {
      ok: false,
      problem: `body cannot be serialized (${(error as Error).message})`,
      raw: Object.prototype.toString.call(body),
    };
  }
}

function checkObject(value: unknown, raw: string): ParsedBody {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    return { ok: false, problem: `body must be a JSON object, got ${kind}`, raw, value };
  }
  return { ok: true, value: value as Record<string, unknown>, raw };
}

/**
 * V8 quotes the text around some errors (`Unexpected token 's', "secret…" is not valid JSON`): a
 * reason must not carry the body's content, so the quoted text is dropped and the rest kept.
 */
function parseErrorWithoutText(error: unknown): string {
  const message = error instanceof Error ? error.message : 'syntax error';
  const quoted = /^(.*?), ".*" is not valid JSON$/s.exec(message);
  return quoted?.[1] ?? message;
}
