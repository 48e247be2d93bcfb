import { describe, expect, it } from 'vitest';

import { normalizeEvent } from '../../../shared/events/normalize.js';
import type { EventSource, FieldIssue } from '../../../shared/events/types.js';
import { seedV1Event } from '../../helpers/seedEvent.js';

const NOW = new Date('2026-11-20T12:00:00.000Z');
const SOURCE: EventSource = { kind: 'eventhub', partitionId: '0', sequenceNumber: 1 };
const APP = '7d8a1c3e-2b4f-4e6a-9c1d-0f2e3a4b5c6d';

function v2(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schema: 'aoai-usage/2',
    requestId: '0cb1e29c-658c-4a14-95e6-0af593bd04cf',
    eventTime: '2026-11-20T10:11:12.345Z',
    appId: APP,
    operation: 'chat.completion',
    model: 'gpt-4o-2024-08-06',
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    ...overrides,
  };
}

const v1 = (overrides: Record<string, unknown> = {}) => seedV1Event(APP, overrides);

function issues(body: unknown): readonly FieldIssue[] {
  const result = normalizeEvent(body, SOURCE, NOW);
  if (result.ok) throw new Error(`expected a rejection, got ${JSON.stringify(result.usage)}`);
  return result.issues;
}

/** The rejection names `path` with a problem matching `problem`, and nothing is vague. */
function expectIssue(body: unknown, path: string, problem: RegExp): void {
  const found = issues(body);
  expect(found).toContainEqual({ path, problem: expect.stringMatching(problem) as string });
  for (const issue of found) expect(issue.problem).not.toMatch(/^Invalid input$/);
}

describe('bodies that are not a JSON object', () => {
  it.each([
    ['non-JSON text', '{oops', /body is not JSON/],
    ['an empty string', '', /body is not JSON/],
    ['a JSON array', '[{"schema":"aoai-usage/2"}]', /must be a JSON object, got an array/],
    ['a JSON number', '42', /must be a JSON object, got number/],
    ['a JSON string', '"hello"', /must be a JSON object, got string/],
    ['JSON null', 'null', /must be a JSON object, got null/],
    ['an array value', [v2()], /must be a JSON object, got an array/],
    ['no body', undefined, /body is empty/],
    ['an object of neither schema', { foo: 1 }, /is not a usage event/],
  ])('%s', (_name, body, problem) => {
    expectIssue(body, '(body)', problem);
  });

  it('rejects invalid UTF-8 bytes instead of decoding them to replacement characters', () => {
    const text = JSON.stringify(v2({ model: 'gpt-4o' }));
    const bytes = Buffer.from(text.replace('gpt-4o', 'gpt-4o\u0000'), 'utf8');
    bytes[bytes.indexOf(0)] = 0xff;
    expectIssue(bytes, '(body)', /bytes are not valid UTF-8/);
    // An encoded UTF-16 surrogate is not valid UTF-8 either.
    expectIssue(Buffer.from([0x7b, 0xed, 0xa0, 0x80, 0x7d]), '(body)', /not valid UTF-8/);
  });

  it('rejects a body over 64 KB, as text or bytes, naming its size', () => {
    const big = JSON.stringify(v2({ note: 'x'.repeat(64 * 1024) }));
    expectIssue(big, '(body)', /body is \d+ bytes, over the 65536-byte limit/);
    expectIssue(Buffer.from(big), '(body)', /over the 65536-byte limit/);
    expectIssue(JSON.parse(big), '(body)', /over the 65536-byte limit/);
  });

  it('counts the limit in UTF-8 bytes, not characters', () => {
    // 30,000 three-byte characters: under 64 K characters, over 64 KB.
    expectIssue(v2({ note: '€'.repeat(30_000) }), '(body)', /over the 65536-byte limit/);
  });
});

