import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startRetailPricesStandIn } from '../../local/retailPricesStandIn.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { createServices, type Services } from '../../shared/app/services.js';
import { loadSettings } from '../../shared/config.js';
import { countCosmosRequests } from '../../bench/requestCounter.js';
import { priceSetOf, type PriceSet } from '../../shared/cost/priceSet.js';
import type { AppliedPrice } from '../../shared/cost/types.js';
import { refreshPriceBook } from '../../shared/pricing/refreshPriceBook.js';
import type { RetailPriceItem } from '../../shared/pricing/types.js';
import { ingestStream } from '../../shared/pipeline/ingestStream.js';
import { readEvents } from '../../shared/pipeline/readEvents.js';
import type { UsageRecord } from '../../shared/pipeline/record.js';
import { CosmosPriceSets } from '../../shared/store/cosmosPriceSets.js';
import { partnerItem, partnerItems } from '../helpers/partnerMeters.js';

// The CEO's run: `prices refresh` against a Retail Prices stand-in serving real items (under today's
// serviceName) plus a mid-period price change, then `ingest`. Expected costs are worked out by hand from the
// retail prices written next to them.

const snapshot = JSON.parse(
  readFileSync(new URL('../../samples/retail-prices-snapshot.json', import.meta.url), 'utf8'),
) as RetailPriceItem[];

/** The eastus item of that name (the snapshot also has `gpt-4o-0806-Outp-glbl` in norwayeast). */
function snapshotItem(meterName: string): RetailPriceItem {
  const found = snapshot.find((item) => item.meterName === meterName && item.armRegionName === 'eastus');
  if (found === undefined) throw new Error(`snapshot has no ${meterName}`);
  return found;
}

const GPT4O_IN = snapshotItem('gpt-4o-0806-Inp-glbl Tokens'); // 0.0025 / 1K from 2024-08-01
const GPT4O_OUT = snapshotItem('gpt-4o-0806-Outp-glbl Tokens'); // 0.01 / 1K from 2024-08-01
const CHANGE_AT = '2025-10-01T00:00:00Z';
// Mid-period price change: the same meter, a new effectiveStartDate, a new price.
const GPT4O_IN_CHANGED: RetailPriceItem = {
  ...GPT4O_IN,
  retailPrice: 0.002,
  unitPrice: 0.002,
  effectiveStartDate: CHANGE_AT,
};
const catalog: RetailPriceItem[] = [...snapshot, GPT4O_IN_CHANGED];
// What the snapshot holds (samples/README.md): 79 items, of which 2 are PTU reservations that the
// `priceType eq 'Consumption'` filter leaves out; 53 token meters, 10 batch token meters (kept for batch
// deployments, under their own family), 3 fine-tuned inference meters (`-ft` families), the DALL-E
// per-image meter, plus the changed window.
const SERVED_ITEMS = 78;
const TOKEN_WINDOWS = 68;

const APP_ID = '5f8d2c1a-9b3e-4d7f-a6c2-1e0b9d8f7a65';

let stack: LocalStack;
let services: Services;
let database: string;
let workDir: string;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), 'prices-refresh-'));
  stack = await startLocalStack({ priceItems: catalog, serveAsServiceName: 'Foundry Models' });
  database = `prices-${randomUUID().slice(0, 8)}`;
  services = await createServices(settingsFor({}), { trustedCa: stack.trustedCa });
});

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await services.close();
  await stack.stop();
  rmSync(workDir, { recursive: true, force: true });
});

function settingsFor(extra: Record<string, string>) {
  // PRICE_OVERRIDES is set explicitly because shared/config.ts rejects it unset (see overrides.test.ts).
  return loadSettings({ ...stack.env, COSMOS_DATABASE: database, PRICE_OVERRIDES: '{}', ...extra });
}

