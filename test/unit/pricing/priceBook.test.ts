import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { PriceBook, type PriceRow } from '../../../shared/pricing/priceBook.js';
import { checkRetailPrice, priceDocId, toPriceDocs, toPriceRows } from '../../../shared/pricing/priceRows.js';
import { createPricer } from '../../../shared/pricing/pricer.js';
import type { RetailPriceItem } from '../../../shared/pricing/types.js';

const snapshot = JSON.parse(
  readFileSync(new URL('../../../samples/retail-prices-snapshot.json', import.meta.url), 'utf8'),
) as RetailPriceItem[];
const SEEN = '2026-01-01T00:00:00.000Z';

function item(meterName: string): RetailPriceItem {
  const found = snapshot.find((candidate) => candidate.meterName === meterName);
  if (found === undefined) throw new Error(`snapshot has no ${meterName}`);
  return found;
}

function bookOf(items: readonly RetailPriceItem[]): PriceBook {
  return new PriceBook(toPriceRows(toPriceDocs(items, 'USD', SEEN).docs), 'USD', SEEN);
}

describe('toPriceDocs', () => {
  const { docs, skipped } = toPriceDocs(snapshot, 'USD', SEEN);

  it('keeps the token meters, batch ones under a batch family, and counts everything else by reason', () => {
    // The snapshot's DALL-E meter is kept: it prices DALL-E per image (shared/pricing/imageMeter.ts);
    // so are its three fine-tuned inference meters (`gpt-4.1-ft input global`), under `-ft` families.
    expect(Object.fromEntries(skipped)).toEqual({
      'priority processing meter': 2,
      // Speech-to-Text-Batch-Whisper: the 10 batch token meters are kept (below).
      'batch meter': 1,
      'provisioned meter': 2,
      'reservation meter': 2,
      'training meter': 1,
      'grader meter': 4,
    });
    expect(docs.length + 12).toBe(snapshot.length);
    expect(docs).toHaveLength(67);
    for (const doc of docs) expect(doc.meterName).not.toMatch(/\bpp\b|grader|grdr|provisioned/i);
    const fineTuned = docs.filter((d) => /-ft\b/.test(d.meterName)).map((d) => d.pk);
    expect(fineTuned.sort()).toEqual(['gpt-4.1-dev-ft', 'gpt-4.1-ft', 'o4-mini-ft']);
    const batch = docs.filter((d) => /batch/i.test(d.meterName));
    expect(batch).toHaveLength(10);
    for (const doc of batch) expect(doc.pk).toMatch(/ batch$/);
  });

  it('stores the item as received, with ISO dates, a lower-case region and an id of meter, start and currency', () => {
    const doc = docs.find((d) => d.meterName === 'gpt-35-turbo-16K-0125 Input-regional Tokens');
    expect(doc).toEqual({
      id: 'af8b5edd-ce3d-5c56-804a-6eec6e983f92|2024-05-01T00:00:00.000Z|USD',
      pk: 'gpt-35-turbo',
      docType: 'price',
      meterId: 'af8b5edd-ce3d-5c56-804a-6eec6e983f92',
      meterName: 'gpt-35-turbo-16K-0125 Input-regional Tokens',
      skuName: 'gpt-35-turbo-16K-0125 Input-regional',
      productName: 'Azure OpenAI',
      unitOfMeasure: '1K',
      type: 'Consumption',
      region: 'eastus',
      currency: 'USD',
      retailPrice: '0.0005',
      effectiveStartDate: '2024-05-01T00:00:00.000Z',
      effectiveEndDate: '2025-08-31T23:59:00.000Z',
      serviceName: 'Cognitive Services',
      firstSeen: SEEN,
    });
    expect(priceDocId('af8b5edd-ce3d-5c56-804a-6eec6e983f92', '2024-05-01T00:00:00.000Z', 'USD')).toBe(
      doc?.id,
    );
  });

  it('writes 7.5e-05 on the wire as the exact decimal', () => {
    // gpt 4o mini 0718 cached Inp glbl is 7.5e-5 in the snapshot file.
    expect(docs.find((d) => d.meterId === '7683c9bf-0112-59d3-8667-5d4460aa47b9')?.retailPrice).toBe(
      '0.000075',
    );
  });

  it('a second window of the same meter is a second document', () => {
    const input = item('gpt-4o-0806-Inp-glbl Tokens');
    const later = { ...input, retailPrice: 0.002, effectiveStartDate: '2025-10-01T00:00:00Z' };
    const both = toPriceDocs([input, later], 'USD', SEEN).docs;
    expect(both.map((d) => d.id)).toEqual([
      'babc1534-2115-5f32-98cb-29d58a11eb80|2024-08-01T00:00:00.000Z|USD',
      'babc1534-2115-5f32-98cb-29d58a11eb80|2025-10-01T00:00:00.000Z|USD',
    ]);
    expect(both.map((d) => d.retailPrice)).toEqual(['0.0025', '0.002']);
  });

  it('takes the configured currency when an item has none, and lower-cases the region', () => {
    const { currencyCode: _dropped, ...noCurrency } = item('gpt 4.1 Inp glbl Tokens');
    const [doc] = toPriceDocs([{ ...noCurrency, armRegionName: 'EastUS' }], 'EUR', SEEN).docs;
    expect(doc?.currency).toBe('EUR');
    expect(doc?.region).toBe('eastus');
    expect(doc?.id.endsWith('|EUR')).toBe(true);
  });
});

