import { describe, expect, it } from 'vitest';

import { normalizeEvent, type Rejected } from '../../../shared/events/normalize.js';
import { isSecretKey, redactedView, REDACTED } from '../../../shared/events/redact.js';
import type { EventSource } from '../../../shared/events/types.js';
import { buildDeadLetter } from '../../../shared/pipeline/deadLetter.js';
import { encodeSpill } from '../../../shared/spill/spillFormat.js';

const NOW = new Date('2026-11-20T12:00:00.000Z');
const HUB: EventSource = { kind: 'eventhub', partitionId: '0', sequenceNumber: 7 };
const APP = '7d8a1c3e-2b4f-4e6a-9c1d-0f2e3a4b5c6d';

/** Values no stored byte may contain: each a distinct marker. */
const SECRET = {
  message: 'PLANTED-message-content-4f1d',
  prompt: 'PLANTED-prompt-9c2e',
  input: 'PLANTED-input-77aa',
  apiKey: 'PLANTED-api-key-0b3c',
  bearer: 'PLANTED-bearer-token-d1e5',
  subscription: 'PLANTED-subscription-key-6a8f',
  nested: 'PLANTED-nested-header-2c4b',
  completion: 'PLANTED-completion-text-81f0',
};

function planted(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schema: 'aoai-usage/2',
    requestId: '0cb1e29c-658c-4a14-95e6-0af593bd04cf',
    eventTime: '2026-11-20T10:11:12.345Z',
    appId: APP,
    operation: 'chat.completion',
    model: 'gpt-4o-2024-08-06',
    usage: { prompt_tokens: 10, completion_tokens: 5, 'Api-Key': SECRET.apiKey },
    messages: [{ role: 'user', content: SECRET.message }],
    prompt: SECRET.prompt,
    input: { text: SECRET.input },
    'api-key': SECRET.apiKey,
    Authorization: `Bearer ${SECRET.bearer}`,
    headers: { 'OCP-APIM-SUBSCRIPTION-KEY': SECRET.subscription, deeper: { authorization: SECRET.nested } },
    choices: [{ message: { content: SECRET.completion } }],
    ...overrides,
  };
}

const leaks = (text: string) => Object.values(SECRET).filter((s) => text.includes(s));

function rejected(body: unknown): Rejected {
  const result = normalizeEvent(body, HUB, NOW);
  if (result.ok) throw new Error('expected a refusal');
  return result;
}

describe('the redacted view of a body', () => {
  it('keeps read fields with their values and only the shape of the rest', () => {
    const view = redactedView(planted());
    expect(view).toMatchObject({
      schema: 'aoai-usage/2',
      model: 'gpt-4o-2024-08-06',
      usage: { prompt_tokens: 10, completion_tokens: 5, 'Api-Key': REDACTED },
      messages: 'array:1',
      prompt: `string:${SECRET.prompt.length}`,
      input: { text: `string:${SECRET.input.length}` },
      'api-key': REDACTED,
      Authorization: REDACTED,
      headers: { 'OCP-APIM-SUBSCRIPTION-KEY': REDACTED, deeper: { authorization: REDACTED } },
      choices: 'array:1',
    });
    expect(leaks(JSON.stringify(view))).toEqual([]);
  });

  it.each([
    'api-key',
    'API_KEY',
    'x-api-key',
    'apiKey',
    'Authorization',
    'Proxy-Authorization',
    'Ocp-Apim-Subscription-Key',
    'client_secret',
    'password',
  ])('treats %s as a secret', (key) => {
    expect(isSecretKey(key)).toBe(true);
  });

  it.each(['subscriptionId', 'prompt_tokens', 'model', 'requestId', 'usage'])(
    'reads %s as a plain field',
    (key) => {
      expect(isSecretKey(key)).toBe(false);
    },
  );

  it('is bounded for wide and deep values, and keeps `__proto__` a plain key', () => {
    const wide = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`k${i}`, SECRET.prompt]));
    const view = redactedView({ ...planted(), wide, long: { ['x'.repeat(10_000)]: 1 } });
    expect(JSON.stringify(view).length).toBeLessThan(8_000);
    const proto = redactedView(
      JSON.parse(`{"__proto__":{"polluted":"${SECRET.prompt}"},"model":"m"}`) as Record<string, unknown>,
    );
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
    expect(Object.keys(proto)).toEqual(['__proto__', 'model']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('replaces a read field holding something it could never accept by its shape', () => {
    const view = redactedView(
      planted({ model: { text: SECRET.prompt }, operation: SECRET.prompt.repeat(20) }),
    );
    expect(view.model).toEqual({ $shape: { text: `string:${SECRET.prompt.length}` } });
    expect(view.operation).toEqual({ $shape: `string:${SECRET.prompt.length * 20}` });
  });
});

describe('nothing planted in a body is kept by a dead letter or a spill', () => {
  const bad: [string, unknown][] = [
    ['invalid app id', planted({ appId: 'not-a-guid' })],
    ['invalid model type', planted({ model: [SECRET.prompt] })],
    ['invalid as JSON text', JSON.stringify(planted({ usage: 'none' }))],
    ['invalid as bytes', Buffer.from(JSON.stringify(planted({ eventTime: 'soon' })))],
    ['not JSON', `${SECRET.prompt} ${SECRET.apiKey}`],
    ['broken JSON', `{"prompt":"${SECRET.prompt}", "api-key": "${SECRET.apiKey}" oops}`],
    ['too large', JSON.stringify(planted({ padding: 'x'.repeat(70_000) }))],
    [
      'too deep',
      planted({ nest: JSON.parse(`${'['.repeat(40)}"${SECRET.prompt}"${']'.repeat(40)}`) as unknown }),
    ],
    ['not an object', JSON.stringify([SECRET.prompt])],
  ];

  it.each(bad)('%s: the dead letter keeps none of it, nor do its reasons', (_name, body) => {
    const letter = buildDeadLetter(rejected(body), HUB, NOW);
    expect(leaks(JSON.stringify(letter))).toEqual([]);
  });

  it('a spill of every kind of body keeps none of it', () => {
    const bodies = [
      planted(),
      JSON.stringify(planted()),
      Buffer.from(JSON.stringify(planted())),
      ...bad.map(([, b]) => b),
    ];
    const text = encodeSpill(
      bodies,
      bodies.map(() => HUB),
      'store down',
      NOW,
    );
    expect(leaks(text)).toEqual([]);
  });

  it('a parse error keeps its position, not the text it quotes', () => {
    const { issues } = rejected(SECRET.prompt);
    expect(issues[0]?.problem).toMatch(/^body is not JSON \(Unexpected token 'P'\)$/);
    expect(rejected('{"a": 1 x}').issues[0]?.problem).toMatch(/at position 8/);
  });
});
