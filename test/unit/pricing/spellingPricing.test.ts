import { describe, expect, it } from 'vitest';

import type { NormalizedUsage } from '../../../shared/events/types.js';
import type { MeterFields } from '../../../shared/pricing/meterName.js';
import { PriceBook } from '../../../shared/pricing/priceBook.js';
import { toPriceDocs, toPriceRows } from '../../../shared/pricing/priceRows.js';
import { createPricer, type PricerSettings } from '../../../shared/pricing/pricer.js';
import type { RetailPriceItem } from '../../../shared/pricing/types.js';
import { readApiShape } from '../../helpers/apiShapes.js';
import { priced, reason } from '../../helpers/costResults.js';
import { testUsage } from '../../helpers/usage.js';

// Requests of the families whose meters are spelt unlike the eastus catalog, priced from the real
// names and prices of retail_aoai_meter_spellings_2024-2025_derived.json. Those lines carry no region,
// meter id or start date: every meter is put in one region (`westeurope`, a label), given an id of its
// own and the capture's month as effectiveStartDate. Each expected cost is worked out beside it.

const fixture = readApiShape('retail_aoai_meter_spellings_2024-2025_derived.json') as {
  sources: { path: string; items: (MeterFields & { unitPrice: number })[] }[];
};
const REGION = 'westeurope';
const items: RetailPriceItem[] = fixture.sources.flatMap((source) =>
  source.items.map((item, i) => ({
    ...item,
    retailPrice: item.unitPrice,
    armRegionName: REGION,
    meterId: `${source.path}#${String(i)}`,
    effectiveStartDate: `${source.path.slice('monthly/partial/'.length, -'.ndjson'.length)}T00:00:00Z`,
    type: 'Consumption',
    currencyCode: 'USD',
  })),
);

const SEEN = '2026-01-01T00:00:00.000Z';
const { docs } = toPriceDocs(items, 'USD', SEEN);
const SETTINGS: PricerSettings = {
  currency: 'USD',
  deployments: {},
  defaultRegion: REGION,
  defaultDeploymentType: 'global',
  overrides: undefined,
};
const pricer = createPricer(new PriceBook(toPriceRows(docs), 'USD', SEEN), SETTINGS);

/** After every capture's start date. */
const LATER = '2026-01-15T12:00:00.000Z';
const usageOf = (fields: Partial<NormalizedUsage>) =>
  testUsage({ eventTime: LATER, region: REGION, deploymentType: 'global', ...fields });

describe('fine-tuned models at the -FT- meters', () => {
  it('gpt-4o-mini fine-tuned: input, cached input and output at its base version', () => {
    const usage = usageOf({
      model: 'gpt-4o-mini-2024-07-18.ft-0e208ab7e17a4f6b8e6f4a4e16bbd2b0',
      promptTokens: 3000,
      cachedTokens: 1152,
      completionTokens: 400,
    });
    const { key, cost } = pricer.price(usage);
    expect(key).toMatchObject({ family: 'gpt-4o-mini-ft', version: '0718' });
    const result = priced(cost);
    // 1848 × 0.00015 + 1152 × 0.000075 + 400 × 0.0006, per 1K
    // = 0.0002772 + 0.0000864 + 0.00024 = 0.0006036
    expect(result.costNanos).toBe(603_600);
    expect(result.lines).toEqual([
      'input gpt-4o-mini-0718-FT-inp-glbl Tokens 0.00015/1000',
      'cachedInput gpt-4o-mini-0718-cached-FT-inp-glbl Tokens 0.000075/1000',
      'output gpt-4o-mini-0718-FT-Outp-glbl Tokens 0.0006/1000',
    ]);
  });

  it('gpt-4o fine-tuned in a regional deployment', () => {
    const usage = usageOf({
      model: 'gpt-4o-2024-08-06.ft-1b2c3d4e5f60718293a4b5c6d7e8f901',
      deploymentType: 'regional',
      promptTokens: 1200,
      completionTokens: 300,
    });
    const result = priced(pricer.price(usage).cost);
    // 1200 × 0.00275 + 300 × 0.011, per 1K = 0.0033 + 0.0033 = 0.0066
    expect(result.costNanos).toBe(6_600_000);
    expect(result.lines).toEqual([
      'input gpt-4o-0806-FT-inp-regnl Tokens 0.00275/1000',
      'output gpt-4o-0806-FT-outp-regnl Tokens 0.011/1000',
    ]);
  });

  it('the base model never takes a fine-tuned meter', () => {
    const usage = usageOf({ model: 'gpt-4o-mini-2024-07-18', promptTokens: 10, completionTokens: 5 });
    expect(reason(pricer.price(usage).cost)).toBe(`no meter for gpt-4o-mini 0718 global ${REGION}`);
  });
});

