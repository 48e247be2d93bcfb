import { readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import type { EventTimeCulture } from '../../../shared/events/eventTime.js';
import { normalizeEvent } from '../../../shared/events/normalize.js';
import type { EventSource, NormalizedUsage } from '../../../shared/events/types.js';
import { seedV1Event } from '../../helpers/seedEvent.js';
import { API_SHAPES_DIR } from '../../helpers/apiShapes.js';

const shapesDir = API_SHAPES_DIR;

/** A real response from reference/api-shapes: its `model` and verbatim `usage`. */
function realResponse(file: string): { model: string; usage: Record<string, unknown> } {
  return JSON.parse(readFileSync(path.join(shapesDir, file), 'utf8')) as {
    model: string;
    usage: Record<string, unknown>;
  };
}

const NOW = new Date('2026-11-20T12:00:00.000Z');
const FILE: EventSource = { kind: 'file', file: 'events.jsonl', line: 1 };
const APP = '7D8A1C3E-2B4F-4E6A-9C1D-0F2E3A4B5C6D';
const REQUEST = '0CB1E29C-658C-4A14-95E6-0AF593BD04CF';

function v2(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schema: 'aoai-usage/2',
    requestId: REQUEST,
    eventTime: '2026-11-20T10:11:12.345Z',
    appId: APP,
    tenantId: '72F988BF-86F1-41AF-91AB-2D7CD011DB47',
    subscriptionId: 'sub-hr',
    deployment: 'gpt4o-prod',
    deploymentType: 'global',
    region: 'eastus',
    backend: 'https://aoai-eastus.openai.azure.com',
    operation: 'chat.completion',
    model: 'gpt-4o-2024-08-06',
    stream: false,
    statusCode: 200,
    modelTimeMs: 412,
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    ...overrides,
  };
}

const v1 = (overrides: Record<string, unknown> = {}) => seedV1Event(APP, overrides);

function ok(body: unknown, source: EventSource = FILE): NormalizedUsage {
  const result = normalizeEvent(body, source, NOW);
  if (!result.ok) throw new Error(`expected a usage, got ${JSON.stringify(result.issues)}`);
  return result.usage;
}

type Tokens = Pick<
  NormalizedUsage,
  'promptTokens' | 'cachedTokens' | 'completionTokens' | 'reasoningTokens' | 'totalTokens'
>;
const tokensOf = (u: NormalizedUsage): Tokens => ({
  promptTokens: u.promptTokens,
  cachedTokens: u.cachedTokens,
  completionTokens: u.completionTokens,
  reasoningTokens: u.reasoningTokens,
  totalTokens: u.totalTokens,
});

