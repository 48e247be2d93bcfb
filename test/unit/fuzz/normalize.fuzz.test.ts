import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

import { normalizeEvent } from '../../../shared/events/normalize.js';
import type { EventSource } from '../../../shared/events/types.js';
import type { AppIdentity } from '../../../shared/identity/types.js';
import type { LedgerDoc } from '../../../shared/pipeline/ledger.js';
import type { DeadLetter, IngestPorts, WriteStatus } from '../../../shared/pipeline/ports.js';
import { processBatch } from '../../../shared/pipeline/processBatch.js';
import type { UsageRecord } from '../../../shared/pipeline/record.js';
import { PriceBook } from '../../../shared/pricing/priceBook.js';
import { createPricer } from '../../../shared/pricing/pricer.js';
import { toPriceDocs, toPriceRows } from '../../../shared/pricing/priceRows.js';
import type { RetailPriceItem } from '../../../shared/pricing/types.js';

// Fixed so a failure replays exactly; fast-check also prints the seed and path of any counterexample.
const SEED = 0x5eed_2025;
console.log(`fuzz seed: ${SEED}`);
const NOW = new Date('2026-03-01T12:00:00.000Z');
const ONE_MB = 'x'.repeat(1 << 20);
const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
let eventsTried = 0;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const catalog = (
  JSON.parse(
    readFileSync(
      path.resolve(
        repoRoot,
        '..',
        'shared',
        'reference',
        'api-shapes',
        'retail_aoai_meter_catalog_eastus_2025-08_derived.json',
      ),
      'utf8',
    ),
  ) as { items: Omit<RetailPriceItem, 'armRegionName'>[] }
).items.map((item) => ({ ...item, armRegionName: 'eastus' }));
const book = new PriceBook(
  toPriceRows(toPriceDocs(catalog, 'USD', NOW.toISOString()).docs),
  'USD',
  NOW.toISOString(),
);
const pricer = createPricer(book, {
  currency: 'USD',
  deployments: {},
  defaultRegion: 'eastus',
  defaultDeploymentType: 'global',
  overrides: undefined,
});

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
);

const v2 = fc.record({
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

const valid = fc.oneof(v1, v2);

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

function deep(depth: number): unknown {
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
const usageField = fc.constantFrom(
  'prompt_tokens',
  'completion_tokens',
  'total_tokens',
  'input_tokens',
  'output_tokens',
  'prompt_tokens_details',
);

type Body = Record<string, unknown>;
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

const body: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 2, arbitrary: valid },
  { weight: 5, arbitrary: fc.tuple(valid, mutation).map(([e, m]) => m(e as Body)) },
  {
    weight: 1,
    arbitrary: fc.tuple(valid, mutation, mutation).map(([e, m1, m2]) => {
      const once = m1(e as Body);
      return typeof once === 'object' && once !== null && !Buffer.isBuffer(once) ? m2(once as Body) : once;
    }),
  },
);

const source: fc.Arbitrary<EventSource> = fc.oneof(
  fc.record({
    kind: fc.constant('eventhub' as const),
    partitionId: fc.constantFrom('0', '1'),
    sequenceNumber: fc.nat(),
  }),
  fc.record({ kind: fc.constant('file' as const), file: fc.constant('f.jsonl'), line: fc.nat() }),
);

// ---- in-memory fakes of the core's collaborators ------------------------------------------------

function fakePorts(): IngestPorts & {
  records: Map<string, UsageRecord>;
  deadLetters: Map<string, DeadLetter>;
  ledger: LedgerDoc[];
} {
  const records = new Map<string, UsageRecord>();
  const deadLetters = new Map<string, DeadLetter>();
  const ledger: LedgerDoc[] = [];
  const create = <T extends { id: string }>(into: Map<string, T>, docs: readonly T[]) => {
    const statuses = new Map<string, WriteStatus>();
    for (const doc of docs) {
      statuses.set(doc.id, into.has(doc.id) ? 'exists' : 'created');
      if (!into.has(doc.id)) into.set(doc.id, doc);
    }
    return Promise.resolve(statuses);
  };
  return {
    records,
    deadLetters,
    ledger,
    now: () => NOW,
    pricing: { current: () => Promise.resolve(pricer) },
    identities: {
      resolve: (appIds) =>
        Promise.resolve(
          new Map(
            appIds.map((id): [string, AppIdentity] => [
              id,
              id.endsWith('0')
                ? { status: 'pending', displayName: null, businessUnit: null, servicePrincipalType: null }
                : {
                    status: 'resolved',
                    displayName: `app ${id}`,
                    businessUnit: 'unit',
                    servicePrincipalType: 'Application',
                  },
            ]),
          ),
        ),
      takeStats: () => ({}),
    },
    store: {
      createRecords: (docs) => create(records, docs),
      createDeadLetters: (docs) => create(deadLetters, docs),
      markRollupsDirty: () => Promise.resolve(),
      writeLedger: (docs) => {
        ledger.push(...docs);
        return Promise.resolve();
      },
    },
  };
}

afterAll(() => {
  console.log(`fuzz: ${eventsTried} generated events`);
  expect(eventsTried).toBeGreaterThanOrEqual(10_000);
});

function expectNoPollution(): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
  expect(typeof Object.prototype.toString).toBe('function');
}