describe('toPriceRows', () => {
  it('re-classifies stored documents and drops any the parser no longer prices', () => {
    const { docs } = toPriceDocs([item('gpt-4o-0806-Inp-glbl Tokens')], 'USD', SEEN);
    const [doc] = docs;
    if (doc === undefined) throw new Error('no doc');
    const stale = { ...doc, id: 'stale', meterName: 'gpt-4o-0806-PP-Inp-glbl Tokens' };
    const rows = toPriceRows([doc, stale]);
    expect(rows).toEqual<PriceRow[]>([
      {
        family: 'gpt-4o',
        version: '0806',
        kind: 'input',
        deploymentType: 'global',
        unitSize: 1000,
        meterId: 'babc1534-2115-5f32-98cb-29d58a11eb80',
        meterName: 'gpt-4o-0806-Inp-glbl Tokens',
        region: 'eastus',
        currency: 'USD',
        retailPrice: '0.0025',
        effectiveStartDate: '2024-08-01T00:00:00.000Z',
        effectiveEndDate: null,
      },
    ]);
  });
});

describe('PriceBook', () => {
  const book = bookOf(snapshot);

  it('indexes every row and lists the versions that have an input meter', () => {
    expect(book.size).toBe(67);
    expect(book.currency).toBe('USD');
    expect(book.refreshedAt).toBe(SEEN);
    expect(book.versions('gpt-4o', 'global', 'eastus').sort()).toEqual(['0513', '0806', '1120']);
    expect(book.versions('gpt-5-mini', 'global', 'eastus')).toEqual([null]);
    expect(book.versions('gpt-4o', 'global', 'norwayeast')).toEqual([]); // an output meter only
    expect(book.versions('gpt-9', 'global', 'eastus')).toEqual([]);
  });

  it('finds the latest window with effectiveStartDate ≤ at, to the millisecond', () => {
    const input = item('gpt-4o-0806-Inp-glbl Tokens');
    const windows = bookOf([
      { ...input, retailPrice: 0.002, effectiveStartDate: '2025-10-01T00:00:00Z' },
      input,
      { ...input, retailPrice: 0.0015, effectiveStartDate: '2026-04-01T00:00:00Z' },
    ]);
    const at = (time: string) => {
      const found = windows.find('gpt-4o', '0806', 'global', 'eastus', 'input', time);
      return found.ok ? found.row.retailPrice : found.reason;
    };
    expect(at('2024-07-31T23:59:59.999Z')).toBe(
      'no gpt-4o 0806 input global eastus meter in force at 2024-07-31T23:59:59.999Z',
    );
    expect(at('2024-08-01T00:00:00.000Z')).toBe('0.0025');
    expect(at('2025-09-30T23:59:59.999Z')).toBe('0.0025');
    expect(at('2025-10-01T00:00:00.000Z')).toBe('0.002');
    expect(at('2026-03-31T23:59:59.999Z')).toBe('0.002');
    expect(at('2026-04-01T00:00:00.000Z')).toBe('0.0015');
  });

  it('a window is in force at its effectiveEndDate, not after', () => {
    const at = (time: string) => book.find('gpt-35-turbo', '0125', 'regional', 'eastus', 'output', time);
    expect(at('2025-08-31T23:59:00.000Z')).toMatchObject({ ok: true, row: { retailPrice: '0.0015' } });
    expect(at('2025-08-31T23:59:00.001Z')).toEqual({
      ok: false,
      reason: 'gpt-35-turbo 0125 output regional eastus meter ended 2025-08-31T23:59:00.000Z',
    });
  });

  it('a new window after an ended one prices again', () => {
    const ended = item('embedding-ada-regional Tokens'); // ends 2025-08-31T23:59:00Z
    const renewed = { ...ended, retailPrice: 0.00011, effectiveStartDate: '2025-09-01T00:00:00Z' };
    const { effectiveEndDate: _end, ...open } = renewed;
    const windows = bookOf([ended, open]);
    const at = (time: string) =>
      windows.find('text-embedding-ada-002', null, 'regional', 'eastus', 'input', time);
    expect(at('2025-08-31T23:59:30.000Z')).toMatchObject({ ok: false });
    expect(at('2025-09-01T00:00:00.000Z')).toMatchObject({ ok: true, row: { retailPrice: '0.00011' } });
  });

  it('says which meter is missing', () => {
    expect(book.find('gpt-4o', '0806', 'regional', 'eastus2', 'output', SEEN)).toEqual({
      ok: false,
      reason: 'no gpt-4o 0806 output regional eastus2 meter',
    });
  });

  it('prices a meter written in exponent notation (1.1e-7) and shows it as a plain decimal', () => {
    const tiny = { ...item('text-embedding-3-small-glbl Tokens'), retailPrice: 1.1e-7 };
    const [doc] = toPriceDocs([tiny], 'USD', SEEN).docs;
    expect(doc?.retailPrice).toBe('1.1e-7');
    const pricer = createPricer(bookOf([tiny]), {
      currency: 'USD',
      deployments: {},
      defaultRegion: 'eastus',
      defaultDeploymentType: 'global',
      overrides: undefined,
    });
    const { cost } = pricer.price({
      id: 'x',
      requestId: null,
      schema: 'v2',
      eventTime: '2025-09-01T00:00:00.000Z',
      appId: '5f8d2c1a-9b3e-4d7f-a6c2-1e0b9d8f7a65',
      tenantId: null,
      subscriptionId: null,
      model: 'text-embedding-3-small',
      deployment: null,
      deploymentType: null,
      region: null,
      operation: 'embeddings',
      stream: null,
      statusCode: null,
      modelTimeMs: null,
      promptTokens: 10_000_000,
      cachedTokens: 0,
      completionTokens: 0,
      reasoningTokens: 0,
      totalTokens: 10_000_000,
    });
    // 10,000,000 × 0.00000011/1K = 0.0011
    expect(cost).toMatchObject({
      status: 'priced',
      costNanos: 1_100_000,
      priceSet: { prices: [{ unitPrice: '0.00000011' }] },
    });
  });
});