function v2Event(fields: {
  requestId: string;
  eventTime: string;
  model: string;
  usage: Record<string, unknown>;
  operation?: string;
  deploymentType?: string;
  region?: string;
}): Record<string, unknown> {
  return {
    schema: 'aoai-usage/2',
    requestId: fields.requestId,
    eventTime: fields.eventTime,
    appId: APP_ID,
    tenantId: '3b7c9e1d-2f4a-4c6b-8e5d-9a0f1b2c3d4e',
    subscriptionId: 'finance-assistant',
    deployment: 'shared-deployment',
    deploymentType: fields.deploymentType ?? 'GlobalStandard',
    region: fields.region ?? 'eastus',
    operation: fields.operation ?? 'chat.completion',
    model: fields.model,
    stream: false,
    statusCode: 200,
    usage: fields.usage,
  };
}

const chatUsage = (prompt: number, cached: number, completion: number, reasoning = 0) => ({
  prompt_tokens: prompt,
  completion_tokens: completion,
  total_tokens: prompt + completion,
  prompt_tokens_details: { cached_tokens: cached },
  completion_tokens_details: { reasoning_tokens: reasoning },
});

/** Writes the events as JSON Lines and ingests the file the way `chargeback ingest` does. */
async function ingest(using: Services, events: readonly Record<string, unknown>[]) {
  const file = path.join(workDir, `events-${randomUUID()}.jsonl`);
  writeFileSync(file, events.map((event) => JSON.stringify(event)).join('\n') + '\n');
  const before = stack.retail.requests.count;
  const result = await ingestStream(readEvents(file), using.ingest, undefined, { batchSize: 3 });
  // Ingest never calls the Retail Prices API: prices come from the `prices` container.
  expect(stack.retail.requests.count).toBe(before);
  expect(result.spilled).toEqual([]);
  expect(result.totals.received).toBe(events.length);
  expect(result.totals.deadLettered).toBe(0);
  return result;
}

async function storedRecord(requestId: string): Promise<UsageRecord> {
  const { resources } = await services.database
    .container('usage')
    .items.query<UsageRecord>({
      query: 'SELECT * FROM c WHERE c.id = @id',
      parameters: [{ name: '@id', value: requestId }],
    })
    .fetchAll();
  expect(resources).toHaveLength(1);
  const [record] = resources;
  if (record === undefined) throw new Error(`no record ${requestId}`);
  return record;
}

/** The price set a record names, read straight from the `prices` container. */
async function storedPriceSet(record: UsageRecord): Promise<PriceSet> {
  if (record.priceSetId === null) throw new Error(`record ${record.id} names no price set`);
  const { resource } = await services.database
    .container('prices')
    .item(record.priceSetId, 'priceSet')
    .read<PriceSet>();
  if (resource === undefined) throw new Error(`price set ${record.priceSetId} is not stored`);
  expect(resource.currency).toBe(record.currency);
  return resource;
}

/** A priced record: cost (to 1e-9, and exactly in nanos), currency and the meters of its price set. */
async function expectPriced(
  requestId: string,
  cost: string,
  prices: readonly Pick<
    AppliedPrice,
    'kind' | 'meterId' | 'meterName' | 'unitPrice' | 'effectiveStartDate'
  >[],
) {
  const record = await storedRecord(requestId);
  expect(record.costStatus, record.unpricedReason ?? '').toBe('priced');
  expect(record.unpricedReason).toBeNull();
  expect(record.currency).toBe('USD');
  const [whole = '', frac = ''] = cost.split('.');
  expect(record.costNanos).toBe(Number(BigInt(whole + frac.padEnd(9, '0'))));
  expect(record.cost).not.toBeNull();
  expect(Math.abs((record.cost ?? Number.NaN) - Number(cost))).toBeLessThan(1e-12);
  const priceSet = await storedPriceSet(record);
  expect(
    priceSet.prices.map(({ kind, meterId, meterName, unitPrice, effectiveStartDate }) => ({
      kind,
      meterId,
      meterName,
      unitPrice,
      effectiveStartDate,
    })),
  ).toEqual(prices);
  return { ...record, priceSet };
}