describe('token counts', () => {
  it.each([
    [
      'string tokens in v2',
      { prompt_tokens: '10', completion_tokens: 5 },
      'usage.prompt_tokens',
      /must be a number, got the string "10"/,
    ],
    [
      'negative',
      { prompt_tokens: 10, completion_tokens: -1 },
      'usage.completion_tokens',
      /must not be negative/,
    ],
    ['fractional', { prompt_tokens: 10.5, completion_tokens: 5 }, 'usage.prompt_tokens', /whole number/],
    ['huge', { prompt_tokens: 1e12, completion_tokens: 5 }, 'usage.prompt_tokens', /at most 100000000/],
    [
      'null',
      { prompt_tokens: null, completion_tokens: 5 },
      'usage.prompt_tokens',
      /must be a number, got null/,
    ],
    [
      'prompt only (read as embeddings)',
      { prompt_tokens: 10 },
      'usage.total_tokens',
      /must be a number, got undefined/,
    ],
    [
      'chat without completion',
      { prompt_tokens: 10, completion_tokens: undefined },
      'usage.completion_tokens',
      /got undefined/,
    ],
    [
      'responses: string output',
      { input_tokens: 1, output_tokens: '2' },
      'usage.output_tokens',
      /must be a number/,
    ],
  ])('v2 %s', (_name, usage, path, problem) => {
    expectIssue(v2({ usage }), path, problem);
  });

  it('v2 rejects a usage that is not an object', () => {
    expectIssue(v2({ usage: 'lots' }), 'usage', /must be the usage object/);
    // Only DALL-E and speech events, which log their facts instead, may come without one.
    expectIssue(v2({ usage: undefined }), 'usage', /is required \(or images \/ speech\)/);
  });

  it('v2 rejects cached > prompt and reasoning > completion', () => {
    const cached = { prompt_tokens: 10, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 11 } };
    expectIssue(v2({ usage: cached }), 'usage.cached_tokens', /11 cached tokens exceed 10 prompt tokens/);
    const responses = { input_tokens: 10, output_tokens: 5, input_tokens_details: { cached_tokens: 12 } };
    expectIssue(v2({ usage: responses }), 'usage.cached_tokens', /12 cached tokens exceed 10 input tokens/);
    const reasoning = {
      prompt_tokens: 10,
      completion_tokens: 5,
      completion_tokens_details: { reasoning_tokens: 6 },
    };
    expectIssue(v2({ usage: reasoning }), 'usage.reasoning_tokens', /6 reasoning tokens exceed 5 completion/);
  });

  it.each([
    ['an object', {}, /got object/],
    ['a negative string', '-1', /non-negative number of tokens.*got the string "-1"/],
    ['a fractional string', '1.5', /got the string "1.5"/],
    ['words', 'fourteen', /got the string "fourteen"/],
    ['a boolean', true, /got boolean/],
    ['a huge string', '999999999', /at most 100000000/],
    ['a negative number', -3, /^must not be negative$/],
  ])('v1 prompt_tokens as %s', (_name, value, problem) => {
    expectIssue(v1({ prompt_tokens: value }), 'prompt_tokens', problem);
  });

  it('v1 reports only the bad field for a negative count (no knock-on cross-field issue)', () => {
    expect(issues(v1({ prompt_tokens: -3 }))).toEqual([
      { path: 'prompt_tokens', problem: 'must not be negative' },
    ]);
  });
});