describe('checkRetailPrice', () => {
  it('keeps exact values as written, rounds more than 18 decimals, refuses the rest', () => {
    expect(checkRetailPrice(7.5e-5)).toEqual({ ok: true, text: '0.000075', rounded: false });
    expect(checkRetailPrice(0)).toEqual({ ok: true, text: '0', rounded: false });
    expect(checkRetailPrice(7.000000000000001e-7)).toEqual({ ok: true, text: '0.0000007', rounded: true });
    expect(checkRetailPrice('2.5000000000000001e-3')).toEqual({ ok: true, text: '0.0025', rounded: true });
    expect(checkRetailPrice(-0.002)).toEqual({ ok: false, problem: '-0.002 is negative' });
    expect(checkRetailPrice(1e-19)).toEqual({ ok: false, problem: '1e-19 rounds to 0 at 18 decimals' });
    expect(checkRetailPrice(100_001)).toEqual({
      ok: false,
      problem: '100001 is above 100000, not a token price',
    });
    expect(checkRetailPrice(Number.NaN)).toMatchObject({ ok: false });
    expect(checkRetailPrice(Number.POSITIVE_INFINITY)).toMatchObject({ ok: false });
    expect(checkRetailPrice('abc')).toEqual({ ok: false, problem: 'not a decimal number: abc' });
  });
});