async function expectUnpriced(requestId: string, reason: string | RegExp) {
  const record = await storedRecord(requestId);
  expect(record.costStatus).toBe('unpriced');
  expect(record.cost).toBeNull();
  expect(record.costNanos).toBeNull();
  expect(record.priceSetId).toBeNull();
  if (typeof reason === 'string') expect(record.unpricedReason).toBe(reason);
  else expect(record.unpricedReason).toMatch(reason);
  return record;
}

const input = (item: RetailPriceItem, unitPrice: string, start: string) => ({
  kind: 'input' as const,
  meterId: item.meterId,
  meterName: item.meterName,
  unitPrice,
  effectiveStartDate: start,
});

describe('prices refresh, then ingest, against the local stack', () => {
  it('before any refresh, records are unpriced with "no price book" and count as unpriced', async () => {
    const requestId = randomUUID();
    const result = await ingest(services, [
      v2Event({
        requestId,
        eventTime: '2025-09-15T10:00:00.000Z',
        model: 'gpt-4o-2024-08-06',
        usage: chatUsage(100, 0, 10),
      }),
    ]);
    expect(result.totals.unpriced).toBe(1);
    await expectUnpriced(requestId, 'no price book');
    expect(stack.retail.requests.count).toBe(0);
  });

  it('stores every (meter, effectiveStartDate) window; a second refresh creates none', async () => {
    const refresh = () =>
      refreshPriceBook({
        url: services.settings.RETAIL_PRICES_URL,
        currency: services.settings.PRICE_CURRENCY,
        store: services.prices,
        dispatcher: services.retailDispatcher,
      });
    const first = await refresh();
    expect(first).toMatchObject({
      serviceName: 'Foundry Models',
      items: SERVED_ITEMS,
      tokenMeters: TOKEN_WINDOWS,
      created: TOKEN_WINDOWS,
      unchanged: 0,
    });
    expect(first.requests).toBeGreaterThan(0);
    // The hourly PTU meters (global, data zone) are kept apart, as capacity prices, not token meters.
    expect(first).toMatchObject({ capacityMeters: 2, capacityCreated: 2 });
    expect(first.skipped).toEqual({
      'priority processing meter': 2,
      'batch meter': 1, // Speech-to-Text-Batch-Whisper; the 10 batch token meters are kept
      'training meter': 1,
      'grader meter': 4,
    });
    const second = await refresh();
    expect(second).toMatchObject({ created: 0, unchanged: TOKEN_WINDOWS, tokenMeters: TOKEN_WINDOWS });

    const { resources: windows } = await services.database
      .container('prices')
      .items.query<{ id: string; retailPrice: string; effectiveStartDate: string }>({
        query: 'SELECT * FROM c WHERE c.meterId = @meter',
        parameters: [{ name: '@meter', value: GPT4O_IN.meterId }],
      })
      .fetchAll();
    expect(windows.map((w) => [w.effectiveStartDate, w.retailPrice]).sort()).toEqual([
      ['2024-08-01T00:00:00.000Z', '0.0025'],
      ['2025-10-01T00:00:00.000Z', '0.002'],
    ]);
    services.pricing.invalidate();
  });

  it('prices each event by the price in force at its eventTime, naming meters, prices and dates', async () => {
    const ids = Array.from({ length: 8 }, () => randomUUID());
    const [before, atChange, later, gpt5Mini, embedding, o1, unknown, ambiguous] = ids as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const result = await ingest(services, [
      // gpt-4o 0806 global eastus, the sample event's tokens: 1566 prompt (1408 cached), 86 completion.
      v2Event({
        requestId: before,
        eventTime: '2025-09-30T23:59:59.999Z',
        model: 'gpt-4o-2024-08-06',
        usage: chatUsage(1566, 1408, 86),
      }),
      v2Event({
        requestId: atChange,
        eventTime: '2025-10-01T00:00:00.000Z',
        model: 'gpt-4o-2024-08-06',
        usage: chatUsage(1566, 1408, 86),
      }),
      v2Event({
        requestId: later,
        eventTime: '2026-02-11T08:00:00.000Z',
        model: 'gpt-4o-2024-08-06',
        usage: chatUsage(10_000, 0, 0),
      }),
      // The Responses API shape, on the versionless GPT 5 Mini 1M meters.
      v2Event({
        requestId: gpt5Mini,
        eventTime: '2025-10-15T12:00:00.000Z',
        model: 'gpt-5-mini-2025-08-07',
        operation: 'responses',
        usage: {
          input_tokens: 1000,
          input_tokens_details: { cached_tokens: 200 },
          output_tokens: 300,
          output_tokens_details: { reasoning_tokens: 256 },
          total_tokens: 1300,
        },
      }),
      v2Event({
        requestId: embedding,
        eventTime: '2025-10-15T12:00:00.000Z',
        model: 'text-embedding-3-large',
        operation: 'embeddings',
        usage: { prompt_tokens: 1234, total_tokens: 1234 },
      }),
      // o1 official example: 576 reasoning tokens are inside the 1518 completion tokens.
      v2Event({
        requestId: o1,
        eventTime: '2025-10-15T12:00:00.000Z',
        model: 'o1-2024-12-17',
        usage: chatUsage(1566, 1408, 1518, 576),
      }),
      v2Event({
        requestId: unknown,
        eventTime: '2025-10-15T12:00:00.000Z',
        model: 'gpt-9-ultra-2025-01-01',
        usage: chatUsage(50, 0, 5),
      }),
      v2Event({
        requestId: ambiguous,
        eventTime: '2025-10-15T12:00:00.000Z',
        model: 'gpt-4o',
        usage: chatUsage(50, 0, 5),
      }),
    ]);
    expect(result.totals.unpriced).toBe(2);

    const cached = {
      kind: 'cachedInput' as const,
      meterId: '00c1710c-0a75-5908-acd2-507d71634215',
      meterName: 'gpt 4o 0806 cached Inp glbl Tokens',
      unitPrice: '0.00125',
      effectiveStartDate: '2024-10-01T00:00:00.000Z',
    };
    const output = {
      kind: 'output' as const,
      meterId: GPT4O_OUT.meterId,
      meterName: GPT4O_OUT.meterName,
      unitPrice: '0.01',
      effectiveStartDate: '2024-08-01T00:00:00.000Z',
    };
    // 158 × 0.0025/1K + 1408 × 0.00125/1K + 86 × 0.01/1K = 0.000395 + 0.00176 + 0.00086
    await expectPriced(before, '0.003015', [
      input(GPT4O_IN, '0.0025', '2024-08-01T00:00:00.000Z'),
      cached,
      output,
    ]);
    // From the change: 158 × 0.002/1K + 0.00176 + 0.00086 = 0.000316 + 0.00176 + 0.00086
    await expectPriced(atChange, '0.002936', [
      input(GPT4O_IN, '0.002', '2025-10-01T00:00:00.000Z'),
      cached,
      output,
    ]);
    // 10,000 × 0.002/1K
    await expectPriced(later, '0.02', [input(GPT4O_IN, '0.002', '2025-10-01T00:00:00.000Z')]);
    // 800 × 0.25/1M + 200 × 0.025/1M + 300 × 2/1M = 0.0002 + 0.000005 + 0.0006
    await expectPriced(gpt5Mini, '0.000805', [
      input(snapshotItem('GPT 5 Mini Inpt Glbl 1M Tokens'), '0.25', '2025-08-01T00:00:00.000Z'),
      {
        kind: 'cachedInput',
        meterId: '4b63ead2-cde6-5970-ae20-417a7dbbfc06',
        meterName: 'GPT 5 Mini cchd Inpt Glbl 1M Tokens',
        unitPrice: '0.025',
        effectiveStartDate: '2025-08-01T00:00:00.000Z',
      },
      {
        kind: 'output',
        meterId: '2d33aaf7-838f-5765-8a56-d7a7537125f5',
        meterName: 'GPT 5 Mini outpt Glbl 1M Tokens',
        unitPrice: '2',
        effectiveStartDate: '2025-08-01T00:00:00.000Z',
      },
    ]);
    // 1234 × 0.00013/1K = 0.00016042; no output meter needed.
    await expectPriced(embedding, '0.00016042', [
      input(snapshotItem('text-embedding-3-large-glbl Tokens'), '0.00013', '2024-06-01T00:00:00.000Z'),
    ]);
    // 158 × 0.015/1K + 1408 × 0.0075/1K + 1518 × 0.06/1K = 0.00237 + 0.01056 + 0.09108
    const o1Record = await expectPriced(o1, '0.10401', [
      input(snapshotItem('o1 1217 Inp glbl Tokens'), '0.015', '2024-12-01T00:00:00.000Z'),
      {
        kind: 'cachedInput',
        meterId: 'a1f5cc63-25c2-533a-acd4-63c562b7b3f6',
        meterName: 'o1 1217 cached Inp glbl Tokens',
        unitPrice: '0.0075',
        effectiveStartDate: '2024-12-01T00:00:00.000Z',
      },
      {
        kind: 'output',
        meterId: '7dee1bc9-a42a-52ab-a2eb-ea09e137af3b',
        meterName: 'o1 1217 Outp glbl Tokens',
        unitPrice: '0.06',
        effectiveStartDate: '2024-12-01T00:00:00.000Z',
      },
    ]);
    expect(o1Record).toMatchObject({ completionTokens: 1518, reasoningTokens: 576, cachedTokens: 1408 });

    await expectUnpriced(unknown, 'no meter for gpt-9-ultra 0101 global eastus');
    await expectUnpriced(ambiguous, /^ambiguous version for gpt-4o \(no version\) global eastus/);
  });

  it('a refresh serving a changed price for a stored (meter, start) does not rewrite history', async () => {
    // The same catalog, except the gpt-4o output meter's 2024-08-01 window now says 0.02, and a new window
    // for it starts 2026-01-01 at 0.008.
    const rewritten = catalog.map((item) =>
      item === GPT4O_OUT ? { ...item, retailPrice: 0.02, unitPrice: 0.02 } : item,
    );
    const newWindow = {
      ...GPT4O_OUT,
      retailPrice: 0.008,
      unitPrice: 0.008,
      effectiveStartDate: '2026-01-01T00:00:00Z',
    };
    const changed = await startRetailPricesStandIn({
      items: [...rewritten, newWindow],
      serveAsServiceName: 'Foundry Models',
    });
    cleanups.push(() => changed.close());
    const dispatcher = new Agent({ connect: { ca: changed.cert } });
    cleanups.push(() => dispatcher.close());

    const result = await refreshPriceBook({
      url: changed.url,
      currency: 'USD',
      store: services.prices,
      dispatcher,
    });
    expect(result).toMatchObject({ tokenMeters: TOKEN_WINDOWS + 1, created: 1, unchanged: TOKEN_WINDOWS });

    const { resources: windows } = await services.database
      .container('prices')
      .items.query<{ retailPrice: string; effectiveStartDate: string }>({
        query: 'SELECT * FROM c WHERE c.meterId = @meter',
        parameters: [{ name: '@meter', value: GPT4O_OUT.meterId }],
      })
      .fetchAll();
    expect(windows.map((w) => [w.effectiveStartDate, w.retailPrice]).sort()).toEqual([
      ['2024-08-01T00:00:00.000Z', '0.01'],
      ['2026-01-01T00:00:00.000Z', '0.008'],
    ]);

    services.pricing.invalidate();
    const [old, current] = [randomUUID(), randomUUID()];
    await ingest(services, [
      v2Event({
        requestId: old,
        eventTime: '2025-12-31T23:59:59.999Z',
        model: 'gpt-4o-2024-08-06',
        usage: chatUsage(1000, 0, 1000),
      }),
      v2Event({
        requestId: current,
        eventTime: '2026-01-01T00:00:00.000Z',
        model: 'gpt-4o-2024-08-06',
        usage: chatUsage(1000, 0, 1000),
      }),
    ]);
    // 1000 × 0.002/1K + 1000 × 0.01/1K (the stored price, not 0.02)
    await expectPriced(old, '0.012', [
      input(GPT4O_IN, '0.002', '2025-10-01T00:00:00.000Z'),
      {
        kind: 'output',
        meterId: GPT4O_OUT.meterId,
        meterName: GPT4O_OUT.meterName,
        unitPrice: '0.01',
        effectiveStartDate: '2024-08-01T00:00:00.000Z',
      },
    ]);
    // 1000 × 0.002/1K + 1000 × 0.008/1K
    await expectPriced(current, '0.01', [
      input(GPT4O_IN, '0.002', '2025-10-01T00:00:00.000Z'),
      {
        kind: 'output',
        meterId: GPT4O_OUT.meterId,
        meterName: GPT4O_OUT.meterName,
        unitPrice: '0.008',
        effectiveStartDate: '2026-01-01T00:00:00.000Z',
      },
    ]);
  });

  it('PRICE_OVERRIDES from a file: records say which negotiated rate applied', async () => {
    const file = path.join(workDir, 'negotiated.json');
    writeFileSync(file, JSON.stringify({ meters: { [GPT4O_IN.meterId]: 0.0018 }, discountPercent: 10 }));
    const negotiated = await createServices(settingsFor({ PRICE_OVERRIDES: file }), {
      trustedCa: stack.trustedCa,
    });
    cleanups.push(() => negotiated.close());

    const requestId = randomUUID();
    await ingest(negotiated, [
      v2Event({
        requestId,
        eventTime: '2025-10-15T12:00:00.000Z',
        model: 'gpt-4o-2024-08-06',
        usage: chatUsage(1000, 0, 1000),
      }),
    ]);
    // 1000 × 0.0018/1K (meter replacement) + 1000 × 0.009/1K (0.01 − 10%)
    const record = await expectPriced(requestId, '0.0108', [
      input(GPT4O_IN, '0.0018', '2025-10-01T00:00:00.000Z'),
      {
        kind: 'output',
        meterId: GPT4O_OUT.meterId,
        meterName: GPT4O_OUT.meterName,
        unitPrice: '0.009',
        effectiveStartDate: '2024-08-01T00:00:00.000Z',
      },
    ]);
    expect(record.priceSet.prices.map((p) => p.override)).toEqual(['meter 0.0018', 'all -10%']);
  });
});

