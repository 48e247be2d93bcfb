import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

import { describe, expect, it } from 'vitest';

import type { PriceOverrides } from '../../../shared/config.js';
import type { AppliedPrice, CostResult } from '../../../shared/cost/types.js';
import { normalizeEvent } from '../../../shared/events/normalize.js';
import type { NormalizedUsage } from '../../../shared/events/types.js';
import type { Pricer } from '../../../shared/pipeline/ports.js';
import { PriceBook } from '../../../shared/pricing/priceBook.js';
import { toPriceDocs, toPriceRows } from '../../../shared/pricing/priceRows.js';
import { createPricer, type PricerSettings } from '../../../shared/pricing/pricer.js';
import type { RetailPriceItem } from '../../../shared/pricing/types.js';
import { API_SHAPES_DIR } from '../../helpers/apiShapes.js';
import { reason as unpricedReason } from '../../helpers/costResults.js';
import { testUsage as usage } from '../../helpers/usage.js';

// Every price below is a real Azure Retail Prices item (samples/retail-prices-snapshot.json, or the 512-meter
// eastus catalog of 2025-08); expected costs are worked out from the decimal prices written in this file.

const apiShapes = pathToFileURL(API_SHAPES_DIR);
const readJson = (url: URL): unknown => JSON.parse(readFileSync(url, 'utf8')) as unknown;

const snapshot = readJson(
  new URL('../../../samples/retail-prices-snapshot.json', import.meta.url),
) as RetailPriceItem[];
// The derived catalog keeps a field subset; the fields it drops are the same for all its items (its .src.txt).
const eastusCatalog = (
  readJson(new URL('retail_aoai_meter_catalog_eastus_2025-08_derived.json', apiShapes)) as {
    items: RetailPriceItem[];
  }
).items.map((item) => ({ ...item, armRegionName: 'eastus', type: 'Consumption', currencyCode: 'USD' }));

function snapshotItem(meterId: string, meterName: string): RetailPriceItem {
  const item = snapshot.find(
    (candidate) => candidate.meterId === meterId && candidate.meterName === meterName,
  );
  if (item === undefined) throw new Error(`snapshot has no ${meterName} (${meterId})`);
  return item;
}

function bookOf(items: readonly RetailPriceItem[]): PriceBook {
  const { docs } = toPriceDocs(items, 'USD', '2026-01-01T00:00:00.000Z');
  return new PriceBook(toPriceRows(docs), 'USD', '2026-01-01T00:00:00.000Z');
}

const SETTINGS: PricerSettings = {
  currency: 'USD',
  deployments: {},
  defaultRegion: 'eastus',
  defaultDeploymentType: 'global',
  overrides: undefined,
};

/**
 * The reference: Σ tokens × price ÷ unit, in nano-units, from decimal text, exactly. Throws unless the
 * result is a whole number of nanos (every case here is chosen so; rounding is tested in money.test.ts).
 */
function refNanos(
  lines: readonly (readonly [tokens: number, price: string, unit: 1000 | 1000000])[],
): number {
  let numerator = 0n; // Σ tokens × price × 1e12 × (1e6 / unit)
  for (const [tokens, price, unit] of lines) {
    const [whole = '', frac = ''] = price.split('.');
    if (frac.length > 12) throw new Error(`reference handles 12 decimals, not ${price}`);
    numerator += BigInt(tokens) * BigInt(whole + frac.padEnd(12, '0')) * (1_000_000n / BigInt(unit));
  }
  // cost × 1e9 = numerator ÷ (1e12 × 1e6) × 1e9 = numerator ÷ 1e9
  if (numerator % 1_000_000_000n !== 0n) throw new Error('not a whole number of nanos');
  return Number(numerator / 1_000_000_000n);
}

function priced(cost: CostResult): { costNanos: number; prices: readonly AppliedPrice[] } {
  if (cost.status !== 'priced') throw new Error(`expected priced, got ${JSON.stringify(cost)}`);
  return { costNanos: cost.costNanos, prices: cost.priceSet.prices };
}

// Real meters (id, name, price per unit) used below.
const GPT4O_IN = { id: 'babc1534-2115-5f32-98cb-29d58a11eb80', name: 'gpt-4o-0806-Inp-glbl Tokens' };
const GPT4O_CACHED = {
  id: '00c1710c-0a75-5908-acd2-507d71634215',
  name: 'gpt 4o 0806 cached Inp glbl Tokens',
};
const GPT4O_OUT = { id: 'cd976e6c-41ab-5881-a90f-eff2e0c1d9b0', name: 'gpt-4o-0806-Outp-glbl Tokens' };
const book = bookOf(snapshot);

