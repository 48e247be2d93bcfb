import { describe, expect, it } from 'vitest';

import type { CostResult } from '../../../shared/cost/types.js';
import { toAtto } from '../../../shared/cost/money.js';
import type { NormalizedUsage } from '../../../shared/events/types.js';
import { PriceBook } from '../../../shared/pricing/priceBook.js';
import { toPriceDocs, toPriceRows } from '../../../shared/pricing/priceRows.js';
import { createPricer, type PricerSettings } from '../../../shared/pricing/pricer.js';
import type { RetailPriceItem } from '../../../shared/pricing/types.js';
import { partnerItem, partnerItems } from '../../helpers/partnerMeters.js';
import { reason as reasonOf } from '../../helpers/costResults.js';
import { testUsage } from '../../helpers/usage.js';

// Requests to other publishers' models, priced with the real items of
// test/fixtures/api-shapes/retail_foundry_partner_models_items_2025-2026.json. That file is a selection:
// where a test says a meter is missing, it is missing from the book the test builds, and the reason
// must say so; it is not a claim about the live catalog.

const SETTINGS: PricerSettings = {
  currency: 'USD',
  deployments: {},
  defaultRegion: 'eastus',
  defaultDeploymentType: 'global',
  overrides: undefined,
};

function bookOf(items: readonly RetailPriceItem[]): PriceBook {
  const { docs } = toPriceDocs(items, 'USD', '2026-08-01T00:00:00.000Z');
  return new PriceBook(toPriceRows(docs), 'USD', '2026-08-01T00:00:00.000Z');
}

const book = bookOf(partnerItems());

/** After every fixture item's effectiveStartDate (the latest is 2026-07-01). */
const AT = '2026-08-01T00:00:00.000Z';

function request(fields: Partial<NormalizedUsage>): CostResult {
  return createPricer(book, SETTINGS).price(testUsage({ eventTime: AT, deploymentType: 'global', ...fields }))
    .cost;
}

/**
 * The cost by hand, in exact integers: Σ tokens × price (atto-units per `unit` tokens) ÷ unit, in
 * nano-units (1 nano = 10⁹ atto). Every case is chosen to come out whole, so nothing is rounded.
 */
function handNanos(lines: readonly (readonly [tokens: bigint, atto: bigint, unit: bigint])[]): number {
  let attoTotal = 0n;
  for (const [tokens, atto, unit] of lines) {
    expect((tokens * atto) % unit).toBe(0n);
    attoTotal += (tokens * atto) / unit;
  }
  expect(attoTotal % 1_000_000_000n).toBe(0n);
  return Number(attoTotal / 1_000_000_000n);
}

function pricedNanos(cost: CostResult): number {
  if (cost.status !== 'priced') throw new Error(`expected priced, got ${JSON.stringify(cost)}`);
  return cost.costNanos;
}

