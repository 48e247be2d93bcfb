import { describe, expect, it } from 'vitest';

import { normalizeEvent } from '../../../shared/events/normalize.js';
import type { NormalizedUsage, TokenKinds } from '../../../shared/events/types.js';
import { usageFromRecord } from '../../../shared/pipeline/backfill/usageFromRecord.js';
import { buildRecord } from '../../../shared/pipeline/buildRecord.js';
import { PriceBook } from '../../../shared/pricing/priceBook.js';
import { toPriceDocs, toPriceRows } from '../../../shared/pricing/priceRows.js';
import { createPricer, KINDS_UNKNOWN, type PricerSettings } from '../../../shared/pricing/pricer.js';
import type { RetailPriceItem } from '../../../shared/pricing/types.js';
import { readApiShape } from '../../helpers/apiShapes.js';
import { priced, reason } from '../../helpers/costResults.js';
import { testUsage } from '../../helpers/usage.js';

// The real eastus catalog (2025-08); every price below is the catalog's, written out by hand, and each
// expected cost is worked out from them in the comment beside it.
const catalog = (
  readApiShape('retail_aoai_meter_catalog_eastus_2025-08_derived.json') as { items: RetailPriceItem[] }
).items.map((item) => ({ ...item, armRegionName: 'eastus', type: 'Consumption', currencyCode: 'USD' }));

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
const pricer = createPricer(bookOf(catalog), SETTINGS);

/** A v2 event around a usage object, normalized the way ingest does it. */
function normalized(usage: unknown, model: string, operation: string): NormalizedUsage {
  const result = normalizeEvent(
    {
      schema: 'aoai-usage/2',
      requestId: '0cb1e29c-658c-4a14-95e6-0af593bd04cf',
      eventTime: '2025-09-15T12:00:00.000Z',
      appId: '7d8a1c3e-2b4f-4e6a-9c1d-0f2e3a4b5c6d',
      deploymentType: 'global',
      region: 'eastus',
      operation,
      model,
      usage,
    },
    { kind: 'file', file: 'events.jsonl', line: 1 },
    new Date('2025-09-16T00:00:00.000Z'),
  );
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.usage;
}

/** The same around a real usage payload (test/fixtures/api-shapes). */
const eventUsage = (fixture: string, model: string, operation: string): NormalizedUsage =>
  normalized((readApiShape(fixture) as { usage: unknown }).usage, model, operation);