describe('createPricer over the real snapshot', () => {
  it('names every meter, unit price, unit, effective start and currency of a priced request', () => {
    const pricer = createPricer(book, SETTINGS);
    expect(pricer.currency).toBe('USD');
    // samples/v2-event-from-policy.json: 1566 prompt (1408 cached), 86 completion, gpt-4o 0806 global eastus.
    const { key, cost } = pricer.price(
      usage({
        region: 'eastus',
        deploymentType: 'global',
        promptTokens: 1566,
        cachedTokens: 1408,
        completionTokens: 86,
      }),
    );
    expect(key).toEqual({ family: 'gpt-4o', version: '0806', deploymentType: 'global', region: 'eastus' });
    const result = priced(cost);
    // 158 × 0.0025/1K + 1408 × 0.00125/1K + 86 × 0.01/1K = 0.000395 + 0.00176 + 0.00086 = 0.003015
    expect(result.costNanos).toBe(3_015_000);
    expect(result.costNanos).toBe(
      refNanos([
        [158, '0.0025', 1000],
        [1408, '0.00125', 1000],
        [86, '0.01', 1000],
      ]),
    );
    expect(result.prices).toEqual([
      {
        kind: 'input',
        meterId: GPT4O_IN.id,
        meterName: GPT4O_IN.name,
        unitPrice: '0.0025',
        unitSize: 1000,
        effectiveStartDate: '2024-08-01T00:00:00.000Z',
      },
      {
        kind: 'cachedInput',
        meterId: GPT4O_CACHED.id,
        meterName: GPT4O_CACHED.name,
        unitPrice: '0.00125',
        unitSize: 1000,
        effectiveStartDate: '2024-10-01T00:00:00.000Z',
      },
      {
        kind: 'output',
        meterId: GPT4O_OUT.id,
        meterName: GPT4O_OUT.name,
        unitPrice: '0.01',
        unitSize: 1000,
        effectiveStartDate: '2024-08-01T00:00:00.000Z',
      },
    ]);
  });

  it('names its meters by a content-addressed price set: same meters, same id; another rate, another id', () => {
    const pricer = createPricer(book, SETTINGS);
    const set = (u: NormalizedUsage, p: Pricer = pricer) => {
      const { cost } = p.price(u);
      if (cost.status !== 'priced') throw new Error(JSON.stringify(cost));
      return cost.priceSet;
    };
    const a = set(usage({ promptTokens: 100, cachedTokens: 10, completionTokens: 5 }));
    const b = set(usage({ promptTokens: 7, cachedTokens: 3, completionTokens: 1, requestId: 'other' }));
    expect(a.id).toMatch(/^[0-9a-f]{16}$/);
    expect(b).toBe(a); // one object per set: hashed once, not per event
    expect(a.currency).toBe('USD');
    expect(a.prices.map((p) => p.meterId)).toEqual([GPT4O_IN.id, GPT4O_CACHED.id, GPT4O_OUT.id]);
    // Another set of meters (no cached tokens), or the same meters at a negotiated rate, is another set.
    const noCached = set(usage({ promptTokens: 100, cachedTokens: 0, completionTokens: 5 }));
    expect(noCached.id).not.toBe(a.id);
    const discounted = set(
      usage({ promptTokens: 100, cachedTokens: 10, completionTokens: 5 }),
      createPricer(book, { ...SETTINGS, overrides: { discountPercent: 10 } }),
    );
    expect(discounted.id).not.toBe(a.id);
    // A fresh pricer over the same book gives the same id: ids are stable across instances and restarts.
    expect(
      set(usage({ promptTokens: 1, cachedTokens: 1, completionTokens: 1 }), createPricer(book, SETTINGS)).id,
    ).toBe(a.id);
  });

  it('is unpriced with "no price book" before any refresh, and still resolves the key', () => {
    const { key, cost } = createPricer(null, SETTINGS).price(usage({ promptTokens: 10 }));
    expect(cost).toEqual({ status: 'unpriced', reason: 'no price book' });
    expect(key).toEqual({ family: 'gpt-4o', version: '0806', deploymentType: 'global', region: 'eastus' });
  });
});

