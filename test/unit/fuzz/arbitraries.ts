import fc from 'fast-check';

import type { EventSource } from '../../../shared/events/types.js';

// Generators for the fuzz suite: valid v1/v2 events, and mutations of them that real gateways,
// bugs and attackers could produce (wrong types, missing fields, huge or fractional numbers,
// unicode, 1 MB strings, prototype keys, deep nesting, broken JSON, invalid UTF-8).

/** The clock every generated event is judged against. */
export const NOW = new Date('2026-03-01T12:00:00.000Z');
const ONE_MB = 'x'.repeat(1 << 20);

// ---- valid events -------------------------------------------------------------------------------

const tokens = fc.integer({ min: 0, max: 2_000_000 });
const when = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: NOW, noInvalidDate: true });
const model = fc.constantFrom(
  'gpt-4o-2024-08-06',
  'gpt-4o-mini-2024-07-18',
  'gpt-5-mini-2025-08-07',
  'o3-mini-2025-01-31',
  'text-embedding-3-large',
  'gpt-35-turbo',
  'mystery-model',
);

const usage = fc.oneof(
  fc.tuple(tokens, tokens, tokens, tokens).map(([p, c, k, r]) => ({
    prompt_tokens: p,
    completion_tokens: k,
    total_tokens: p + k,
    prompt_tokens_details: { cached_tokens: Math.min(c, p) },
    completion_tokens_details: { reasoning_tokens: Math.min(r, k) },
  })),
  tokens.map((p) => ({ prompt_tokens: p, total_tokens: p })),
  fc.tuple(tokens, tokens, tokens).map(([p, c, k]) => ({
    input_tokens: p,
    output_tokens: k,
    input_tokens_details: { cached_tokens: Math.min(c, p) },
  })),
  // Audio chat: audio inside both totals (the detail edits of v2FastPath.test.ts break that).
  fc.tuple(tokens, tokens, tokens, tokens).map(([p, a, k, o]) => ({
    prompt_tokens: p,
    completion_tokens: k,
    total_tokens: p + k,
    prompt_tokens_details: {
      cached_tokens: 0,
      audio_tokens: Math.min(a, p),
      text_tokens: p - Math.min(a, p),
    },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: Math.min(o, k),
      accepted_prediction_tokens: 0,
    },
  })),
  // Responses / Images API with image and audio details.
  fc.tuple(tokens, tokens, tokens, tokens).map(([p, i, k, a]) => ({
    input_tokens: p,
    output_tokens: k,
    total_tokens: p + k,
    input_tokens_details: { text_tokens: p - Math.min(i, p), image_tokens: Math.min(i, p) },
    output_tokens_details: { audio_tokens: Math.min(a, k) },
  })),
  // Transcription: the singular input_token_details, which only zod reads.
  fc.tuple(tokens, tokens, tokens).map(([p, a, k]) => ({
    type: 'tokens',
    input_tokens: p,
    input_token_details: { text_tokens: p - Math.min(a, p), audio_tokens: Math.min(a, p) },
    output_tokens: k,
    total_tokens: p + k,
  })),
);

export const v2 = fc.record({
  schema: fc.constant('aoai-usage/2'),
  requestId: fc.uuid(),
  eventTime: when.map((d) => d.toISOString()),
  appId: fc.uuid(),
  deployment: fc.constantFrom('gpt4o-prod', 'mini', 'embed'),
  deploymentType: fc.constantFrom('global', 'datazone', 'regional', 'GlobalStandard'),
  region: fc.constantFrom('eastus', 'eastus2', 'swedencentral'),
  operation: fc.constantFrom('chat.completion', 'embedding', 'response'),
  model,
  stream: fc.boolean(),
  statusCode: fc.constant(200),
  usage,
});

const usDateTime = (d: Date) => {
  const h = d.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h % 12 === 0 ? 12 : h % 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
};

const v1 = fc
  .record({
    when,
    appid: fc.uuid(),
    model,
    prompt: tokens,
    completion: tokens,
    messageId: fc.option(fc.uuid(), { nil: undefined }),
  })
  .map(({ when: d, appid, model: m, prompt, completion, messageId }) => ({
    'event-time': usDateTime(d),
    appid,
    operation: 'chat.completion',
    model: m,
    modeltime: '283',
    prompt_tokens: String(prompt),
    completion_tokens: String(completion),
    total_tokens: String(prompt + completion),
    ...(messageId === undefined ? {} : { 'message-id': messageId }),
  }));

export const valid = fc.oneof(v1, v2);