describe('v2 events carrying real AOAI usage objects verbatim', () => {
  const cases: [string, string, Tokens][] = [
    [
      'o1 chat: cached and reasoning details, null audio details',
      'aoai_chat_usage_o1_cached_reasoning_official_doc.json',
      {
        promptTokens: 1566,
        cachedTokens: 1408,
        completionTokens: 1518,
        reasoningTokens: 576,
        totalTokens: 3084,
      },
    ],
    [
      'gpt-35-turbo chat (2023): no *_details at all',
      'aoai_chat_completion_gpt35_turbo_2023_no_details.json',
      { promptTokens: 425, cachedTokens: 0, completionTokens: 19, reasoningTokens: 0, totalTokens: 444 },
    ],
    [
      'gpt-4.1 chat: zeroed details with prediction/audio counters',
      'aoai_chat_completion_gpt41_real.json',
      { promptTokens: 8, cachedTokens: 0, completionTokens: 5, reasoningTokens: 0, totalTokens: 13 },
    ],
    [
      'embeddings: prompt and total only',
      'aoai_embeddings_example_output_ada.json',
      { promptTokens: 5, cachedTokens: 0, completionTokens: 0, reasoningTokens: 0, totalTokens: 5 },
    ],
    [
      'Responses API: input/output naming',
      'aoai_responses_api_gpt4o_official_doc.json',
      { promptTokens: 20, cachedTokens: 0, completionTokens: 11, reasoningTokens: 0, totalTokens: 31 },
    ],
    [
      'stream final usage chunk (gpt-4.1-mini)',
      'aoai_stream_final_usage_chunk_gpt41mini.json',
      { promptTokens: 22, cachedTokens: 0, completionTokens: 34, reasoningTokens: 0, totalTokens: 56 },
    ],
    [
      'stream final usage chunk (gpt-5.4-mini)',
      'aoai_stream_final_usage_chunk_gpt54mini.json',
      { promptTokens: 23, cachedTokens: 0, completionTokens: 11, reasoningTokens: 0, totalTokens: 34 },
    ],
  ];

  it.each(cases)('%s', (_name, file, expected) => {
    const response = realResponse(file);
    const usage = ok(v2({ model: response.model, usage: response.usage }));
    expect(tokensOf(usage)).toEqual(expected);
    expect(usage.model).toBe(response.model);
  });

  it('carries every v2 field through, with ids and tenant lower-cased', () => {
    expect(ok(v2())).toEqual({
      id: REQUEST.toLowerCase(),
      requestId: REQUEST.toLowerCase(),
      schema: 'v2',
      eventTime: '2026-11-20T10:11:12.345Z',
      appId: APP.toLowerCase(),
      tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      subscriptionId: 'sub-hr',
      model: 'gpt-4o-2024-08-06',
      deployment: 'gpt4o-prod',
      backend: 'https://aoai-eastus.openai.azure.com',
      deploymentType: 'global',
      region: 'eastus',
      operation: 'chat.completion',
      stream: false,
      statusCode: 200,
      modelTimeMs: 412,
      promptTokens: 10,
      cachedTokens: 0,
      completionTokens: 5,
      reasoningTokens: 0,
      totalTokens: 15,
    });
  });

  it('computes a missing total from prompt + completion', () => {
    expect(ok(v2({ usage: { prompt_tokens: 7, completion_tokens: 3 } })).totalTokens).toBe(10);
    expect(ok(v2({ usage: { input_tokens: 7, output_tokens: 4 } })).totalTokens).toBe(11);
  });

  it('reads the appid and azp claim variants, lower-cased', () => {
    const claim = 'A7770D29-4321-41A6-B863-CA11D6639448';
    expect(ok(v2({ appId: undefined, appid: claim })).appId).toBe(claim.toLowerCase());
    expect(ok(v2({ appId: undefined, azp: claim })).appId).toBe(claim.toLowerCase());
  });

  it.each([
    ['GlobalStandard', 'global'],
    ['global', 'global'],
    ['DataZoneStandard', 'datazone'],
    ['Data Zone', 'datazone'],
    ['Standard', 'regional'],
    ['REGIONAL', 'regional'],
  ])('maps deployment type %s to %s', (given, expected) => {
    expect(ok(v2({ deploymentType: given })).deploymentType).toBe(expected);
  });

  it('lower-cases the region and leaves absent placement fields null', () => {
    expect(ok(v2({ region: 'EastUS2' })).region).toBe('eastus2');
    const bare = ok(v2({ deployment: undefined, deploymentType: undefined, region: undefined }));
    expect([bare.deployment, bare.deploymentType, bare.region]).toEqual([null, null, null]);
  });
});

describe('v1 events from the seed policy', () => {
  it("normalizes the seed policy's v1 event (all strings, en-US time)", () => {
    const usage = ok(v1());
    expect(usage).toMatchObject({
      schema: 'v1',
      requestId: null,
      eventTime: '2023-06-07T15:45:12.000Z',
      appId: APP.toLowerCase(),
      model: 'gpt-35-turbo',
      operation: 'chat.completion',
      modelTimeMs: 283,
      promptTokens: 14,
      cachedTokens: 0,
      completionTokens: 6,
      reasoningTokens: 0,
      totalTokens: 20,
      deployment: null,
      deploymentType: null,
      region: null,
      tenantId: null,
    });
    expect(usage.id).toMatch(/^h-[0-9a-f]{40}$/);
  });

  it('treats modeltime "" as unknown, not 0', () => {
    expect(ok(v1({ modeltime: '' })).modelTimeMs).toBeNull();
    expect(ok(v1({ modeltime: undefined })).modelTimeMs).toBeNull();
  });

  it('uses message-id, lower-cased, as the id when present', () => {
    const usage = ok(v1({ 'message-id': 'ABCDEF00-1111-4222-8333-444455556666' }));
    expect(usage.id).toBe('abcdef00-1111-4222-8333-444455556666');
    expect(usage.requestId).toBe(usage.id);
  });

  it('accepts numbers where the seed sends strings, and defaults completion to 0', () => {
    const usage = ok(v1({ prompt_tokens: 14, completion_tokens: undefined, total_tokens: undefined }));
    expect(tokensOf(usage)).toEqual({
      promptTokens: 14,
      cachedTokens: 0,
      completionTokens: 0,
      reasoningTokens: 0,
      totalTokens: 14,
    });
  });
});