describe('price key resolution, in order', () => {
  it('keeps a deployment literally named "null" apart from an event with no deployment (memo keys)', () => {
    const pricer = createPricer(book, { ...SETTINGS, deployments: { null: { deploymentType: 'datazone' } } });
    const named = pricer.price(usage({ deployment: 'null', promptTokens: 10 }));
    const none = pricer.price(usage({ deployment: null, promptTokens: 10 }));
    expect(named.key.deploymentType).toBe('datazone');
    expect(none.key.deploymentType).toBe(SETTINGS.defaultDeploymentType);
  });

  it('1. the event’s own fields win over DEPLOYMENTS and the defaults', () => {
    const pricer = createPricer(book, {
      ...SETTINGS,
      defaultRegion: 'eastus2',
      defaultDeploymentType: 'regional',
      deployments: {
        'gpt4o-prod': { deploymentType: 'regional', region: 'eastus2' },
        'gpt-4o-2024-08-06': { deploymentType: 'regional', region: 'eastus2' },
      },
    });
    const { key, cost } = pricer.price(
      usage({
        deployment: 'gpt4o-prod',
        deploymentType: 'datazone',
        region: 'eastus',
        promptTokens: 1000,
        cachedTokens: 200,
        completionTokens: 100,
      }),
    );
    expect(key).toEqual({ family: 'gpt-4o', version: '0806', deploymentType: 'datazone', region: 'eastus' });
    const result = priced(cost);
    // Data Zone: 800 × 0.00275/1K + 200 × 0.001375/1K + 100 × 0.011/1K = 0.0022 + 0.000275 + 0.0011
    expect(result.costNanos).toBe(3_575_000);
    expect(result.prices.map((p) => p.meterName)).toEqual([
      'gpt 4o 0806 Inp Data Zone Tokens',
      'gpt 4o 0806 cached Inp Data Zone Tokens',
      'gpt 4o 0806 Outp Data Zone Tokens',
    ]);
  });

  it('2. DEPLOYMENTS by deployment name names the model of an alias, its version, type and region', () => {
    const pricer = createPricer(book, {
      ...SETTINGS,
      deployments: {
        'prod-chat': { model: 'gpt-4o-mini', version: '0718', deploymentType: 'regional', region: 'eastus' },
        // The logged-model entry comes after the deployment entry.
        'prod-chat-model': { model: 'gpt-4o', version: '0806', deploymentType: 'datazone' },
      },
    });
    // APIM's v2 policy may log the deployment alias as the model.
    const { key, cost } = pricer.price(
      usage({
        model: 'prod-chat-model',
        deployment: 'prod-chat',
        promptTokens: 2000,
        cachedTokens: 1000,
        completionTokens: 500,
      }),
    );
    expect(key).toEqual({
      family: 'gpt-4o-mini',
      version: '0718',
      deploymentType: 'regional',
      region: 'eastus',
    });
    // Regional: 1000 × 0.000165/1K + 1000 × 0.000083/1K + 500 × 0.00066/1K = 0.000165 + 0.000083 + 0.00033
    expect(priced(cost).costNanos).toBe(578_000);
    expect(priced(cost).prices.map((p) => p.meterId)).toEqual([
      '8b748df5-d246-5402-b06b-8930ab859483',
      '1bc0b500-71b1-54ad-803f-1404c1aecb88',
      '641b991a-a6d4-5003-83ba-b857e2986e71',
    ]);
  });

  it('2. DEPLOYMENTS by deployment name settles the version of a versionless logged model', () => {
    const pricer = createPricer(book, { ...SETTINGS, deployments: { 'chat-4o': { version: '0513' } } });
    const { key, cost } = pricer.price(usage({ model: 'gpt-4o', deployment: 'chat-4o', promptTokens: 1000 }));
    expect(key.version).toBe('0513');
    // gpt 4o 0513 Input global: 1000 × 0.005/1K
    expect(priced(cost).costNanos).toBe(5_000_000);
    expect(priced(cost).prices[0]?.meterId).toBe('087e0ab2-5072-527c-a8fb-8b6e2a4664f8');
  });

  it('3. DEPLOYMENTS by logged model name (a v1 event has no deployment), after the deployment entry', () => {
    const deployments = {
      'gpt-4o': { version: '0806', deploymentType: 'datazone' as const },
      east: { region: 'eastus' },
    };
    const pricer = createPricer(book, { ...SETTINGS, defaultRegion: 'westeurope', deployments });
    const v1 = usage({ schema: 'v1', model: 'gpt-4o', promptTokens: 1000, completionTokens: 1000 });
    // No region anywhere but the default: westeurope has no meters.
    expect(pricer.price(v1).key).toEqual({
      family: 'gpt-4o',
      version: '0806',
      deploymentType: 'datazone',
      region: 'westeurope',
    });
    expect(unpricedReason(pricer.price(v1).cost)).toBe('no meter for gpt-4o 0806 datazone westeurope');
    // With a deployment entry for the region, each part comes from the first entry that has it.
    const { key, cost } = pricer.price({ ...v1, deployment: 'east' });
    expect(key).toEqual({ family: 'gpt-4o', version: '0806', deploymentType: 'datazone', region: 'eastus' });
    // 1000 × 0.00275/1K + 1000 × 0.011/1K
    expect(priced(cost).costNanos).toBe(
      refNanos([
        [1000, '0.00275', 1000],
        [1000, '0.011', 1000],
      ]),
    );
    expect(priced(cost).costNanos).toBe(13_750_000);
  });

  it('a deployment entry wins over a logged-model entry for the same part', () => {
    const pricer = createPricer(book, {
      ...SETTINGS,
      deployments: {
        'my-deploy': { deploymentType: 'regional' },
        'gpt-4o-mini-2024-07-18': { deploymentType: 'datazone', region: 'eastus' },
      },
    });
    const { key } = pricer.price(usage({ model: 'gpt-4o-mini-2024-07-18', deployment: 'my-deploy' }));
    expect(key).toEqual({
      family: 'gpt-4o-mini',
      version: '0718',
      deploymentType: 'regional',
      region: 'eastus',
    });
  });

  it('4. the defaults PRICE_REGION and DEFAULT_DEPLOYMENT_TYPE when nothing else says', () => {
    const pricer = createPricer(book, {
      ...SETTINGS,
      defaultRegion: 'eastus2',
      defaultDeploymentType: 'regional',
    });
    const embeddingLike = usage({ promptTokens: 1000 });
    const { key, cost } = pricer.price(embeddingLike);
    expect(key).toEqual({ family: 'gpt-4o', version: '0806', deploymentType: 'regional', region: 'eastus2' });
    // gpt-4o-0806-Inp-regnl in eastus2: 1000 × 0.00275/1K
    expect(priced(cost).prices[0]?.meterId).toBe('2a505196-f919-5b57-98fb-00a38b65a702');
    expect(priced(cost).costNanos).toBe(2_750_000);
    // eastus2 has no gpt-4o output meter in the snapshot: completion tokens cannot be priced.
    expect(unpricedReason(pricer.price(usage({ promptTokens: 1000, completionTokens: 1 })).cost)).toBe(
      'no gpt-4o 0806 output regional eastus2 meter',
    );
  });
});

