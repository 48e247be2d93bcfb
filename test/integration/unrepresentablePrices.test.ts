import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { createServices, type Services } from '../../shared/app/services.js';
import { loadSettings } from '../../shared/config.js';
import { ingestBatch } from '../../shared/pipeline/ingestBatch.js';
import type { UsageRecord } from '../../shared/pipeline/record.js';
import { priceDocId, type PriceDoc } from '../../shared/pricing/priceRows.js';
import { refreshPriceBook } from '../../shared/pricing/refreshPriceBook.js';
import type { RetailPriceItem } from '../../shared/pricing/types.js';

// Issue 12, section 3: a Retail Prices value the book cannot hold (more than 18 decimals, such as the
// float artefact 7.000000000000001e-7) was stored unchecked, and every later batch then threw inside
// processBatch, was reported as a store failure and spilled, unreplayably. The catalog here is the real
// snapshot's items (samples/retail-prices-snapshot.json) with their prices replaced by such values,
// served by the Retail Prices stand-in as JSON numbers, i.e. exactly the text below on the wire.

const snapshot = JSON.parse(
  readFileSync(new URL('../../samples/retail-prices-snapshot.json', import.meta.url), 'utf8'),
) as RetailPriceItem[];
const item = (meterName: string): RetailPriceItem => {
  const found = snapshot.find((i) => i.meterName === meterName && i.armRegionName === 'eastus');
  if (found === undefined) throw new Error(`snapshot has no ${meterName}`);
  return found;
};

const MINI_IN = item('gpt-4o-mini-0718-Inp-glbl Tokens');
const MINI_OUT = item('gpt-4o-mini-0718-Outp-glbl Tokens');
const EMBED_SMALL = item('text-embedding-3-small-glbl Tokens');
const EMBED_LARGE = item('text-embedding-3-large-glbl Tokens');
const GPT4O_IN = item('gpt-4o-0806-Inp-glbl Tokens');
const GPT4O_OUT = item('gpt-4o-0806-Outp-glbl Tokens');
const ADA = item('embedding-ada-regional Tokens');

const catalog: RetailPriceItem[] = [
  // 22 decimals: rounds half-even to 0.0000007 at 18.
  { ...MINI_IN, retailPrice: 7.000000000000001e-7, unitPrice: 7.000000000000001e-7 },
  // Held-out form: 19 decimals in plain notation, rounds to 0.0006.
  { ...MINI_OUT, retailPrice: 0.0006000000000000001, unitPrice: 0.0006000000000000001 },
  // Not a token price: refused, so the meter is missing and its records are unpriced, never mispriced.
  { ...EMBED_SMALL, retailPrice: 1e300, unitPrice: 1e300 },
  // Would round to 0 at 18 decimals: refused rather than made free.
  { ...EMBED_LARGE, retailPrice: 1e-19, unitPrice: 1e-19 },
  // Negative: refused for this row only; before, the page parser failed the whole refresh on it.
  { ...ADA, retailPrice: -0.0001, unitPrice: -0.0001 },
];

const APP_ID = '5f8d2c1a-9b3e-4d7f-a6c2-1e0b9d8f7a65';
let stack: LocalStack;
let services: Services;

beforeAll(async () => {
  stack = await startLocalStack({ priceItems: catalog, azurite: true });
  services = await createServices(
    loadSettings({
      ...stack.env,
      COSMOS_DATABASE: `prices-${randomUUID().slice(0, 8)}`,
      PRICE_OVERRIDES: '{}',
    }),
    { trustedCa: stack.trustedCa },
  );
});

afterAll(async () => {
  await services.close();
  await stack.stop();
});

function event(model: string, operation: string, usage: Record<string, unknown>) {
  const requestId = randomUUID();
  return {
    requestId,
    body: {
      schema: 'aoai-usage/2',
      requestId,
      eventTime: '2025-09-15T10:00:00.000Z',
      appId: APP_ID,
      deployment: 'shared',
      deploymentType: 'GlobalStandard',
      region: 'eastus',
      operation,
      model,
      stream: false,
      statusCode: 200,
      usage,
    },
  };
}
const chat = (model: string) =>
  event(model, 'chat.completion', { prompt_tokens: 1000, completion_tokens: 1000, total_tokens: 2000 });
const embedding = (model: string) => event(model, 'embeddings', { prompt_tokens: 1000, total_tokens: 1000 });

async function record(id: string): Promise<UsageRecord> {
  const { resource } = await services.database
    .container('usage')
    .item(id, `${APP_ID}|2025-09-15`)
    .read<UsageRecord>();
  if (resource === undefined) throw new Error(`no record ${id}`);
  return resource;
}

/** One batch through the real ingest path, with the real spill (Azurite) ready. */
async function ingest(events: readonly { body: unknown }[]) {
  const bodies = events.map((e) => e.body);
  return ingestBatch(
    bodies,
    bodies.map(() => ({ kind: 'file' as const })),
    services.ingest,
    services.spill,
  );
}

