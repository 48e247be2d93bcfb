import { v1EventSchema } from './v1Schema.js';
import { BACKEND_MAX, TEXT_MAX, v2EventSchema } from './v2Schema.js';

/**
 * What may be kept of a body once it leaves the normalizer (dead letters, spills): the fields the
 * pipeline reads, with their values, and only the shape of everything else: key names and sizes,
 * never values. A gateway misconfigured to log `messages` or an `api-key` header must not leave the
 * prompt or the key in storage (docs/security.md, "Nothing secret kept").
 */

/** Top-level keys v1 or v2 normalization reads: the schemas' own keys, so the two cannot drift apart. */
const READ_KEYS = new Set([...Object.keys(v1EventSchema.shape), ...Object.keys(v2EventSchema.shape)]);
/** The longest text each read key accepts (after trimming); 64 for the rest (token strings, time, ids). */
const TEXT_LIMIT: Readonly<Record<string, number>> = {
  ...TEXT_MAX,
  requestId: 128,
  'message-id': 128,
  backend: BACKEND_MAX,
};
const textLimit = (key: string) => (Object.hasOwn(TEXT_LIMIT, key) ? (TEXT_LIMIT[key] ?? 64) : 64);
const USAGE_KEYS = new Set([
  'prompt_tokens',
  'completion_tokens',
  'total_tokens',
  'input_tokens',
  'output_tokens',
  'type',
  'seconds',
]);
const DETAIL_KEYS = new Set([
  'cached_tokens',
  'reasoning_tokens',
  'audio_tokens',
  'image_tokens',
  'text_tokens',
]);
const DETAIL_OBJECTS = new Set([
  'prompt_tokens_details',
  'completion_tokens_details',
  'input_tokens_details',
  'input_token_details',
  'output_tokens_details',
]);

/** Header-like credentials: not even their size is kept. `_`, spaces and case do not matter. */
const SECRET_KEY = /api-?key|authori[sz]ation|subscription-?key|secret|password|cookie|credential/;
export const REDACTED = '[redacted]';

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key.toLowerCase().replace(/[_\s]/g, '-'));
}

/** Shapes are bounded: a view is small whatever the body (deep, wide or hostile). */
const SHAPE_DEPTH = 3;
const SHAPE_KEYS = 32;
const KEY_CHARS = 64;

/** The kept view of a parsed body: read fields as they are, the rest as shapes, secrets redacted. */
export function redactedView(value: Record<string, unknown>): Record<string, unknown> {
  const isRead = (key: string) => READ_KEYS.has(key);
  return keep(value, isRead, (key, child) => {
    if (key === 'usage') return isPlainObject(child) ? usageView(child) : shapeOf(child, 1);
    return READ_KEYS.has(key) ? scalar(child, textLimit(key)) : shapeOf(child, 1);
  });
}

/** Only the shape of a value: `string:12`, `number`, `boolean`, `null`, `array:3`, objects by key. */
export function shapeOf(value: unknown, depth = 0): unknown {
  if (value === null) return 'null';
  if (typeof value === 'string') return `string:${value.length}`;
  if (Array.isArray(value)) return `array:${value.length}`;
  if (typeof value !== 'object') return typeof value;
  if (depth >= SHAPE_DEPTH) return `object:${Object.keys(value).length}`;
  return keep(value as Record<string, unknown>, NONE_READ, (_key, child) => shapeOf(child, depth + 1));
}

function usageView(usage: Record<string, unknown>): Record<string, unknown> {
  const isRead = (key: string) => USAGE_KEYS.has(key) || DETAIL_OBJECTS.has(key);
  return keep(usage, isRead, (key, child) => {
    if (USAGE_KEYS.has(key)) return scalar(child, 32);
    if (!DETAIL_OBJECTS.has(key)) return shapeOf(child, 2);
    if (child === null || child === undefined) return child;
    // Not an object: its shape is a string, which the schema refuses just as it refused the value.
    if (!isPlainObject(child)) return shapeOf(child, 2);
    return keep(
      child,
      (inner) => DETAIL_KEYS.has(inner),
      (inner, v) => (DETAIL_KEYS.has(inner) ? scalar(v, 32) : shapeOf(v, 3)),
    );
  });
}

/**
 * A read field's value is kept when it is a scalar of plausible size. Anything else could only be
 * refused, and its shape is wrapped in an object so that it is refused again on replay: the shape
 * `array:2` would otherwise be a valid model name.
 */
function scalar(value: unknown, maxChars: number): unknown {
  // zod counts code points, and a code point is at most two UTF-16 units: every valid value is kept.
  if (typeof value === 'string') {
    return value.trim().length <= 2 * maxChars ? value : { $shape: shapeOf(value) };
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  return { $shape: shapeOf(value, 1) };
}

const NONE_READ = () => false;

/**
 * Copies every read key and at most SHAPE_KEYS others (names clipped), redacting secrets.
 * Own properties are defined, so a `__proto__` key stays a plain key.
 */
function keep(
  source: Record<string, unknown>,
  isRead: (key: string) => boolean,
  map: (key: string, child: unknown) => unknown,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let others = 0;
  let dropped = 0;
  for (const key in source) {
    if (!Object.hasOwn(source, key)) continue;
    const read = isRead(key);
    if (!read && others++ >= SHAPE_KEYS) {
      dropped++;
      continue;
    }
    const name = read || key.length <= KEY_CHARS ? key : `${key.slice(0, KEY_CHARS)}…(${key.length})`;
    define(out, name, isSecretKey(key) ? REDACTED : map(key, source[key]));
  }
  if (dropped > 0) define(out, '…', `${dropped} more keys`);
  return out;
}

function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