describe('each token kind at its own meter (real usage payloads, real catalog prices)', () => {
  it('audio chat: text and audio, in and out, each at its meter', () => {
    const usage = eventUsage(
      'oai_chat_usage_audio_fields_spec.json',
      'gpt-4o-audio-preview-2024-12-17',
      'chat.completion',
    );
    const result = priced(pricer.price(usage).cost);
    // 117 × 0.0025 + 50 × 0.01 + 1000 × 0.04 + 480 × 0.08, per 1K
    // = 0.0002925 + 0.0005 + 0.04 + 0.0384 = 0.0791925
    expect(result.costNanos).toBe(79_192_500);
    expect(result.lines).toEqual([
      'input gpt-4o-aud-1217-txt Inp glbl Tokens 0.0025/1000',
      'output gpt-4o-aud-1217-txt Outp glbl Tokens 0.01/1000',
      'audioInput gpt-4o-aud-1217 Inp glbl Tokens 0.04/1000',
      'audioOutput gpt-4o-aud-1217 Outp glbl Tokens 0.08/1000',
    ]);
  });

  it('transcription: audio input, no text input, text output', () => {
    const usage = eventUsage(
      'oai_transcription_gpt4o_transcribe_usage_api_reference.json',
      'gpt-4o-transcribe',
      'transcriptions',
    );
    const result = priced(pricer.price(usage).cost);
    // 0 × 0.0025 + 45 × 0.01 + 14 × 0.006, per 1K = 0.00045 + 0.000084 = 0.000534
    expect(result.costNanos).toBe(534_000);
    expect(result.lines).toEqual([
      'input gpt-4o-transcribe-txt-inp-glbl Tokens 0.0025/1000',
      'output gpt-4o-transcribe-txt-out-glbl Tokens 0.01/1000',
      'audioInput gpt-4o-transcribe-aud-inp-glbl Tokens 0.006/1000',
    ]);
  });

  it('gpt-image-1 generation: text and image input, image output', () => {
    const usage = eventUsage('oai_images_gpt_image_1_usage_api_reference.json', 'gpt-image-1', 'generations');
    const result = priced(pricer.price(usage).cost);
    // 10 × 0.005 + 40 × 0.01 + 50 × 0.04, per 1K = 0.00005 + 0.0004 + 0.002 = 0.00245
    expect(result.costNanos).toBe(2_450_000);
    expect(result.lines).toEqual([
      'input gpt-image-1-inp-txt-glbl Tokens 0.005/1000',
      'imageInput gpt-image-1-inp-img-glbl Tokens 0.01/1000',
      'imageOutput gpt-image-1-output-img-glbl Tokens 0.04/1000',
    ]);
  });

  it('cached image input at the cached image meter, cached text at the cached text meter', () => {
    const kinds: TokenKinds = { imageInput: 1000, cachedImageInput: 400, imageOutput: 2000 };
    const usage = testUsage({
      model: 'gpt-image-1',
      promptTokens: 1300,
      cachedTokens: 500,
      completionTokens: 2000,
      tokenKinds: kinds,
    });
    const result = priced(pricer.price(usage).cost);
    // text 200 × 0.005 + cached text 100 × 0.00125 + image 600 × 0.01 + cached image 400 × 0.0025
    // + image out 2000 × 0.04, per 1K = 0.001 + 0.000125 + 0.006 + 0.001 + 0.08 = 0.088125
    expect(result.costNanos).toBe(88_125_000);
    expect(result.lines).toEqual([
      'input gpt-image-1-inp-txt-glbl Tokens 0.005/1000',
      'cachedInput gpt-image-1-inp-cached-txt-glbl Tokens 0.00125/1000',
      'imageInput gpt-image-1-inp-img-glbl Tokens 0.01/1000',
      'cachedImageInput gpt-image-1-inp-cached-img-glbl Tokens 0.0025/1000',
      'imageOutput gpt-image-1-output-img-glbl Tokens 0.04/1000',
    ]);
  });

  it('cached audio without a cached-audio meter is billed at the audio input price, never the text one', () => {
    const kinds: TokenKinds = { audioInput: 1000, cachedAudioInput: 300 };
    const usage = testUsage({
      model: 'gpt-4o-audio-preview-2024-12-17',
      promptTokens: 1100,
      cachedTokens: 300,
      completionTokens: 0,
      tokenKinds: kinds,
    });
    const result = priced(pricer.price(usage).cost);
    // text 100 × 0.0025 + audio 700 × 0.04 + cached audio 300 × 0.04, per 1K = 0.00025 + 0.028 + 0.012
    expect(result.costNanos).toBe(40_250_000);
    expect(result.lines).toEqual([
      'input gpt-4o-aud-1217-txt Inp glbl Tokens 0.0025/1000',
      'audioInput gpt-4o-aud-1217 Inp glbl Tokens 0.04/1000',
    ]);
  });

  it('audio tokens on a text-only family stay unpriced, naming the kind', () => {
    const usage = testUsage({
      model: 'gpt-4o-2024-08-06',
      promptTokens: 100,
      tokenKinds: { audioInput: 60 },
    });
    expect(reason(pricer.price(usage).cost)).toBe('no audio-input meter for gpt-4o 0806 global eastus');
  });

  it('a family with some audio meters but not the one used stays unpriced, naming the kind', () => {
    const withoutAudioOut = createPricer(
      bookOf(catalog.filter((item) => !item.meterName.startsWith('gpt-4o-aud-1217 Outp'))),
      SETTINGS,
    );
    const usage = eventUsage(
      'oai_chat_usage_audio_fields_spec.json',
      'gpt-4o-audio-preview-2024-12-17',
      'chat.completion',
    );
    expect(reason(withoutAudioOut.price(usage).cost)).toBe(
      'no audio-output meter for gpt-4o-audio-preview 1217 global eastus',
    );
  });

  it('the record keeps the kinds beside the totals, and stays small', () => {
    const usage = eventUsage(
      'oai_chat_usage_audio_fields_spec.json',
      'gpt-4o-audio-preview-2024-12-17',
      'chat.completion',
    );
    const identity = {
      displayName: 'Payroll bot',
      businessUnit: 'HR',
      servicePrincipalType: 'Application',
      status: 'resolved',
    } as const;
    const { record } = buildRecord(usage, identity, pricer);
    expect(record.tokenKinds).toEqual({ audioInput: 1000, audioOutput: 480 });
    expect(record.costNanos).toBe(79_192_500);
    expect(Buffer.byteLength(JSON.stringify(record))).toBeLessThan(1024);
  });
});