describe('a model of another publisher with one meter per kind is priced with them', () => {
  it('DeepSeek-R1, global, francecentral: R1 Inp glbl and R1 Outp glbl', () => {
    const input = partnerItem('R1 Inp glbl Tokens', 'francecentral');
    const output = partnerItem('R1 Outp glbl Tokens', 'francecentral');
    // The fixture's prices, as atto-units: 0.00135 and 0.0054 per 1K tokens.
    expect(toAtto(input.retailPrice)).toBe(1_350_000_000_000_000n);
    expect(toAtto(output.retailPrice)).toBe(5_400_000_000_000_000n);
    const cost = request({
      model: 'DeepSeek-R1',
      region: 'francecentral',
      promptTokens: 1234,
      completionTokens: 5000,
    });
    // 1234 × 0.00135 / 1K + 5000 × 0.0054 / 1K = 0.0016659 + 0.027 = 0.0286659
    const expected = handNanos([
      [1234n, 1_350_000_000_000_000n, 1000n],
      [5000n, 5_400_000_000_000_000n, 1000n],
    ]);
    expect(expected).toBe(28_665_900);
    expect(pricedNanos(cost)).toBe(expected);
    if (cost.status !== 'priced') return;
    expect(cost.priceSet.prices.map((p) => [p.kind, p.meterId])).toEqual([
      ['input', input.meterId],
      ['output', output.meterId],
    ]);
  });

  it('Phi-4-mini, any deployment type, eastus: meters that name no type price every type', () => {
    const input = partnerItem('Phi-4-Mini-Input Tokens', 'eastus');
    const output = partnerItem('Phi-4-Mini-Output Tokens', 'eastus');
    // The fixture's prices, as atto-units: 7.5e-05 and 0.0003 per 1K tokens.
    expect(toAtto(input.retailPrice)).toBe(75_000_000_000_000n);
    expect(toAtto(output.retailPrice)).toBe(300_000_000_000_000n);
    // 2000 × 0.000075 / 1K + 400 × 0.0003 / 1K = 0.00015 + 0.00012 = 0.00027
    const expected = handNanos([
      [2000n, 75_000_000_000_000n, 1000n],
      [400n, 300_000_000_000_000n, 1000n],
    ]);
    expect(expected).toBe(270_000);
    for (const deploymentType of ['global', 'datazone', 'regional'] as const) {
      const cost = request({
        model: 'Phi-4-mini-instruct',
        region: 'eastus',
        deploymentType,
        promptTokens: 2000,
        completionTokens: 400,
      });
      expect(pricedNanos(cost)).toBe(expected);
      if (cost.status === 'priced')
        expect(cost.priceSet.prices.map((p) => p.meterId)).toEqual([input.meterId, output.meterId]);
    }
  });

  it('a meter naming the type makes an untyped one of the same model ambiguous for that type only', () => {
    // Constructed: a global Phi-4-mini input meter beside the real untyped one (same region).
    const typed = {
      ...partnerItem('Phi-4-Mini-Input Tokens', 'eastus'),
      meterId: 'test-phi-4-mini-input-glbl',
      meterName: 'Phi-4-Mini Inp glbl Tokens',
    };
    const pricer = createPricer(bookOf([...partnerItems(), typed]), SETTINGS);
    const price = (deploymentType: 'global' | 'regional') =>
      pricer.price(
        testUsage({
          eventTime: AT,
          model: 'Phi-4-mini-instruct',
          region: 'eastus',
          deploymentType,
          promptTokens: 10,
        }),
      ).cost;
    expect(reasonOf(price('global'))).toMatch(
      /^ambiguous: 2 meters in force for phi-4-mini \(versionless\) input global eastus/,
    );
    expect(price('regional').status).toBe('priced');
  });

  it('bills cached tokens at the input price when the family has no cached meter (DeepSeek has none)', () => {
    const cost = request({
      model: 'DeepSeek-R1',
      region: 'francecentral',
      promptTokens: 2000,
      cachedTokens: 1000,
      completionTokens: 0,
    });
    expect(pricedNanos(cost)).toBe(handNanos([[2000n, 1_350_000_000_000_000n, 1000n]]));
  });

  it.each([
    // model logged, region, deployment type, [input meter, output meter], prices as atto per 1K
    [
      'Llama-3.3-70B-Instruct',
      'uaenorth',
      'Llama 3.3 70B Inp glbl Tokens',
      'Llama 3.3 70B Outp glbl Tokens',
      710_000_000_000_000n,
      710_000_000_000_000n,
    ],
    [
      'grok-4',
      'japanwest',
      'Grok-4 Inp glbl Tokens',
      'Grok-4 Outp glbl Tokens',
      3_000_000_000_000_000n,
      15_000_000_000_000_000n,
    ],
    [
      'Kimi-K2.5-Thinking',
      'westus2',
      'K2.5 Thinking Inp glbl Tokens',
      'K2.5 Thinking Outp glbl Tokens',
      600_000_000_000_000n,
      3_000_000_000_000_000n,
    ],
    [
      'cohere-command-a',
      'koreacentral',
      'Command A Inp Glbl Tokens',
      'Command A Outp Glbl Tokens',
      2_500_000_000_000_000n,
      10_000_000_000_000_000n,
    ],
  ] as const)('%s in %s', (model, region, inputName, outputName, inputAtto, outputAtto) => {
    expect(toAtto(partnerItem(inputName, region).retailPrice)).toBe(inputAtto);
    expect(toAtto(partnerItem(outputName, region).retailPrice)).toBe(outputAtto);
    const cost = request({ model, region, promptTokens: 3000, completionTokens: 1000 });
    expect(pricedNanos(cost)).toBe(
      handNanos([
        [3000n, inputAtto, 1000n],
        [1000n, outputAtto, 1000n],
      ]),
    );
  });

  it('prices a per-1M meter per million tokens (Command A Plus Inp DZ 1M, 0.88)', () => {
    const item = partnerItem('Command A Plus Inp DZ 1M Tokens', 'spaincentral');
    expect(item.unitOfMeasure).toBe('1M');
    const cost = request({
      model: 'cohere-command-a-plus',
      region: 'spaincentral',
      deploymentType: 'datazone',
      promptTokens: 2_500,
    });
    expect(pricedNanos(cost)).toBe(handNanos([[2_500n, 880_000_000_000_000_000n, 1_000_000n]]));
  });

  it('prices a dated DeepSeek-R1 release with the R1 meters when the book has no dated R1 meter', () => {
    const cost = request({
      model: 'DeepSeek-R1-0528',
      region: 'francecentral',
      promptTokens: 1000,
      completionTokens: 1000,
    });
    expect(pricedNanos(cost)).toBe(
      handNanos([
        [1000n, 1_350_000_000_000_000n, 1000n],
        [1000n, 5_400_000_000_000_000n, 1000n],
      ]),
    );
  });
});