describe('body forms', () => {
  const body = v2();
  const text = JSON.stringify(body);
  it.each([
    ['object', body],
    ['JSON string', text],
    ['Buffer', Buffer.from(text, 'utf8')],
    ['Uint8Array', new TextEncoder().encode(text)],
    ['ArrayBuffer', new TextEncoder().encode(text).buffer],
    ['UTF-8 bytes with a BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])],
  ])('normalizes a body given as %s to the same usage', (_kind, given) => {
    expect(ok(given)).toEqual(ok(body));
  });

  it('decodes only the view of a Uint8Array that shares a larger buffer', () => {
    const padded = Buffer.from(`xxxx${text}yyyy`);
    expect(ok(padded.subarray(4, 4 + Buffer.byteLength(text)))).toEqual(ok(body));
  });
});

describe('idempotency key', () => {
  const noRequestId = () => v2({ requestId: undefined });
  const hub = (partitionId: string, sequenceNumber: number): EventSource => ({
    kind: 'eventhub',
    partitionId,
    sequenceNumber,
  });

  it('is the request id (lower-cased GUID) whatever the source position', () => {
    expect(ok(v2(), hub('0', 1)).id).toBe(REQUEST.toLowerCase());
    expect(ok(v2(), hub('7', 99)).id).toBe(REQUEST.toLowerCase());
  });

  it('hashes a non-GUID request id into the id, and keeps the request id as given beside it', () => {
    const usage = ok(v2({ requestId: 'Req-42.a' }));
    expect(usage.id).toMatch(/^r-[0-9a-f]{40}$/);
    expect(usage.requestId).toBe('Req-42.a');
    // Case matters for non-GUIDs, as it always did; for GUIDs it never did.
    expect(ok(v2({ requestId: 'req-42.a' })).id).not.toBe(usage.id);
    expect(ok(v2({ requestId: REQUEST.toLowerCase() })).id).toBe(ok(v2()).id);
  });

  it('is always a valid Cosmos id, whatever request id the schema lets through', () => {
    // Cosmos ids: at most 255 characters, none of / \\ ? #, and not "." or ".." (backfill's replace fails on those).
    const valid = (id: string) =>
      id.length <= 255 && !/[/\\?#\p{Cc}]/u.test(id) && id !== '.' && id !== '..' && id.trim() === id;
    const ids = new Set<string>();
    for (const requestId of ['.', '..', '...', ':', '-', '_', 'a'.repeat(128), '.a', 'A', 'a', REQUEST]) {
      const usage = ok(v2({ requestId }));
      expect(valid(usage.id), `${requestId} → ${usage.id}`).toBe(true);
      ids.add(usage.id);
    }
    expect(ids.size).toBe(11); // injective: no two request ids share a record
  });

  it('never mistakes a hashed id for a GUID or a content key', () => {
    const hashed = ok(v2({ requestId: 'h-1' })).id;
    expect(hashed).toMatch(/^r-/);
    expect(ok(v2({ requestId: undefined })).id).toMatch(/^h-/);
  });

  it('without one, is a content hash stable under key order and formatting', () => {
    const body = noRequestId();
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const pretty = JSON.stringify(body, null, 2);
    const id = ok(body).id;
    expect(id).toMatch(/^h-[0-9a-f]{40}$/);
    expect(ok(reordered).id).toBe(id);
    expect(ok(pretty).id).toBe(id);
    expect(ok(v2({ requestId: undefined, usage: { prompt_tokens: 11, completion_tokens: 5 } })).id).not.toBe(
      id,
    );
  });

  it('for files, ignores the line: the same content is the same event', () => {
    const body = noRequestId();
    expect(ok(body, { kind: 'file', file: 'a.jsonl', line: 9 }).id).toBe(ok(body, FILE).id);
  });

  it('for the hub, differs by partition and sequence but is equal on redelivery of a position', () => {
    const body = noRequestId();
    const first = ok(body, hub('3', 100)).id;
    expect(ok(JSON.stringify(body), hub('3', 100)).id).toBe(first);
    expect(ok(body, hub('3', 101)).id).not.toBe(first);
    expect(ok(body, hub('4', 100)).id).not.toBe(first);
    expect(ok(body, FILE).id).not.toBe(first);
  });
});

describe('event text must be valid Unicode and bounded', () => {
  const LONE = ['\ud800', '\udfff', 'x\ud83d', '\ude00y'];
  const fails = (body: unknown) => {
    const result = normalizeEvent(body, FILE, NOW);
    if (result.ok) throw new Error(`expected a refusal of ${JSON.stringify(body)}`);
    return result.issues;
  };

  it.each([
    'eventTime',
    'appId',
    'tenantId',
    'subscriptionId',
    'productId',
    'deployment',
    'backend',
    'operation',
    'model',
  ])('v2 %s with a lone surrogate is refused, naming the field', (field) => {
    for (const lone of LONE) {
      const base = field === 'eventTime' || field === 'appId' ? String(v2()[field]) : 'gpt-4o';
      const issues = fails(v2({ [field]: `${base}${lone}` }));
      expect(issues).toContainEqual({
        path: field,
        problem: expect.stringContaining('valid Unicode') as string,
      });
      // The same text sent as JSON (an escaped surrogate) is refused the same way.
      expect(fails(JSON.stringify(v2({ [field]: `${base}${lone}` })))).toEqual(issues);
    }
  });

  it.each(['event-time', 'appid', 'operation', 'model', 'modeltime'])(
    'v1 %s with a lone surrogate is refused, naming the field',
    (field) => {
      const issues = fails(v1({ [field]: `${String(v1()[field])}\ud800` }));
      expect(issues).toContainEqual({
        path: field,
        problem: expect.stringContaining('valid Unicode') as string,
      });
    },
  );

  it('keeps well-formed text outside the BMP (a surrogate pair)', () => {
    expect(ok(v2({ model: 'gpt-4o-😀' })).model).toBe('gpt-4o-😀');
  });

  it.each([
    ['model', 128],
    ['operation', 128],
    ['deployment', 256],
    ['subscriptionId', 256],
    ['productId', 256],
    ['backend', 512],
  ])('v2 %s is at most %i characters', (field, max) => {
    expect(ok(v2({ [field]: 'x'.repeat(max) }))).toBeDefined();
    expect(fails(v2({ [field]: 'x'.repeat(max + 1) }))).toContainEqual({
      path: field,
      problem: expect.stringMatching(/at most/) as string,
    });
  });
});

describe('EVENT_TIME_CULTURE reaches the v1 event time', () => {
  const at = (culture: EventTimeCulture) =>
    normalizeEvent(v1({ 'event-time': '7/6/2025 15:45:12' }), FILE, NOW, culture);

  it('reads the same v1 event as 6 July (en-US) or 7 June (en-GB)', () => {
    const us = at('en-US');
    const gb = at('en-GB');
    expect(us.ok && us.usage.eventTime).toBe('2025-07-06T15:45:12.000Z');
    expect(gb.ok && gb.usage.eventTime).toBe('2025-06-07T15:45:12.000Z');
  });

  it('dead-letters a time that is invalid in the chosen culture, naming the field', () => {
    const result = normalizeEvent(v1({ 'event-time': '13/6/2025 15:45:12' }), FILE, NOW, 'en-US');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues).toEqual([
        {
          path: 'event-time',
          problem: expect.stringContaining('not a real date and time in en-US') as string,
        },
      ]);
    }
    expect(normalizeEvent(v1({ 'event-time': '13/6/2025 15:45:12' }), FILE, NOW, 'en-GB').ok).toBe(true);
  });
});