// ---- mutations ----------------------------------------------------------------------------------

const nasty = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.constantFrom(
    1e308,
    -1,
    0.5,
    -0,
    Number.MAX_SAFE_INTEGER + 2,
    2 ** 64,
    Infinity,
    Number.NaN,
    '',
    ' ',
    '-3',
    '1e3',
    '0x10',
    null,
  ),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.constantFrom(ONE_MB, `${ONE_MB}é`, '\u0000', '\uD800', 'ｇｐｔ-４ｏ', '🙂'.repeat(40)),
  fc.constantFrom({ __proto__: { polluted: 1 } }, JSON.parse('{"__proto__":{"polluted":1}}') as unknown, {
    constructor: { prototype: { polluted: 1 } },
  }),
);

export function deep(depth: number): unknown {
  let value: unknown = { leaf: true };
  for (let i = 0; i < depth; i++) value = { nested: value };
  return value;
}

const FIELDS = [
  'schema',
  'requestId',
  'eventTime',
  'appId',
  'model',
  'operation',
  'usage',
  'event-time',
  'appid',
  'prompt_tokens',
  'completion_tokens',
  'total_tokens',
  'message-id',
  'region',
  'deploymentType',
];
const field = fc.constantFrom(...FIELDS);
/** Every key of the three usage shapes (reference/api-shapes/aoai_*). */
export const USAGE_FIELDS = [
  'prompt_tokens',
  'completion_tokens',
  'total_tokens',
  'input_tokens',
  'output_tokens',
  'prompt_tokens_details',
  'completion_tokens_details',
  'input_tokens_details',
  'input_token_details',
  'output_tokens_details',
  'type',
] as const;
const usageField = fc.constantFrom(...USAGE_FIELDS);

type Body = Record<string, unknown>;
const isBody = (v: unknown): v is Body =>
  typeof v === 'object' && v !== null && !Buffer.isBuffer(v) && !Array.isArray(v);
/** The generator's own stringify must not die on the deep bodies it makes itself. */
const text = (e: Body): string => {
  try {
    return JSON.stringify(e);
  } catch {
    return '{"too":"deep"}';
  }
};
const mutation: fc.Arbitrary<(e: Body) => unknown> = fc.oneof(
  field.map((f) => (e: Body) => Object.fromEntries(Object.entries(e).filter(([k]) => k !== f))),
  fc.tuple(field, nasty).map(([f, v]) => (e: Body) => ({ ...e, [f]: v })),
  fc
    .tuple(usageField, nasty)
    .map(([f, v]) => (e: Body) => ({ ...e, usage: { ...(e.usage as Body | undefined), [f]: v } })),
  // As JSON text, the pipeline's own JSON.parse creates the `__proto__` key; as an object, it is an own property.
  fc
    .tuple(fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.boolean())
    .map(([k, parsed]) => (e: Body) => {
      const json = text(e).replace(
        /^\{/,
        `{"${k}":{"polluted":true,"toString":1,"prototype":{"polluted":true}},`,
      );
      try {
        return parsed ? (JSON.parse(json) as unknown) : json;
      } catch {
        return json;
      }
    }),
  fc.integer({ min: 10, max: 5_000 }).map((n) => (e: Body) => ({ ...e, extra: deep(n) })),
  fc.constant((e: Body) => ({ ...e, usage: deep(200) })),
  fc.constant((e: Body) => text(e).slice(0, -1)),
  fc.constant((e: Body) => Buffer.from(text(e))),
  fc.constant(() => Buffer.from([0xc3, 0x28, 0xff, 0xfe])),
  fc.constant((e: Body) => `${text(e)}${' '.repeat(70_000)}`),
  fc.constant(() => `{"a":${'['.repeat(20_000)}`),
  nasty.map((v) => () => v),
);

export const body: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 2, arbitrary: valid },
  { weight: 5, arbitrary: fc.tuple(valid, mutation).map(([e, m]) => m(e as Body)) },
  {
    weight: 1,
    arbitrary: fc.tuple(valid, mutation, mutation).map(([e, m1, m2]) => {
      const once = m1(e);
      return isBody(once) ? m2(once) : once;
    }),
  },
);

export const source: fc.Arbitrary<EventSource> = fc.oneof(
  fc.record({
    kind: fc.constant('eventhub' as const),
    partitionId: fc.constantFrom('0', '1'),
    sequenceNumber: fc.nat(),
  }),
  fc.record({ kind: fc.constant('file' as const), file: fc.constant('f.jsonl'), line: fc.nat() }),
);