describe('versions', () => {
  const pricer = createPricer(book, SETTINGS);

  it('comes from the date suffix of the logged model', () => {
    const at = (model: string) => pricer.price(usage({ model, promptTokens: 1000 }));
    expect(at('gpt-4o-2024-05-13').key.version).toBe('0513');
    expect(priced(at('gpt-4o-2024-05-13').cost).costNanos).toBe(5_000_000); // 0.005/1K
    expect(priced(at('gpt-4o-2024-11-20').cost).prices[0]?.meterName).toBe('gpt 4o 1120 Inp glbl Tokens');
    expect(priced(at('gpt-4o-2024-08-06').cost).prices[0]?.meterId).toBe(GPT4O_IN.id);
  });

  it('uses a four-digit suffix and drops the context marker: gpt-35-turbo-16k-0125 is gpt-35-turbo 0125', () => {
    const { key, cost } = pricer.price(
      usage({
        model: 'gpt-35-turbo-16k-0125',
        region: 'eastus',
        deploymentType: 'regional',
        eventTime: '2025-06-01T00:00:00.000Z',
        promptTokens: 1000,
        completionTokens: 1000,
      }),
    );
    expect(key).toEqual({
      family: 'gpt-35-turbo',
      version: '0125',
      deploymentType: 'regional',
      region: 'eastus',
    });
    // 1000 × 0.0005/1K + 1000 × 0.0015/1K
    expect(priced(cost).costNanos).toBe(2_000_000);
  });

  it('prices gpt-5-mini-2025-08-07 with the versionless GPT 5 Mini 1M meters', () => {
    const { key, cost } = pricer.price(
      usage({
        model: 'gpt-5-mini-2025-08-07',
        promptTokens: 1000,
        cachedTokens: 200,
        completionTokens: 300,
        reasoningTokens: 256,
      }),
    );
    expect(key.version).toBe('0807');
    const result = priced(cost);
    // 800 × 0.25/1M + 200 × 0.025/1M + 300 × 2/1M = 0.0002 + 0.000005 + 0.0006 = 0.000805
    expect(result.costNanos).toBe(805_000);
    expect(result.costNanos).toBe(
      refNanos([
        [800, '0.25', 1000000],
        [200, '0.025', 1000000],
        [300, '2', 1000000],
      ]),
    );
    expect(result.prices.map((p) => [p.meterName, p.unitPrice, p.unitSize])).toEqual([
      ['GPT 5 Mini Inpt Glbl 1M Tokens', '0.25', 1000000],
      ['GPT 5 Mini cchd Inpt Glbl 1M Tokens', '0.025', 1000000],
      ['GPT 5 Mini outpt Glbl 1M Tokens', '2', 1000000],
    ]);
  });

  it('a versionless logged model with only versionless meters is priced (gpt-4.1)', () => {
    const { cost } = pricer.price(usage({ model: 'gpt-4.1', promptTokens: 1000, completionTokens: 1000 }));
    // 1000 × 0.002/1K + 1000 × 0.008/1K
    expect(priced(cost).costNanos).toBe(10_000_000);
  });

  it('an ambiguous version is unpriced with a reason', () => {
    const { key, cost } = pricer.price(usage({ model: 'gpt-4o', promptTokens: 1000 }));
    expect(key.version).toBeNull();
    const reason = unpricedReason(cost);
    expect(reason).toContain('ambiguous version');
    expect(reason).toBe(
      'ambiguous version for gpt-4o (no version) global eastus: meters exist for 0513, 0806, 1120; map it in DEPLOYMENTS',
    );
  });

  it('an unknown model is unpriced: "no meter for …"', () => {
    expect(
      unpricedReason(pricer.price(usage({ model: 'gpt-9-ultra-2025-01-01', promptTokens: 5 })).cost),
    ).toBe('no meter for gpt-9-ultra 0101 global eastus');
    expect(unpricedReason(pricer.price(usage({ model: 'gpt-4o-2025-01-01', promptTokens: 5 })).cost)).toBe(
      'no meter for gpt-4o 0101 global eastus (book has 0513, 0806, 1120)',
    );
    // A known model in a region the book does not cover.
    expect(
      unpricedReason(
        pricer.price(usage({ model: 'gpt-4o-mini-2024-07-18', region: 'swedencentral', promptTokens: 5 }))
          .cost,
      ),
    ).toBe('no meter for gpt-4o-mini 0718 global swedencentral');
  });
});