describe('otherwise the request is unpriced, and the reason names the model and what is missing', () => {
  it('names the missing kind: eastus has R1 Inp glbl but (in this book) no R1 Outp glbl', () => {
    const cost = request({ model: 'DeepSeek-R1', region: 'eastus', promptTokens: 100, completionTokens: 10 });
    expect(reasonOf(cost)).toBe('no deepseek-r1 (versionless) output global eastus meter');
  });

  it('names the missing kind of an input-only Mistral meter (Codestral Inp DZone)', () => {
    const cost = request({
      model: 'codestral',
      region: 'belgiumcentral',
      deploymentType: 'datazone',
      promptTokens: 100,
      completionTokens: 10,
    });
    expect(reasonOf(cost)).toBe('no codestral (versionless) output datazone belgiumcentral meter');
  });

  it('is ambiguous when two meters of the key are in force, even at the same price', () => {
    // Constructed: a second, otherwise identical R1 input meter under another meterId (the real catalog
    // has one per region); the same price would not change the cost, yet which meter applies is unknown.
    const twin = { ...partnerItem('R1 Inp glbl Tokens', 'francecentral'), meterId: 'test-second-r1-input' };
    const pricer = createPricer(bookOf([...partnerItems(), twin]), SETTINGS);
    const { cost } = pricer.price(
      testUsage({
        eventTime: AT,
        model: 'DeepSeek-R1',
        region: 'francecentral',
        deploymentType: 'global',
        promptTokens: 10,
      }),
    );
    expect(reasonOf(cost)).toBe(
      'ambiguous: 2 meters in force for deepseek-r1 (versionless) input global francecentral: ' +
        'R1 Inp glbl Tokens 177e86b6-7881-5bd7-8c88-f9d9d30f9fbc (0.00135), ' +
        'R1 Inp glbl Tokens test-second-r1-input (0.00135)',
    );
  });

  it('does not take a versionless meter for a dated model when its family has other dated meters', () => {
    // Constructed around real names and prices (retail_foundry_partner_models_names_2025-2026_derived.json,
    // 2026-05 and 2026-08): `V4 Flash Inp glbl` 0.00019 and `V4 Flash 0731 Inp glbl` 0.00044; meter ids
    // and region are the test's own.
    const flash = (meterName: string, retailPrice: number, meterId: string): RetailPriceItem => ({
      ...partnerItem('R1 Inp glbl Tokens', 'francecentral'),
      meterName,
      retailPrice,
      meterId,
    });
    const pricer = createPricer(
      bookOf([
        flash('V4 Flash Inp glbl Tokens', 0.00019, 'test-flash'),
        flash('V4 Flash 0731 Inp glbl Tokens', 0.00044, 'test-flash-0731'),
      ]),
      SETTINGS,
    );
    const price = (model: string) =>
      pricer.price(
        testUsage({
          eventTime: AT,
          model,
          region: 'francecentral',
          deploymentType: 'global',
          promptTokens: 1000,
        }),
      ).cost;
    expect(pricedNanos(price('DeepSeek-V4-Flash'))).toBe(handNanos([[1000n, 190_000_000_000_000n, 1000n]]));
    expect(pricedNanos(price('DeepSeek-V4-Flash-0731'))).toBe(
      handNanos([[1000n, 440_000_000_000_000n, 1000n]]),
    );
    expect(reasonOf(price('DeepSeek-V4-Flash-0901'))).toBe(
      'no meter for deepseek-v4-flash 0901 global francecentral (book has (versionless), 0731)',
    );
  });

  it('never prices one model with another model’s or publisher’s meter', () => {
    // uksouth has Grok and Llama meters, but no DeepSeek one
    expect(reasonOf(request({ model: 'DeepSeek-R1', region: 'uksouth', promptTokens: 10 }))).toBe(
      'no meter for deepseek-r1 (no version) global uksouth',
    );
    // Microsoft's MAI-DS-R1 is sold under the DeepSeek product, but is not R1
    expect(reasonOf(request({ model: 'MAI-DS-R1', region: 'francecentral', promptTokens: 10 }))).toBe(
      'no meter for mai-ds-r1 (no version) global francecentral',
    );
    // grok-3 is not grok-4, and Mistral Large 2411 has no meter in Retail Prices
    expect(reasonOf(request({ model: 'grok-3', region: 'japanwest', promptTokens: 10 }))).toBe(
      'no meter for grok-3 (no version) global japanwest',
    );
    expect(reasonOf(request({ model: 'Mistral-Large-2411', region: 'eastus', promptTokens: 10 }))).toBe(
      'no meter for mistral-large-2411 (no version) global eastus',
    );
  });

  it('prices a logged name that matches no meter once DEPLOYMENTS maps it to a family', () => {
    // Constructed around a real name and price (names fixture, 2025-11): `Grok4 Fast Inp glbl` 0.0002;
    // meter id and region are the test's own. Azure logs grok-4-fast-reasoning, the meter says Grok4 Fast.
    const grok4Fast = {
      ...partnerItem('Grok-4 Inp glbl Tokens', 'japanwest'),
      meterName: 'Grok4 Fast Inp glbl Tokens',
      retailPrice: 0.0002,
      meterId: 'test-grok4-fast',
    };
    const usage = testUsage({
      eventTime: AT,
      model: 'grok-4-fast-reasoning',
      region: 'japanwest',
      deploymentType: 'global',
      promptTokens: 5000,
    });
    const fastBook = bookOf([grok4Fast]);
    expect(reasonOf(createPricer(fastBook, SETTINGS).price(usage).cost)).toBe(
      'no meter for grok-4-fast-reasoning (no version) global japanwest',
    );
    const mapped = createPricer(fastBook, {
      ...SETTINGS,
      deployments: { 'grok-4-fast-reasoning': { model: 'grok-4-fast' } },
    });
    expect(pricedNanos(mapped.price(usage).cost)).toBe(handNanos([[5000n, 200_000_000_000_000n, 1000n]]));
  });

  it('prices a fine-tuned model only with fine-tuned meters, and the base model never with them', () => {
    // switzerlandnorth, data zone: `Llama 3.3 70B Outp Dzone` (base) and `3.3 70b Inp FT DZ` (fine-tuned)
    const at = {
      region: 'switzerlandnorth',
      deploymentType: 'datazone',
      promptTokens: 100,
      completionTokens: 10,
    } as const;
    expect(reasonOf(request({ model: 'Llama-3.3-70B-Instruct', ...at }))).toBe(
      'no meter for llama-3.3-70b (no version) datazone switzerlandnorth',
    );
    expect(
      reasonOf(request({ model: 'Llama-3.3-70B-Instruct.ft-0e208ab7e17a4f6b8e6f4a4e16bbd2b0', ...at })),
    ).toBe('no llama-3.3-70b-ft (versionless) output datazone switzerlandnorth meter');
  });
});