describe('missing and malformed fields', () => {
  it.each([
    ['model', /expected string/],
    ['operation', /expected string/],
    ['eventTime', /expected string/],
  ])('v2 without %s', (field, problem) => {
    expectIssue(v2({ [field]: undefined }), field, problem);
  });

  it('v2 without any app claim', () => {
    expectIssue(v2({ appId: undefined }), 'appId', /is required \(or appid \/ azp\)/);
  });

  it.each([
    ['prompt_tokens', /^is required$/],
    ['event-time', /expected string/],
    ['model', /expected string/],
  ])('v1 without %s', (field, problem) => {
    expectIssue(v1({ [field]: undefined }), field, problem);
  });

  it.each([
    ['schema', 'aoai-usage/3', /must be "aoai-usage\/2"/],
    ['deploymentType', 'ptu', /"ptu" is not one of global, datazone, regional/],
    ['region', 'East US', /ARM region name/],
    ['statusCode', 700, /700|less than or equal|<=/i],
    ['stream', 'yes', /expected boolean/],
    ['requestId', 'a/b#c', /1-128 letters, digits/],
    ['model', '   ', /must not be empty/],
  ])('v2 %s = %j', (field, value, problem) => {
    expectIssue(v2({ [field]: value }), field, problem);
  });

  it('rejects a non-GUID appId in both versions, quoting it', () => {
    expectIssue(v2({ appId: 'hr-assistant' }), 'appId', /"hr-assistant" is not a GUID/);
    expectIssue(v2({ appId: undefined, azp: '7d8a1c3e2b4f4e6a9c1d0f2e3a4b5c6d' }), 'azp', /is not a GUID/);
    expectIssue(v1({ appid: '{7d8a1c3e-2b4f-4e6a-9c1d-0f2e3a4b5c6d}' }), 'appid', /is not a GUID/);
  });

  it.each([
    ['unparseable', 'last tuesday', /is neither ISO 8601 nor en-US/],
    ['Feb 30', '2026-02-30T10:00:00Z', /is not a real date and time/],
    ['more than a day ahead', '2026-11-22T12:00:00Z', /more than a day in the future/],
  ])('rejects an %s event time', (_name, time, problem) => {
    expectIssue(v2({ eventTime: time }), 'eventTime', problem);
    expectIssue(v1({ 'event-time': time }), 'event-time', problem);
  });

  it('reports the time and the appId problems together', () => {
    const found = issues(v2({ eventTime: '2026-02-30T00:00:00Z', appId: 'nope' }));
    expect(found.map((issue) => issue.path).sort()).toEqual(['appId', 'eventTime']);
  });

  it('returns the raw body with the issues, for the dead letter', () => {
    const result = normalizeEvent('{oops', SOURCE, NOW);
    expect(result).toMatchObject({ ok: false, raw: '{oops' });
  });
});

describe('prototype pollution', () => {
  const hostile =
    '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted2":"yes"}},' +
    `"schema":"aoai-usage/2","eventTime":"2026-11-20T10:11:12.345Z","appId":"${APP}",` +
    '"operation":"embeddings","model":"text-embedding-3-small",' +
    '"usage":{"__proto__":{"input_tokens":999,"polluted3":"yes"},"prompt_tokens":3,"total_tokens":3}}';

  it.each([
    ['a JSON string', () => hostile],
    ['bytes', () => Buffer.from(hostile)],
    ['an object parsed from JSON', () => JSON.parse(hostile) as unknown],
  ])('`__proto__` and `constructor` keys in %s change nothing', (_name, body) => {
    const result = normalizeEvent(body(), SOURCE, NOW);
    const probe = {} as Record<string, unknown>;
    expect([probe.polluted, probe.polluted2, probe.polluted3]).toEqual([undefined, undefined, undefined]);
    expect(Object.prototype).not.toHaveProperty('polluted');
    // The `__proto__` key did not make the usage look like a Responses API one.
    expect(result).toMatchObject({
      ok: true,
      usage: { promptTokens: 3, completionTokens: 0, totalTokens: 3 },
    });
  });

  it('hashes the same hostile event to the same id however it arrives', () => {
    const ids = [hostile, Buffer.from(hostile), JSON.parse(hostile) as unknown].map((body) => {
      const result = normalizeEvent(body, SOURCE, NOW);
      return result.ok ? result.usage.id : 'rejected';
    });
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toMatch(/^h-[0-9a-f]{40}$/);
  });
});