describe('fine-tuned models', () => {
  it('are priced with the fine-tuned inference meters of their base, never grader or training ones', () => {
    const usage = testUsage({
      model: 'gpt-4.1-2025-04-14.ft-5d9c1e4a7b2f4c0e8a3d6b1f9e2c7a40',
      promptTokens: 1000,
      cachedTokens: 200,
      completionTokens: 500,
    });
    const { key, cost } = pricer.price(usage);
    expect(key).toEqual({
      family: 'gpt-4.1-ft',
      version: '0414',
      deploymentType: 'global',
      region: 'eastus',
    });
    const result = priced(cost);
    // 800 × 0.002 + 200 × 0.0005 + 500 × 0.008, per 1K = 0.0016 + 0.0001 + 0.004 = 0.0057
    expect(result.costNanos).toBe(5_700_000);
    expect(result.lines).toEqual([
      'input gpt-4.1-ft input global Tokens 0.002/1000',
      'cachedInput gpt-4.1-ft cached input global Tokens 0.0005/1000',
      'output gpt-4.1-ft output global Tokens 0.008/1000',
    ]);
  });

  it('without fine-tuned meters for the base model, stay unpriced rather than take the base price', () => {
    const usage = testUsage({
      model: 'gpt-4o-mini-2024-07-18.ft-0e208ab7e17a4f6b8e6f4a4e16bbd2b0',
      promptTokens: 10,
      completionTokens: 5,
    });
    expect(reason(pricer.price(usage).cost)).toBe('no meter for gpt-4o-mini-ft 0718 global eastus');
  });
});

describe('records written before token kinds were read', () => {
  const identity = {
    displayName: null,
    businessUnit: null,
    servicePrincipalType: null,
    status: 'resolved',
  } as const;
  /** A record as an earlier release wrote it: unpriced (no meter then), and no tokenKinds. */
  const oldRecord = (usage: NormalizedUsage) => {
    const { record } = buildRecord(usage, identity, createPricer(null, SETTINGS));
    const { tokenKinds: _dropped, ...old } = record;
    return old;
  };

  it('stay unpriced for a family with audio or image meters, rather than bill hidden audio as text', () => {
    const usage = eventUsage(
      'oai_chat_usage_audio_fields_spec.json',
      'gpt-4o-audio-preview-2024-12-17',
      'chat.completion',
    );
    expect(reason(pricer.price(usageFromRecord(oldRecord(usage))).cost)).toBe(KINDS_UNKNOWN);
  });

  it('are priced as before for text-only families, and with their kinds when the record has them', () => {
    const text = testUsage({ promptTokens: 1000, completionTokens: 100 });
    // 1000 × 0.0025 + 100 × 0.01, per 1K = 0.0035
    expect(priced(pricer.price(usageFromRecord(oldRecord(text))).cost).costNanos).toBe(3_500_000);
    const usage = eventUsage(
      'oai_chat_usage_audio_fields_spec.json',
      'gpt-4o-audio-preview-2024-12-17',
      'chat.completion',
    );
    const { record } = buildRecord(usage, identity, createPricer(null, SETTINGS));
    expect(priced(pricer.price(usageFromRecord(record)).cost).costNanos).toBe(79_192_500);
  });
});