describe('normalizeEvent under fuzzing', () => {
  it('valid v1 and v2 events always normalize', () => {
    fc.assert(
      fc.property(valid, source, (event, src) => {
        eventsTried++;
        const result = normalizeEvent(event, src, NOW);
        if (!result.ok) throw new Error(`rejected a valid event: ${JSON.stringify(result.issues)}`);
        expect(result.usage.cachedTokens).toBeLessThanOrEqual(result.usage.promptTokens);
      }),
      { seed: SEED, numRuns: 2_000 },
    );
  });

  it('any body yields exactly one outcome: a usage with sane numbers, or issues and a raw string', () => {
    fc.assert(
      fc.property(body, source, (input, src) => {
        eventsTried++;
        const result = normalizeEvent(input, src, NOW);
        if (result.ok) {
          const u = result.usage;
          for (const n of [
            u.promptTokens,
            u.cachedTokens,
            u.completionTokens,
            u.reasoningTokens,
            u.totalTokens,
          ]) {
            expect(Number.isSafeInteger(n) && n >= 0).toBe(true);
          }
          expect(u.id).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
          expect(u.appId).toMatch(/^[0-9a-f-]{36}$/);
          expect(Number.isNaN(Date.parse(u.eventTime))).toBe(false);
        } else {
          expect(result.issues.length).toBeGreaterThan(0);
          expect(typeof result.raw).toBe('string');
        }
      }),
      { seed: SEED, numRuns: 6_000 },
    );
    expectNoPollution();
  });
});

describe('found by fuzzing', () => {
  it('a valid event with a deeply nested extra field is dead-lettered the same way at any stack depth', () => {
    const event = { ...fc.sample(v2, { seed: SEED, numRuns: 1 })[0], extra: deep(3_000) };
    const shallow = normalizeEvent(event, { kind: 'file' }, NOW);
    const nested = (depth: number): ReturnType<typeof normalizeEvent> =>
      depth === 0 ? normalizeEvent(event, { kind: 'file' }, NOW) : nested(depth - 1);
    expect(shallow.ok).toBe(false);
    expect(nested(2_000)).toEqual(shallow);
  });
});

describe('processBatch under fuzzing (in-memory ports)', () => {
  it('every input of a batch gets exactly one outcome, and the counts add up to the batch size', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(body, source), { minLength: 1, maxLength: 40 }), async (batch) => {
        eventsTried += batch.length;
        const ports = fakePorts();
        const bodies = batch.map(([b]) => b);
        const sources = batch.map(([, s]) => s);
        const summary = await processBatch(bodies, sources, ports);

        expect(summary.outcomes).toHaveLength(bodies.length);
        expect(summary.outcomes.every((o) => typeof o === 'object')).toBe(true);
        expect(summary.recorded + summary.pending + summary.duplicates + summary.deadLettered).toBe(
          summary.received,
        );
        expect(summary.received).toBe(bodies.length);
        // What was stored is what the outcomes say, once each, and the ledger saw all of it.
        const written = summary.outcomes.filter((o) => o.outcome === 'recorded' || o.outcome === 'pending');
        expect(new Set(written.map((o) => o.id)).size).toBe(written.length);
        expect(ports.records.size).toBe(written.length);
        const dead = new Set(summary.outcomes.filter((o) => o.outcome === 'deadLettered').map((o) => o.id));
        expect(ports.deadLetters.size).toBe(dead.size);
        const ledgered = new Set(ports.ledger.flatMap((d) => [...d.recordIds, ...d.deadLetterIds]));
        expect(ledgered).toEqual(new Set([...ports.records.keys(), ...ports.deadLetters.keys()]));
        for (const record of ports.records.values()) {
          expect(
            record.costStatus === 'priced' ? Number.isSafeInteger(record.costNanos) : record.cost === null,
          ).toBe(true);
        }
        for (const dl of ports.deadLetters.values())
          expect(Buffer.byteLength(dl.raw)).toBeLessThanOrEqual(16 * 1024);
      }),
      { seed: SEED, numRuns: 400 },
    );
    expectNoPollution();
  });
});