describe('prices the book cannot hold exactly', () => {
  it('are rounded half-even to 18 decimals or refused at refresh, with a warning naming the meter', async () => {
    const logged: string[] = [];
    const result = await refreshPriceBook({
      url: services.settings.RETAIL_PRICES_URL,
      currency: 'USD',
      store: services.prices,
      dispatcher: services.retailDispatcher,
      log: (m) => logged.push(m),
    });
    expect(result.tokenMeters).toBe(2);
    expect(result.skipped).toEqual({ 'retailPrice not representable': 3 });
    expect(result.warnings).toHaveLength(5);
    for (const warning of result.warnings) expect(logged).toContain(warning);
    expect(logged.join('\n')).toContain(
      `${MINI_IN.meterName} (${MINI_IN.meterId}, eastus, from ${MINI_IN.effectiveStartDate}): retailPrice ` +
        '7.000000000000001e-7 has more than 18 decimals; stored rounded half-even to 0.0000007',
    );
    expect(logged.join('\n')).toContain(`${EMBED_SMALL.meterName} (${EMBED_SMALL.meterId}`);
    expect(logged.join('\n')).toContain('1e+300 is above 100000, not a token price; not stored');
    expect(logged.join('\n')).toContain('1e-19 rounds to 0 at 18 decimals; not stored');
    expect(logged.join('\n')).toContain(
      `${ADA.meterName} (${ADA.meterId}, eastus, from ${ADA.effectiveStartDate}): retailPrice -0.0001 is negative; not stored`,
    );

    const { resources } = await services.database
      .container('prices')
      .items.query<PriceDoc>({
        query: 'SELECT * FROM c WHERE c.docType = @t',
        parameters: [{ name: '@t', value: 'price' }],
      })
      .fetchAll();
    const stored = Object.fromEntries(
      resources.map((d) => [d.meterName, [d.retailPrice, d.retailPriceReceived]]),
    );
    expect(stored).toEqual({
      [MINI_IN.meterName]: ['0.0000007', '7.000000000000001e-7'],
      [MINI_OUT.meterName]: ['0.0006', '0.0006000000000000001'],
    });
  });

  it('never stop a batch: events are priced from the rounded price, or unpriced with a reason', async () => {
    services.pricing.invalidate();
    const mini = chat('gpt-4o-mini-2024-07-18');
    const small = embedding('text-embedding-3-small');
    const large = embedding('text-embedding-3-large');
    const result = await ingest([mini, small, large]);
    expect(result.status).toBe('processed');
    if (result.status !== 'processed') return;
    expect(result.summary).toMatchObject({ received: 3, recorded: 1, pending: 2, unpriced: 2 });

    // 1000 × 0.0000007/1K + 1000 × 0.0006/1K = 0.0006007
    expect(await record(mini.requestId)).toMatchObject({ costStatus: 'priced', costNanos: 600_700 });
    expect(await record(small.requestId)).toMatchObject({
      costStatus: 'unpriced',
      unpricedReason: expect.stringMatching(/^no meter for text-embedding-3-small/) as unknown,
    });
    expect(await record(large.requestId)).toMatchObject({ costStatus: 'unpriced' });
    expect(await services.spill.list()).toEqual([]);
  });

  it('stored before the check existed (create-only, never rewritten) are read by the same rule', async () => {
    // What an earlier version stored unchecked: the artefact as text, and values no refresh keeps now.
    const seenAt = new Date().toISOString();
    const doc = (base: RetailPriceItem, retailPrice: string): PriceDoc => ({
      id: priceDocId(base.meterId, new Date(base.effectiveStartDate).toISOString(), 'USD'),
      pk: 'gpt-4o',
      docType: 'price',
      meterId: base.meterId,
      meterName: base.meterName,
      productName: base.productName,
      unitOfMeasure: base.unitOfMeasure,
      region: 'eastus',
      currency: 'USD',
      retailPrice,
      effectiveStartDate: new Date(base.effectiveStartDate).toISOString(),
      effectiveEndDate: null,
      serviceName: null,
      firstSeen: seenAt,
    });
    await services.prices.save([doc(GPT4O_IN, '2.5000000000000001e-3'), doc(GPT4O_OUT, '1e999')], {
      refreshedAt: seenAt,
      currency: 'USD',
      serviceName: 'Cognitive Services',
      items: 2,
    });
    services.pricing.invalidate();
    const input = event('gpt-4o-2024-08-06', 'chat.completion', { prompt_tokens: 1000, total_tokens: 1000 });
    const withOutput = chat('gpt-4o-2024-08-06');
    const result = await ingest([input, withOutput]);
    expect(result.status).toBe('processed');
    // 1000 × 0.0025/1K, from 2.5000000000000001e-3 rounded to 0.0025
    expect(await record(input.requestId)).toMatchObject({ costStatus: 'priced', costNanos: 2_500_000 });
    // The output meter's stored price is refused, so the meter is missing: unpriced with the reason.
    expect(await record(withOutput.requestId)).toMatchObject({
      costStatus: 'unpriced',
      unpricedReason: expect.stringMatching(/output/) as unknown,
    });
  });
});