describe('effective dating', () => {
  // A second window for the real gpt-4o-0806-Inp-glbl meter: same meterId, a new start, a new price.
  const original = snapshotItem(GPT4O_IN.id, GPT4O_IN.name);
  const change = {
    ...original,
    retailPrice: 0.002,
    unitPrice: 0.002,
    effectiveStartDate: '2025-10-01T00:00:00Z',
  };
  const pricer = createPricer(bookOf([...snapshot, change]), SETTINGS);
  const at = (eventTime: string) =>
    pricer.price(usage({ eventTime, promptTokens: 1000, completionTokens: 100 }));

  it('uses the old price until the millisecond before the new start, and the new one from the start', () => {
    const before = priced(at('2025-09-30T23:59:59.999Z').cost);
    // 1000 × 0.0025/1K + 100 × 0.01/1K = 0.0025 + 0.001
    expect(before.costNanos).toBe(3_500_000);
    expect(before.prices[0]).toMatchObject({
      meterId: GPT4O_IN.id,
      unitPrice: '0.0025',
      effectiveStartDate: '2024-08-01T00:00:00.000Z',
    });
    const from = priced(at('2025-10-01T00:00:00.000Z').cost);
    // 1000 × 0.002/1K + 100 × 0.01/1K = 0.002 + 0.001
    expect(from.costNanos).toBe(3_000_000);
    expect(from.prices[0]).toMatchObject({
      meterId: GPT4O_IN.id,
      unitPrice: '0.002',
      effectiveStartDate: '2025-10-01T00:00:00.000Z',
    });
    // The output meter did not change.
    expect(from.prices[1]).toMatchObject({
      meterId: GPT4O_OUT.id,
      unitPrice: '0.01',
      effectiveStartDate: '2024-08-01T00:00:00.000Z',
    });
  });

  it('keeps both windows whatever order the catalog lists them in', () => {
    const reversed = createPricer(bookOf([change, ...snapshot]), SETTINGS);
    const cost = (eventTime: string) =>
      priced(reversed.price(usage({ eventTime, promptTokens: 1000 })).cost).costNanos;
    expect(cost('2025-09-30T23:59:59.999Z')).toBe(2_500_000);
    expect(cost('2025-10-01T00:00:00.000Z')).toBe(2_000_000);
    expect(cost('2026-06-01T00:00:00.000Z')).toBe(2_000_000);
  });

  it('has no price before a meter’s first window', () => {
    expect(unpricedReason(at('2024-07-31T23:59:59.999Z').cost)).toBe(
      'no gpt-4o 0806 input global eastus meter in force at 2024-07-31T23:59:59.999Z',
    );
    expect(priced(at('2024-08-01T00:00:00.000Z').cost).costNanos).toBe(3_500_000);
  });

  it('a meter is in force at its effectiveEndDate and not after', () => {
    // gpt-35-turbo-16K-0125 regional ends 2025-08-31T23:59:00Z.
    const turbo = (eventTime: string) =>
      pricer.price(
        usage({
          model: 'gpt-35-turbo-0125',
          deploymentType: 'regional',
          eventTime,
          promptTokens: 1000,
          completionTokens: 1000,
        }),
      ).cost;
    expect(priced(turbo('2025-08-31T23:59:00.000Z')).costNanos).toBe(2_000_000);
    expect(unpricedReason(turbo('2025-08-31T23:59:00.001Z'))).toBe(
      'gpt-35-turbo 0125 input regional eastus meter ended 2025-08-31T23:59:00.000Z',
    );
  });

  it('a cached meter that starts later than the input meter: cached tokens fall back to the input price', () => {
    // gpt 4o 0806 cached Inp glbl starts 2024-10-01; the input meter 2024-08-01.
    const { cost } = pricer.price(
      usage({ eventTime: '2024-09-15T00:00:00.000Z', promptTokens: 1000, cachedTokens: 400 }),
    );
    // all 1000 at 0.0025/1K
    expect(priced(cost).costNanos).toBe(2_500_000);
    expect(priced(cost).prices.map((p) => p.kind)).toEqual(['input']);
  });
});

describe('token kinds', () => {
  const pricer = createPricer(book, SETTINGS);

  it('prices reasoning tokens inside completion tokens, at the output price, with cached input (o1 doc example)', () => {
    const body = readJson(new URL('aoai_chat_usage_o1_cached_reasoning_official_doc.json', apiShapes)) as {
      model: string;
      usage: unknown;
    };
    const normalized = normalizeEvent(
      v2Event(body.model, body.usage),
      { kind: 'file' },
      new Date('2026-01-01T00:00:00Z'),
    );
    if (!normalized.ok) throw new Error(JSON.stringify(normalized.issues));
    expect(normalized.usage).toMatchObject({
      promptTokens: 1566,
      cachedTokens: 1408,
      completionTokens: 1518,
      reasoningTokens: 576,
    });
    const result = priced(pricer.price(normalized.usage).cost);
    // o1 1217 global: 158 × 0.015/1K + 1408 × 0.0075/1K + 1518 × 0.06/1K = 0.00237 + 0.01056 + 0.09108 = 0.10401
    expect(result.costNanos).toBe(104_010_000);
    expect(result.costNanos).toBe(
      refNanos([
        [158, '0.015', 1000],
        [1408, '0.0075', 1000],
        [1518, '0.06', 1000],
      ]),
    );
    // Not reasoning on top: that would add 576 × 0.06/1K = 0.03456.
    expect(result.prices.map((p) => [p.kind, p.meterName])).toEqual([
      ['input', 'o1 1217 Inp glbl Tokens'],
      ['cachedInput', 'o1 1217 cached Inp glbl Tokens'],
      ['output', 'o1 1217 Outp glbl Tokens'],
    ]);
  });

  it('prices the Responses API usage shape (input_tokens / output_tokens)', () => {
    const body = readJson(new URL('aoai_responses_api_gpt4o_official_doc.json', apiShapes)) as {
      model: string;
      usage: unknown;
    };
    const normalized = normalizeEvent(
      v2Event(body.model, body.usage, 'responses'),
      { kind: 'file' },
      new Date('2026-01-01T00:00:00Z'),
    );
    if (!normalized.ok) throw new Error(JSON.stringify(normalized.issues));
    expect(normalized.usage).toMatchObject({ promptTokens: 20, cachedTokens: 0, completionTokens: 11 });
    // gpt-4o 0806 global: 20 × 0.0025/1K + 11 × 0.01/1K = 0.00005 + 0.00011
    expect(priced(pricer.price(normalized.usage).cost).costNanos).toBe(160_000);
  });

  it('prices a streamed chat usage chunk (gpt-4.1-mini-2025-04-14 on the versionless gpt 4.1 mini meters)', () => {
    const body = readJson(new URL('aoai_stream_final_usage_chunk_gpt41mini.json', apiShapes)) as {
      model: string;
      usage: unknown;
    };
    const normalized = normalizeEvent(
      v2Event(body.model, body.usage),
      { kind: 'file' },
      new Date('2026-01-01T00:00:00Z'),
    );
    if (!normalized.ok) throw new Error(JSON.stringify(normalized.issues));
    // 22 × 0.0004/1K + 34 × 0.0016/1K = 0.0000088 + 0.0000544
    expect(priced(pricer.price(normalized.usage).cost).costNanos).toBe(63_200);
  });

  it('prices embeddings with no output meter (ada doc example → text-embedding-ada-002)', () => {
    const body = readJson(new URL('aoai_embeddings_example_output_ada.json', apiShapes)) as {
      model: string;
      usage: unknown;
    };
    const normalized = normalizeEvent(
      v2Event(body.model, body.usage, 'embeddings'),
      { kind: 'file' },
      new Date('2026-01-01T00:00:00Z'),
    );
    if (!normalized.ok) throw new Error(JSON.stringify(normalized.issues));
    const { key, cost } = pricer.price(normalized.usage);
    expect(key.family).toBe('text-embedding-ada-002');
    // embedding-ada-glbl: 5 × 0.0001/1K = 0.0000005
    expect(priced(cost)).toEqual({
      costNanos: 500,
      prices: [
        {
          kind: 'input',
          meterId: '3121f456-a4ef-5c7f-b3a3-10237e873283',
          meterName: 'embedding-ada-glbl Tokens',
          unitPrice: '0.0001',
          unitSize: 1000,
          effectiveStartDate: '2024-06-01T00:00:00.000Z',
        },
      ],
    });
    // text-embedding-3-large: 1,000,000 × 0.00013/1K = 0.13
    const large = pricer.price(
      usage({ model: 'text-embedding-3-large', operation: 'embeddings', promptTokens: 1_000_000 }),
    );
    expect(priced(large.cost).costNanos).toBe(130_000_000);
  });

  it('cached tokens are priced at the input price when the model has no cached meter', () => {
    // gpt-4o 0806 regional eastus2 has an input meter only; 1000 prompt of which 600 cached, all at 0.00275/1K.
    const { cost } = pricer.price(
      usage({ region: 'eastus2', deploymentType: 'regional', promptTokens: 1000, cachedTokens: 600 }),
    );
    expect(priced(cost).costNanos).toBe(2_750_000);
    expect(priced(cost).prices.map((p) => p.kind)).toEqual(['input']);
  });
});

