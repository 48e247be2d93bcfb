import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { parseBody } from '../../../shared/events/parseBody.js';
import { parseV2Fast } from '../../../shared/events/v2FastPath.js';
import { v2EventSchema } from '../../../shared/events/v2Schema.js';
import { buildSampleEvents } from '../../../shared/producer/sampleEvents.js';
import { body, USAGE_FIELDS, v2 } from '../fuzz/arbitraries.js';
import { API_SHAPES_DIR } from '../../helpers/apiShapes.js';

const SEED = 0x5eed_2025;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const shapes = API_SHAPES_DIR;

/** The property: whatever the fast path accepts, the schema accepts, with the same output. */
function expectAgreement(value: Record<string, unknown>): 'fast' | 'zod' {
  const fast = parseV2Fast(value);
  if (fast === undefined) return 'zod';
  const schema = v2EventSchema.safeParse(value);
  expect(schema.success, JSON.stringify(schema.error?.issues)).toBe(true);
  expect(fast).toEqual(schema.data);
  return 'fast';
}

// Values at the edges of what each field accepts: padded, empty, wrong type, out of range, null.
const edgy = fc.constantFrom<unknown>(
  undefined,
  null,
  '',
  ' ',
  ' eastus',
  'EastUS',
  'east us',
  'GlobalStandard',
  'data-zone',
  'Standard',
  'provisioned',
  'x'.repeat(65),
  'x'.repeat(129),
  'x'.repeat(257),
  'x'.repeat(513),
  '14',
  0,
  -1,
  0.5,
  99,
  100,
  599,
  600,
  86_400_000,
  86_400_001,
  100_000_000,
  100_000_001,
  Number.NaN,
  Infinity,
  true,
  false,
  [],
  {},
  { cached_tokens: null },
  { cached_tokens: 5 },
  { reasoning_tokens: 3 },
  { cached_tokens: '5' },
  // Not Unicode: a lone surrogate anywhere in a text field (issue: ids and URIs break on them).
  'gpt-4o-\ud800',
  '\udc00',
  '2026-11-20T10:11:12.345Z\ud800',
  '7D8A1C3E-2B4F-4E6A-9C1D-0F2E3A4B5C6\ud800',
  `${'x'.repeat(127)}\ud83d`,
  'gpt-4o-😀',
  // Request ids that are no valid Cosmos id as they are.
  '.',
  '..',
  'a/b',
  'a#b',
  'x'.repeat(128),
);
const FIELDS = [
  'schema',
  'requestId',
  'eventTime',
  'appId',
  'appid',
  'azp',
  'tenantId',
  'subscriptionId',
  'productId',
  'deployment',
  'deploymentType',
  'region',
  'backend',
  'operation',
  'model',
  'stream',
  'statusCode',
  'modelTimeMs',
] as const;

const edited = fc
  .tuple(
    v2,
    fc.array(fc.tuple(fc.constantFrom(...FIELDS), edgy), { maxLength: 3 }),
    fc.array(fc.tuple(fc.constantFrom(...USAGE_FIELDS), edgy), { maxLength: 3 }),
  )
  .map(([event, edits, usageEdits]) => {
    const out: Record<string, unknown> = { ...event, usage: { ...event.usage } };
    for (const [key, value] of edits) out[key] = value;
    const usage = out.usage as Record<string, unknown>;
    for (const [key, value] of usageEdits) usage[key] = value;
    return out;
  });

/** Edits inside the detail objects: the audio, image and cached counts the fast path reads itself. */
const DETAIL_OBJECTS = [
  'prompt_tokens_details',
  'completion_tokens_details',
  'input_tokens_details',
  'output_tokens_details',
] as const;
const DETAIL_KEYS = [
  'cached_tokens',
  'reasoning_tokens',
  'audio_tokens',
  'image_tokens',
  'text_tokens',
] as const;
const detailEdited = fc
  .tuple(
    v2,
    fc.array(fc.tuple(fc.constantFrom(...DETAIL_OBJECTS), fc.constantFrom(...DETAIL_KEYS), edgy), {
      minLength: 1,
      maxLength: 4,
    }),
  )
  .map(([event, edits]) => {
    const usage: Record<string, unknown> = { ...event.usage };
    for (const [object, key, value] of edits) {
      const current = usage[object];
      const details =
        typeof current === 'object' && current !== null ? { ...(current as Record<string, unknown>) } : {};
      details[key] = value;
      usage[object] = details;
    }
    return { ...event, usage };
  });