describe('1M-unit media meters of the 2025-12-15 models', () => {
  const transcription = (model: string) =>
    usageOf({
      model,
      operation: 'transcriptions',
      promptTokens: 2000,
      completionTokens: 333,
      tokenKinds: { audioInput: 1975 },
    });
  // 25 × 1.25 + 333 × 5 + 1975 × 3, per 1M = 31.25 + 1665 + 5925 = 7621.25 per 1M = 0.00762125
  const TRANSCRIPTION_NANOS = 7_621_250;
  const TRANSCRIPTION_LINES = [
    'input gpt4o mn trscb txt in gl 1215 1M Tokens 1.25/1000000',
    'output gpt4o mn trscb txt out gl 1215 1M Tokens 5/1000000',
    'audioInput gpt4o mn trscb aud in gl 1215 1M Tokens 3/1000000',
  ];

  it('gpt-4o-mini-transcribe-2025-12-15: text in, text out, audio in', () => {
    const result = priced(pricer.price(transcription('gpt-4o-mini-transcribe-2025-12-15')).cost);
    expect(result.costNanos).toBe(TRANSCRIPTION_NANOS);
    expect(result.lines).toEqual(TRANSCRIPTION_LINES);
  });

  it('gpt-4o-mini-transcribe without a date, where 1215 is the only version of the region', () => {
    const result = priced(pricer.price(transcription('gpt-4o-mini-transcribe')).cost);
    expect(result.costNanos).toBe(TRANSCRIPTION_NANOS);
    expect(result.lines).toEqual(TRANSCRIPTION_LINES);
  });

  it('gpt-audio-mini-2025-12-15 chat: text and audio, in and out, at the dated 1M meters', () => {
    const usage = usageOf({
      model: 'gpt-audio-mini-2025-12-15',
      promptTokens: 640,
      completionTokens: 900,
      tokenKinds: { audioInput: 600, audioOutput: 850 },
    });
    const result = priced(pricer.price(usage).cost);
    // 40 × 0.6 + 50 × 2.4 + 600 × 10 + 850 × 20, per 1M = 24 + 120 + 6000 + 17000 = 23144 per 1M
    expect(result.costNanos).toBe(23_144_000);
    expect(result.lines).toEqual([
      'input gpt aud mn txt in gl 1215 1M Tokens 0.6/1000000',
      'output gpt aud mn txt out gl 1215 1M Tokens 2.4/1000000',
      'audioInput gpt aud mn in gl 1215 1M Tokens 10/1000000',
      'audioOutput gpt aud mn out gl 1215 1M Tokens 20/1000000',
    ]);
  });

  it('another gpt-audio-mini version takes the versionless `gpt aud mini` meters (1K)', () => {
    const usage = usageOf({
      model: 'gpt-audio-mini-2025-10-06',
      promptTokens: 640,
      completionTokens: 900,
      tokenKinds: { audioInput: 600, audioOutput: 850 },
    });
    const result = priced(pricer.price(usage).cost);
    // 40 × 0.0006 + 50 × 0.0024 + 600 × 0.01 + 850 × 0.02, per 1K = 0.000024 + 0.00012 + 0.006 + 0.017
    expect(result.costNanos).toBe(23_144_000);
    expect(result.lines).toEqual([
      'input gpt aud mini txt Inp glbl Tokens 0.0006/1000',
      'output gpt aud mini txt Outp glbl Tokens 0.0024/1000',
      'audioInput gpt aud mini Inp glbl Tokens 0.01/1000',
      'audioOutput gpt aud mini Outp glbl Tokens 0.02/1000',
    ]);
  });
});