describe('trap meters are never chosen, though cheaper', () => {
  it('batch meters: gpt-4o-mini batch is half price; the standard meters are used', () => {
    const { cost } = createPricer(book, SETTINGS).price(
      usage({
        model: 'gpt-4o-mini-2024-07-18',
        promptTokens: 10_000,
        cachedTokens: 2_000,
        completionTokens: 1_000,
      }),
    );
    const result = priced(cost);
    expect(result.prices.map((p) => p.meterId)).toEqual([
      '932a4ba7-9944-5dd6-a3ef-f8e18f36eeae', // gpt-4o-mini-0718-Inp-glbl 0.00015, not Batch 7.5e-05
      '7683c9bf-0112-59d3-8667-5d4460aa47b9', // cached Inp glbl 0.000075
      '8a5a8abb-6dbf-530a-9f40-7b17658df0f2', // Outp-glbl 0.0006, not Batch 0.0003
    ]);
    // 8000 × 0.00015/1K + 2000 × 0.000075/1K + 1000 × 0.0006/1K = 0.0012 + 0.00015 + 0.0006
    expect(result.costNanos).toBe(1_950_000);
  });

  it('fine-tune, developer fine-tune, grader and batch meters of gpt-4.1 are never picked', () => {
    const result = priced(
      createPricer(book, SETTINGS).price(usage({ model: 'gpt-4.1-2025-04-14', promptTokens: 1000 })).cost,
    );
    // Not `gpt 4.1 Batch Inp glbl` (0.001), `gpt-4.1-ft input global`, `gpt-4.1-dev-ft inpt glbl` or the grader.
    expect(result.prices.map((p) => p.meterId)).toEqual(['b002db8d-b0c5-5ff8-b1fc-b53d3ad3cf56']);
    expect(result.costNanos).toBe(2_000_000);
  });

  it('priority processing (`pp`) meters are never picked, even in the event’s own region', () => {
    // The real `5 pp cd inp Gl 1M` and `4.1 pp cd inp Gl` items, re-labelled to eastus only.
    const pp = snapshot
      .filter((item) => / pp /.test(item.meterName))
      .map((item) => ({ ...item, armRegionName: 'eastus' }));
    expect(pp).toHaveLength(2);
    const withTraps = createPricer(bookOf([...eastusCatalog, ...pp]), SETTINGS);
    const { cost } = withTraps.price(
      usage({ model: 'gpt-5-2025-08-07', promptTokens: 1000, cachedTokens: 1000 }),
    );
    // All 1000 cached: GPT 5 Rsng cchd Inpt Glbl 1M at 0.125/1M, not `5 pp cd inp Gl 1M` (0.25/1M).
    expect(priced(cost).prices.map((p) => p.meterName)).toEqual([
      'GPT 5 Rsng Inpt Glbl 1M Tokens',
      'GPT 5 Rsng cchd Inpt Glbl 1M Tokens',
    ]);
    expect(priced(cost).costNanos).toBe(125_000);
    // In japaneast, where only the pp meter exists, gpt-4.1 is simply unpriced.
    expect(
      unpricedReason(
        createPricer(book, SETTINGS).price(usage({ model: 'gpt-4.1', region: 'japaneast', promptTokens: 1 }))
          .cost,
      ),
    ).toBe('no meter for gpt-4.1 (no version) global japaneast');
  });

  it('across the whole 2025-08 eastus catalog, standard requests use only standard meters', () => {
    const pricer = createPricer(bookOf(eastusCatalog), SETTINGS);
    const trap =
      /batch|\bpp\b|prty|priority|-ft\b|\bft\b|grader|grdr|training|provisioned|longco|realtime|aud/i;
    const cases: [model: string, type: 'global' | 'datazone', ids: string[], nanos: number][] = [
      // 1000 in (500 cached) + 1000 out per model; prices per 1M for GPT-5, per 1K otherwise.
      // gpt-5-nano global: 500 × 0.05/1M + 500 × 0.005/1M + 1000 × 0.4/1M = 0.000025 + 0.0000025 + 0.0004
      [
        'gpt-5-nano-2025-08-07',
        'global',
        [
          '65eb1f70-a254-5721-81b9-1bada097390e',
          '3ca2927d-5610-5b20-8cb2-df7e74adbfb3',
          '797b54ba-697f-5738-b48c-f902a5e2b169',
        ],
        427_500,
      ],
      // gpt-5-mini datazone: 500 × 0.275/1M + 500 × 0.0275/1M + 1000 × 2.2/1M = 0.0001375 + 0.00001375 + 0.0022
      [
        'gpt-5-mini-2025-08-07',
        'datazone',
        [
          'ea4b208a-5d96-5cbf-a84e-5e3d6d7bb7ee',
          'e3208430-4696-5c17-825d-62850c2a0da4',
          'cec087c2-58f0-508f-8d84-f03a57a296fd',
        ],
        2_351_250,
      ],
      // gpt-5 global: 500 × 1.25/1M + 500 × 0.125/1M + 1000 × 10/1M = 0.000625 + 0.0000625 + 0.01
      [
        'gpt-5-2025-08-07',
        'global',
        [
          'e7222fd0-96a7-575a-8bb8-10741a7046e3',
          'aea13c52-6966-5c5e-bead-57166b28f04e',
          'a67b1761-54c8-51ba-907f-97f1eee13372',
        ],
        10_687_500,
      ],
      // gpt-4o-mini datazone: 500 × 0.000165/1K + 500 × 0.000083/1K + 1000 × 0.00066/1K = 0.0000825 + 0.0000415 + 0.00066
      [
        'gpt-4o-mini-2024-07-18',
        'datazone',
        [
          '6bc1384f-ee7d-52b5-b3e0-3a779b91ba34',
          '94263364-899a-5267-a540-c24b1c631477',
          '33930bd4-923e-5431-bd42-be3584b6c8ed',
        ],
        784_000,
      ],
    ];
    for (const [model, deploymentType, ids, nanos] of cases) {
      const result = priced(
        pricer.price(
          usage({ model, deploymentType, promptTokens: 1000, cachedTokens: 500, completionTokens: 1000 }),
        ).cost,
      );
      expect(
        result.prices.map((p) => p.meterId),
        model,
      ).toEqual(ids);
      expect(result.costNanos, model).toBe(nanos);
    }
    for (const model of [
      'o1-2024-12-17',
      'o3-mini-2025-01-31',
      'o4-mini-2025-04-16',
      'gpt-4.1-nano-2025-04-14',
      'gpt-4o-2024-11-20',
      'o3-2025-04-16',
    ]) {
      const { cost } = pricer.price(
        usage({ model, promptTokens: 1000, cachedTokens: 10, completionTokens: 10 }),
      );
      for (const price of priced(cost).prices) expect(price.meterName, model).not.toMatch(trap);
    }
  });
});

