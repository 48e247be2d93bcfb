import { describe, expect, it } from 'vitest';

import { v2EventSchema } from '../../../shared/events/v2Schema.js';
import { buildSampleEvents, type SampleV2Event } from '../../../shared/producer/sampleEvents.js';
import { readApiShape } from '../../helpers/apiShapes.js';

const LOWER_GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MODELS = [
  'gpt-4o-2024-08-06',
  'gpt-4o-mini-2024-07-18',
  'o3-mini-2025-01-31',
  'gpt-5-mini-2025-08-07',
  'text-embedding-3-large',
];

function referenceUsage(file: string): unknown {
  const body = readApiShape(file) as { usage: unknown };
  return body.usage;
}

/** The nested key structure of a usage object, in order, without the numbers. */
function keyShape(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return typeof value;
  return Object.entries(value).map(([key, inner]) => [key, keyShape(inner)]);
}

const events = buildSampleEvents(600, { seed: 42 });
const byOperation = (operation: SampleV2Event['operation']) =>
  events.filter((e) => e.operation === operation);

describe('buildSampleEvents', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    expect(buildSampleEvents(50, { seed: 42 })).toEqual(events.slice(0, 50));
    expect(JSON.stringify(buildSampleEvents(50, { seed: 7 }))).not.toEqual(
      JSON.stringify(events.slice(0, 50)),
    );
  });

  it('produces events the v2 schema accepts', () => {
    for (const event of events) {
      const result = v2EventSchema.safeParse(event);
      expect(result.error?.issues ?? [], event.requestId).toEqual([]);
    }
  });

  it('uses lower-case GUIDs for request, app and tenant ids, and unique request ids', () => {
    for (const event of events) {
      expect(event.requestId).toMatch(LOWER_GUID);
      expect(event.appId).toMatch(LOWER_GUID);
      expect(event.tenantId).toMatch(LOWER_GUID);
    }
    expect(new Set(events.map((e) => e.requestId)).size).toBe(events.length);
    expect(new Set(events.map((e) => e.appId)).size).toBe(5);
  });

  it('mixes every model and API, with cached and reasoning tokens where real responses have them', () => {
    expect(new Set(events.map((e) => e.model))).toEqual(new Set(MODELS));
    const chat = byOperation('chat.completion');
    const responses = byOperation('response');
    expect(chat.some((e) => cached(e) > 0)).toBe(true);
    expect(responses.some((e) => cached(e) > 0)).toBe(true);
    expect(chat.some((e) => e.model.startsWith('o3-mini') && reasoning(e) > 0)).toBe(true);
    expect(responses.some((e) => e.model.startsWith('gpt-5-mini') && reasoning(e) > 0)).toBe(true);
    expect(events.filter((e) => e.model.startsWith('gpt-4o')).every((e) => reasoning(e) === 0)).toBe(true);
    expect(events.some((e) => e.stream)).toBe(true);
    expect(byOperation('embedding').every((e) => !e.stream)).toBe(true);
  });

  it('copies the key structure of the real usage objects', () => {
    const chatShape = keyShape(referenceUsage('aoai_chat_completion_gpt41_real.json'));
    const embeddingShape = keyShape(referenceUsage('aoai_embeddings_example_output_ada.json'));
    for (const event of byOperation('chat.completion')) expect(keyShape(event.usage)).toEqual(chatShape);
    for (const event of byOperation('embedding')) expect(keyShape(event.usage)).toEqual(embeddingShape);
    // The doc's Responses example is an SDK dump without input_tokens_details; the wire body has it.
    const responseKeys = Object.keys(referenceUsage('aoai_responses_api_gpt4o_official_doc.json') as object);
    for (const event of byOperation('response')) {
      expect(Object.keys(event.usage)).toEqual(expect.arrayContaining(responseKeys));
      expect(event.usage).toHaveProperty('input_tokens_details.cached_tokens');
      expect(event.usage).toHaveProperty('output_tokens_details.reasoning_tokens');
    }
  });

  it('keeps token counts consistent: cached within prompt, reasoning within completion, total the sum', () => {
    for (const event of events) {
      const u = event.usage as Record<string, number>;
      const prompt = u.prompt_tokens ?? u.input_tokens ?? -1;
      const completion = u.completion_tokens ?? u.output_tokens ?? 0;
      expect(u.total_tokens).toBe(prompt + completion);
      expect(cached(event)).toBeLessThanOrEqual(prompt);
      expect(reasoning(event)).toBeLessThanOrEqual(completion);
    }
  });

  it('honours the given apps and start, in time order', () => {
    const apps = ['AAAAAAAA-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000002'];
    const some = buildSampleEvents(40, { seed: 1, apps, start: '2026-01-02T03:04:05.000Z' });
    expect(new Set(some.map((e) => e.appId))).toEqual(new Set(apps.map((a) => a.toLowerCase())));
    expect(some[0]?.eventTime.startsWith('2026-01-02T03:')).toBe(true);
    const times = some.map((e) => Date.parse(e.eventTime));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('rejects nonsense arguments', () => {
    expect(() => buildSampleEvents(-1, { seed: 1 })).toThrow(RangeError);
    expect(() => buildSampleEvents(1, { seed: 1, apps: 0 })).toThrow(RangeError);
    expect(() => buildSampleEvents(1, { seed: 1, apps: [] })).toThrow(RangeError);
    expect(() => buildSampleEvents(1, { seed: 1, start: 'yesterday' })).toThrow(RangeError);
    expect(buildSampleEvents(0, { seed: 1 })).toEqual([]);
  });
});

function cached(event: SampleV2Event): number {
  const u = event.usage as Record<string, Record<string, number> | undefined>;
  return u.prompt_tokens_details?.cached_tokens ?? u.input_tokens_details?.cached_tokens ?? 0;
}

function reasoning(event: SampleV2Event): number {
  const u = event.usage as Record<string, Record<string, number> | undefined>;
  return u.completion_tokens_details?.reasoning_tokens ?? u.output_tokens_details?.reasoning_tokens ?? 0;
}