describe('the v2 fast path agrees with the zod schema', () => {
  it('on audio, image and cached counts edited inside the details', () => {
    let fast = 0;
    fc.assert(
      fc.property(detailEdited, (value) => {
        if (expectAgreement(value) === 'fast') fast++;
      }),
      { seed: SEED, numRuns: 3000 },
    );
    // The property says nothing if the fast path never answers.
    expect(fast).toBeGreaterThan(100);
  });

  it('on events with edge values in every field (valid or not)', () => {
    let fast = 0;
    fc.assert(
      fc.property(edited, (event) => {
        if (expectAgreement(event) === 'fast') fast++;
      }),
      { seed: SEED, numRuns: 5_000 },
    );
    // Unedited and harmlessly edited events are well formed: the fast path must take them, or it is dead code.
    expect(fast).toBeGreaterThan(500);
  });

  it('on the fuzz suite bodies (mutated, nested, polluted, broken)', () => {
    fc.assert(
      fc.property(body, (b) => {
        const parsed = parseBody(b);
        if (parsed.ok && 'schema' in parsed.value) expectAgreement(parsed.value);
      }),
      { seed: SEED, numRuns: 3_000 },
    );
  });

  it('takes every event the producer sends and every real usage shape, with the same output', () => {
    for (const event of buildSampleEvents(500, { apps: 20, seed: 7 })) {
      expect(expectAgreement(event as unknown as Record<string, unknown>)).toBe('fast');
    }
    const policyEvent = JSON.parse(
      readFileSync(path.resolve(repoRoot, 'samples', 'v2-event-from-policy.json'), 'utf8'),
    ) as Record<string, unknown>;
    expect(expectAgreement(policyEvent)).toBe('fast');
    for (const file of [
      'aoai_chat_completion_gpt35_turbo_2023_no_details.json',
      'aoai_chat_completion_gpt41_real.json',
      'aoai_chat_usage_o1_cached_reasoning_official_doc.json',
      'aoai_embeddings_example_output_ada.json',
      'aoai_responses_api_gpt4o_official_doc.json',
      'oai_chat_usage_audio_fields_spec.json',
      'oai_images_gpt_image_1_usage_api_reference.json',
    ]) {
      const shape = JSON.parse(readFileSync(path.join(shapes, file), 'utf8')) as Record<string, unknown>;
      const usage = shape.usage ?? (shape.body as Record<string, unknown> | undefined)?.usage;
      expect(usage, file).toBeDefined();
      const event = { ...policyEvent, usage };
      expect(expectAgreement(event), file).toBe('fast');
    }
    // Transcription's singular `input_token_details` (with `type: "tokens"`) is read by both, alike.
    const transcription = JSON.parse(
      readFileSync(path.join(shapes, 'oai_transcription_gpt4o_transcribe_usage_api_reference.json'), 'utf8'),
    ) as { usage: Record<string, unknown> };
    expect(expectAgreement({ ...policyEvent, usage: transcription.usage })).toBe('fast');
    // Whisper's duration, another type, or both spellings at once are zod's.
    const { usage } = transcription;
    expect(expectAgreement({ ...policyEvent, usage: { ...usage, type: 'other' } })).toBe('zod');
    expect(expectAgreement({ ...policyEvent, usage: { ...usage, input_tokens_details: {} } })).toBe('zod');
  });

  it('and zod refuses a deployment type that only the object prototype knows', () => {
    const base = buildSampleEvents(1, { apps: 1, seed: 1 })[0] as unknown as Record<string, unknown>;
    for (const deploymentType of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const result = v2EventSchema.safeParse({ ...base, deploymentType });
      expect(result.success, deploymentType).toBe(false);
    }
  });

  it('leaves what needs rewriting or an error message to zod', () => {
    const base = buildSampleEvents(1, { apps: 1, seed: 1 })[0] as unknown as Record<string, unknown>;
    expect(parseV2Fast(base)).toBeDefined();
    for (const change of [
      { model: ' gpt-4o ' }, // zod trims
      { eventTime: '' },
      { usage: { prompt_tokens: 10, completion_tokens: 2, prompt_tokens_details: { cached_tokens: 11 } } },
      { usage: { prompt_tokens: '10', total_tokens: 10 } },
      { appId: undefined, appid: undefined, azp: undefined },
      { deploymentType: 'provisioned' },
      { schema: 'aoai-usage/3' },
      { deploymentType: 'constructor' }, // not a key of the SKU map, though every object has one
      { usage: Object.assign(Object.create({ completion_tokens: 1 }) as object, { prompt_tokens: 1 }) },
    ]) {
      expect(parseV2Fast({ ...base, ...change }), JSON.stringify(change)).toBeUndefined();
    }
  });
});