describe("other publishers' Foundry Models meters", () => {
  it('are fetched and stored by a refresh, and price their models', async () => {
    // The real partner items (retail_foundry_partner_models_items_2025-2026.json) beside the snapshot.
    const partners = partnerItems();
    const withPartners = await startRetailPricesStandIn({
      items: [...catalog, ...partners],
      serveAsServiceName: 'Foundry Models',
    });
    cleanups.push(() => withPartners.close());
    const dispatcher = new Agent({ connect: { ca: withPartners.cert } });
    cleanups.push(() => dispatcher.close());

    const result = await refreshPriceBook({
      url: withPartners.url,
      currency: 'USD',
      store: services.prices,
      dispatcher,
    });
    // Of the 44 partner items, 35 are token meters (6 DeepSeek R1, V3.1, 6 Grok, 4 Llama with the
    // fine-tuned one, Codestral, 5 Kimi, 3 Cohere, 9 Phi: their meters name no deployment type). The
    // other 9: 2 Cohere Embed names unrecognised, 3 training (2 Phi FT) or hosting (Phi), 1
    // provisioned (kept apart, as a capacity price), 2 pages, 1 search.
    expect(result).toMatchObject({ items: SERVED_ITEMS + 44, tokenMeters: TOKEN_WINDOWS + 35, created: 35 });
    expect(result.skipped).toEqual({
      'priority processing meter': 2,
      'batch meter': 1,
      'training meter': 3,
      'grader meter': 4,
      'hosting meter': 1,
      'unrecognised name': 2,
      'non-token meter pages': 2,
      'non-token meter search': 1,
    });
    const r1Input = partnerItem('R1 Inp glbl Tokens', 'francecentral');
    const r1Output = partnerItem('R1 Outp glbl Tokens', 'francecentral');
    const { resources: stored } = await services.database
      .container('prices')
      .items.query<{ pk: string; meterName: string; retailPrice: string; productName: string }>({
        query: 'SELECT * FROM c WHERE c.meterId = @meter',
        parameters: [{ name: '@meter', value: r1Input.meterId }],
      })
      .fetchAll();
    expect(
      stored.map(({ pk, meterName, retailPrice, productName }) => [pk, meterName, retailPrice, productName]),
    ).toEqual([['deepseek-r1', 'R1 Inp glbl Tokens', '0.00135', 'Azure Deepseek Models']]);

    services.pricing.invalidate();
    const [r1, grok3] = [randomUUID(), randomUUID()];
    await ingest(services, [
      v2Event({
        requestId: r1,
        eventTime: '2026-03-02T10:00:00.000Z',
        model: 'DeepSeek-R1',
        region: 'francecentral',
        usage: chatUsage(1000, 0, 500),
      }),
      v2Event({
        requestId: grok3,
        eventTime: '2026-03-02T10:00:00.000Z',
        model: 'grok-3',
        region: 'francecentral',
        usage: chatUsage(1000, 0, 500),
      }),
    ]);
    // 1000 × 0.00135/1K + 500 × 0.0054/1K = 0.00135 + 0.0027
    await expectPriced(r1, '0.00405', [
      input(r1Input, '0.00135', '2025-02-01T00:00:00.000Z'),
      {
        kind: 'output',
        meterId: r1Output.meterId,
        meterName: r1Output.meterName,
        unitPrice: '0.0054',
        effectiveStartDate: '2025-02-01T00:00:00.000Z',
      },
    ]);
    await expectUnpriced(grok3, 'no meter for grok-3 (no version) global francecentral');
  });
});