describe('cached tokens of an input with audio or image tokens', () => {
  // Constructed counts in the Images API usage shape, with the cached split spelt as the realtime usage
  // spells it (`cached_tokens_details: {text_tokens, audio_tokens, image_tokens}`, OpenAI API reference).
  const edit = (details?: Record<string, number>) => ({
    input_tokens: 3000,
    input_tokens_details: {
      text_tokens: 1800,
      image_tokens: 1200,
      cached_tokens: 600,
      ...(details === undefined ? {} : { cached_tokens_details: details }),
    },
    output_tokens: 4160,
    total_tokens: 7160,
  });

  it('are priced at each kind’s cached meter when the usage splits them', () => {
    const usage = normalized(edit({ text_tokens: 0, image_tokens: 600 }), 'gpt-image-1', 'edits');
    expect(usage.tokenKinds).toEqual({ imageInput: 1200, cachedImageInput: 600, imageOutput: 4160 });
    const result = priced(pricer.price(usage).cost);
    // 1800 × 0.005 + 600 × 0.01 + 600 × 0.0025 + 4160 × 0.04, per 1K = 0.009 + 0.006 + 0.0015 + 0.1664 = 0.1829
    expect(result.costNanos).toBe(182_900_000);
    expect(result.lines).toEqual([
      'input gpt-image-1-inp-txt-glbl Tokens 0.005/1000',
      'imageInput gpt-image-1-inp-img-glbl Tokens 0.01/1000',
      'cachedImageInput gpt-image-1-inp-cached-img-glbl Tokens 0.0025/1000',
      'imageOutput gpt-image-1-output-img-glbl Tokens 0.04/1000',
    ]);
  });

  it('stay unpriced, naming the missing split, when the kinds’ cached meters discount differently', () => {
    const usage = normalized(edit(), 'gpt-image-1', 'edits');
    expect(usage.tokenKinds?.cachedUnsplit).toBe(600);
    // Cached text saves 0.00375 per 1K, cached image 0.0075: which tokens were cached changes the cost.
    expect(reason(pricer.price(usage).cost)).toBe(
      "600 cached tokens are not split by kind (text, image) and gpt-image-1's cached meters discount " +
        'those kinds differently: the usage must carry cached_tokens_details',
    );
  });

  it('are priced when no split can change the cost (a family with no cached meter), never dead-lettered', () => {
    // 1024 cached of 2000 prompt tokens, only 500 of them text: at least 524 cached tokens are audio.
    const usage = normalized(
      {
        prompt_tokens: 2000,
        completion_tokens: 10,
        prompt_tokens_details: { cached_tokens: 1024, audio_tokens: 1500 },
      },
      'gpt-4o-audio-preview-2024-12-17',
      'chat.completion',
    );
    const result = priced(pricer.price(usage).cost);
    // No cached meter: every cached token at its own kind's input price, whatever the split.
    // 500 × 0.0025 + 1500 × 0.04 + 10 × 0.01, per 1K = 0.00125 + 0.06 + 0.0001 = 0.06135
    expect(result.costNanos).toBe(61_350_000);
    expect(result.lines.filter((l) => /aud-1217 Inp/.test(l))).toEqual([
      'audioInput gpt-4o-aud-1217 Inp glbl Tokens 0.04/1000',
    ]);
    expect(result.lines.some((l) => /^(cached)?[aA]udio.*-txt /.test(l))).toBe(false);
  });
});