describe('meters that differ only by context size', () => {
  it('are ambiguous, not picked by catalog order (gpt-35-turbo 4k vs 16k, gpt-4 8K vs 32K)', () => {
    const pricer = createPricer(bookOf(eastusCatalog), SETTINGS);
    const turbo = pricer.price(
      usage({
        model: 'gpt-35-turbo-16k',
        deploymentType: 'regional',
        promptTokens: 1000,
        eventTime: '2025-06-01T00:00:00.000Z',
      }),
    );
    expect(unpricedReason(turbo.cost)).toMatch(
      /^ambiguous meter for gpt-35-turbo \(versionless\) input regional eastus: /,
    );
    expect(unpricedReason(turbo.cost)).toContain('gpt-35-turbo-16k-Input-regional Tokens (0.003)');
    expect(unpricedReason(turbo.cost)).toContain('gpt-35-turbo-4k-Input-regional Tokens (0.0015)');
    const gpt4 = pricer.price(
      usage({ model: 'gpt-4-32k-0613', deploymentType: 'regional', promptTokens: 1000 }),
    );
    expect(unpricedReason(gpt4.cost)).toContain(
      'ambiguous meter for gpt-4 (versionless) input regional eastus',
    );
    // The dated 16K-0125 meter is exact and still priced: 1000 × 0.0005/1K.
    const dated = pricer.price(
      usage({
        model: 'gpt-35-turbo-0125',
        deploymentType: 'regional',
        promptTokens: 1000,
        eventTime: '2025-06-01T00:00:00.000Z',
      }),
    );
    expect(priced(dated.cost).costNanos).toBe(500_000);
  });

  it('two meter ids with the same key, start and price are not ambiguous', () => {
    const input = snapshotItem(GPT4O_IN.id, GPT4O_IN.name);
    const twin = {
      ...input,
      meterId: '00000000-0000-4000-8000-000000000001',
      productName: 'Azure OpenAI GPT4o',
    };
    const { cost } = createPricer(bookOf([...snapshot, twin]), SETTINGS).price(usage({ promptTokens: 1000 }));
    expect(priced(cost).costNanos).toBe(2_500_000);
  });
});