describe('price sets in the prices container', () => {
  const set = priceSetOf('USD', [
    {
      kind: 'input',
      meterId: GPT4O_IN.meterId,
      meterName: GPT4O_IN.meterName,
      unitPrice: '0.0025',
      unitSize: 1000,
      effectiveStartDate: '2024-08-01T00:00:00.000Z',
    },
  ]);
  const at = new Date('2026-11-20T00:00:00Z');

  it('are written once when concurrent batches meet a new one, and read back as stored', async () => {
    const counter = countCosmosRequests(Number(new URL(stack.env.COSMOS_ENDPOINT ?? '').port));
    try {
      const sets = new CosmosPriceSets(services.database.container('prices'));
      await Promise.all([sets.save([set], at), sets.save([set], at), sets.save([set, set], at)]);
      expect(counter.snapshot()).toEqual({ 'POST docs prices': 1 });
      await sets.save([set], at); // known now: no request at all
      expect(counter.total).toBe(1);

      // Another instance (a fresh cache) writes it again as a 409, which is success, and reads it back.
      const other = new CosmosPriceSets(services.database.container('prices'));
      await other.save([set], at);
      const read = await new CosmosPriceSets(services.database.container('prices')).read([set.id, 'nope']);
      expect(read.get(set.id)).toEqual(set);
      expect(read.has('nope')).toBe(false);
    } finally {
      counter.close();
    }
  });

  it('fail every waiting batch when the write fails, and are tried again by the next one', async () => {
    const missing = services.database.client
      .database(`missing-${randomUUID().slice(0, 8)}`)
      .container('prices');
    const sets = new CosmosPriceSets(missing, { attempts: 1, minDelayMs: 1, maxDelayMs: 1 });
    const results = await Promise.allSettled([sets.save([set], at), sets.save([set], at)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await expect(sets.save([set], at)).rejects.toThrow();
  });
});