describe('gpt-audio and the gpt img models', () => {
  it('gpt-audio-2025-08-28 chat at the gpt aud 0828 meters (GA, not a preview)', () => {
    const usage = usageOf({
      model: 'gpt-audio-2025-08-28',
      promptTokens: 1117,
      completionTokens: 530,
      tokenKinds: { audioInput: 1000, audioOutput: 480 },
    });
    const { key, cost } = pricer.price(usage);
    expect(key).toMatchObject({ family: 'gpt-audio', version: '0828' });
    const result = priced(cost);
    // 117 × 0.0025 + 50 × 0.01 + 1000 × 0.04 + 480 × 0.08, per 1K
    // = 0.0002925 + 0.0005 + 0.04 + 0.0384 = 0.0791925
    expect(result.costNanos).toBe(79_192_500);
    expect(result.lines).toEqual([
      'input gpt aud 0828 txt Inp glbl Tokens 0.0025/1000',
      'output gpt aud 0828 txt Outp glbl Tokens 0.01/1000',
      'audioInput gpt aud 0828 Inp glbl Tokens 0.04/1000',
      'audioOutput gpt aud 0828 Outp glbl Tokens 0.08/1000',
    ]);
  });

  it('gpt-image-1-mini generation: text and image input, image output', () => {
    const usage = usageOf({
      model: 'gpt-image-1-mini',
      operation: 'generations',
      promptTokens: 50,
      completionTokens: 272,
      tokenKinds: { imageInput: 40, imageOutput: 272 },
    });
    const result = priced(pricer.price(usage).cost);
    // 10 × 0.002 + 40 × 0.0025 + 272 × 0.008, per 1K = 0.00002 + 0.0001 + 0.002176 = 0.002296
    expect(result.costNanos).toBe(2_296_000);
    expect(result.lines).toEqual([
      'input gpt img 1 mini inp txt glbl Tokens 0.002/1000',
      'imageInput gpt img 1 mini inp img glbl Tokens 0.0025/1000',
      'imageOutput gpt img 1 mini out img glbl Tokens 0.008/1000',
    ]);
  });

  it('gpt-image-1.5 generation at its 1M meters', () => {
    const usage = usageOf({
      model: 'gpt-image-1.5',
      operation: 'generations',
      promptTokens: 50,
      completionTokens: 272,
      tokenKinds: { imageInput: 40, imageOutput: 272 },
    });
    const result = priced(pricer.price(usage).cost);
    // 10 × 5 + 40 × 8 + 272 × 32, per 1M = 50 + 320 + 8704 = 9074 per 1M = 0.009074
    expect(result.costNanos).toBe(9_074_000);
    expect(result.lines).toEqual([
      'input gpt img 1.5 in txt gl 1M Tokens 5/1000000',
      'imageInput gpt img 1.5 in img gl 1M Tokens 8/1000000',
      'imageOutput gpt img 1.5 out img gl 1M Tokens 32/1000000',
    ]);
  });
});

describe('cached input spelt ccchd', () => {
  it('gpt-5-codex cached tokens at the ccchd meter, not at the input price', () => {
    const usage = usageOf({
      model: 'gpt-5-codex',
      promptTokens: 2000,
      cachedTokens: 1500,
      completionTokens: 100,
    });
    const result = priced(pricer.price(usage).cost);
    // 500 × 0.00125 + 1500 × 0.000125 + 100 × 0.01, per 1K = 0.000625 + 0.0001875 + 0.001 = 0.0018125
    expect(result.costNanos).toBe(1_812_500);
    expect(result.lines).toEqual([
      'input gpt-5-codex-inp-glbl Tokens 0.00125/1000',
      'cachedInput gpt-5-codex-ccchd-inp-glbl Tokens 0.000125/1000',
      'output gpt-5-codex-out-glbl Tokens 0.01/1000',
    ]);
  });
});