describe('PRICE_OVERRIDES on the applied prices', () => {
  const event = usage({ promptTokens: 1566, cachedTokens: 1408, completionTokens: 86 });
  const priceWith = (overrides: PriceOverrides, u: NormalizedUsage = event) =>
    priced(createPricer(book, { ...SETTINGS, overrides }).price(u).cost);

  it('a meter replacement sets that meter’s price and says so', () => {
    const result = priceWith({ meters: { [GPT4O_IN.id]: 0.002 } });
    expect(result.prices[0]).toEqual({
      kind: 'input',
      meterId: GPT4O_IN.id,
      meterName: GPT4O_IN.name,
      unitPrice: '0.002',
      unitSize: 1000,
      effectiveStartDate: '2024-08-01T00:00:00.000Z',
      override: 'meter 0.002',
    });
    expect(result.prices[1]).not.toHaveProperty('override');
    expect(result.prices[2]).not.toHaveProperty('override');
    // 158 × 0.002/1K + 1408 × 0.00125/1K + 86 × 0.01/1K = 0.000316 + 0.00176 + 0.00086
    expect(result.costNanos).toBe(2_936_000);
  });

  it('a model discount applies to that family only', () => {
    const result = priceWith({ discountPercentByModel: { 'gpt-4o': 12.5 } });
    expect(result.prices.map((p) => [p.unitPrice, p.override])).toEqual([
      ['0.0021875', 'gpt-4o -12.5%'], // 0.0025 × 0.875
      ['0.00109375', 'gpt-4o -12.5%'], // 0.00125 × 0.875
      ['0.00875', 'gpt-4o -12.5%'], // 0.01 × 0.875
    ]);
    // 0.003015 × 0.875 = 0.002638125
    expect(result.costNanos).toBe(2_638_125);
    // gpt-4o-mini is another family.
    const mini = priceWith(
      { discountPercentByModel: { 'gpt-4o': 12.5 } },
      usage({ model: 'gpt-4o-mini-2024-07-18', promptTokens: 1000 }),
    );
    expect(mini.prices[0]).not.toHaveProperty('override');
    expect(mini.costNanos).toBe(150_000);
  });

  it('an overall discount applies to everything else', () => {
    const result = priceWith(
      { discountPercent: 10 },
      usage({ model: 'gpt-4o-mini-2024-07-18', promptTokens: 1000, completionTokens: 500 }),
    );
    expect(result.prices.map((p) => [p.unitPrice, p.override])).toEqual([
      ['0.000135', 'all -10%'], // 0.00015 × 0.9
      ['0.00054', 'all -10%'], // 0.0006 × 0.9
    ]);
    // 1000 × 0.000135/1K + 500 × 0.00054/1K = 0.000135 + 0.00027
    expect(result.costNanos).toBe(405_000);
  });

  it('precedence: meter replacement, then model discount, then overall; never stacked', () => {
    const overrides: PriceOverrides = {
      meters: { [GPT4O_IN.id]: 0.002 },
      discountPercentByModel: { 'gpt-4o': 12.5 },
      discountPercent: 10,
    };
    const result = priceWith(overrides);
    expect(result.prices.map((p) => [p.kind, p.unitPrice, p.override])).toEqual([
      ['input', '0.002', 'meter 0.002'],
      ['cachedInput', '0.00109375', 'gpt-4o -12.5%'],
      ['output', '0.00875', 'gpt-4o -12.5%'],
    ]);
    // 158 × 0.002/1K + 1408 × 0.00109375/1K + 86 × 0.00875/1K = 0.000316 + 0.00154 + 0.0007525 = 0.0026085
    expect(result.costNanos).toBe(2_608_500);
    expect(result.costNanos).toBe(
      refNanos([
        [158, '0.002', 1000],
        [1408, '0.00109375', 1000],
        [86, '0.00875', 1000],
      ]),
    );
    const other = priceWith(overrides, usage({ model: 'o3-mini-2025-01-31', promptTokens: 1000 }));
    expect(other.prices[0]).toMatchObject({ unitPrice: '0.00099', override: 'all -10%' }); // 0.0011 × 0.9
  });

  it('a replacement of a 1M meter is per 1M tokens', () => {
    const result = priceWith(
      { meters: { '6d4c4956-4f18-535d-a63a-d56d74b1327b': 0.2 } },
      usage({ model: 'gpt-5-mini-2025-08-07', promptTokens: 1000 }),
    );
    expect(result.prices[0]).toMatchObject({ unitPrice: '0.2', unitSize: 1000000, override: 'meter 0.2' });
    expect(result.costNanos).toBe(200_000); // 1000 × 0.2/1M
  });

  it('applies to the price in force: a discount follows a mid-period change', () => {
    const original = snapshotItem(GPT4O_IN.id, GPT4O_IN.name);
    const change = {
      ...original,
      retailPrice: 0.002,
      unitPrice: 0.002,
      effectiveStartDate: '2025-10-01T00:00:00Z',
    };
    const pricer = createPricer(bookOf([...snapshot, change]), {
      ...SETTINGS,
      overrides: { discountPercent: 10 },
    });
    const cost = (eventTime: string) => priced(pricer.price(usage({ eventTime, promptTokens: 1000 })).cost);
    expect(cost('2025-09-30T23:59:59.999Z').costNanos).toBe(2_250_000); // 0.0025 × 0.9
    expect(cost('2025-10-01T00:00:00.000Z').costNanos).toBe(1_800_000); // 0.002 × 0.9
  });
});

function v2Event(model: string, usageBody: unknown, operation = 'chat.completion'): Record<string, unknown> {
  return {
    schema: 'aoai-usage/2',
    requestId: '0c3f5d2e-7a41-4b8e-9d62-5e1f0a9b7c34',
    eventTime: '2025-09-01T08:15:42.317Z',
    appId: '5f8d2c1a-9b3e-4d7f-a6c2-1e0b9d8f7a65',
    deployment: 'any-deployment',
    deploymentType: 'GlobalStandard',
    region: 'eastus',
    operation,
    model,
    usage: usageBody,
  };
}
