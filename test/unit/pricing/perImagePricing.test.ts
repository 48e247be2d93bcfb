import { describe, expect, it } from 'vitest';

import type { CostResult } from '../../../shared/cost/types.js';
import { normalizeEvent } from '../../../shared/events/normalize.js';
import type { NormalizedUsage } from '../../../shared/events/types.js';
import { parseV2Fast } from '../../../shared/events/v2FastPath.js';
import { PriceBook } from '../../../shared/pricing/priceBook.js';
import { toPriceDocs, toPriceRows } from '../../../shared/pricing/priceRows.js';
import { createPricer, type PricerSettings } from '../../../shared/pricing/pricer.js';
import type { RetailPriceItem } from '../../../shared/pricing/types.js';
import { readApiShape } from '../../helpers/apiShapes.js';

// The real eastus catalog (2025-08): DALL-E 3 regional per 100 images is Std LowRes 4.0, Std HighRes
// 8.0, HD LowRes 8.0, HD HighRes 12.0; DALL-E 2 is 2.0.
const catalog = (
  readApiShape('retail_aoai_meter_catalog_eastus_2025-08_derived.json') as { items: RetailPriceItem[] }
).items.map((item) => ({ ...item, armRegionName: 'eastus', type: 'Consumption', currencyCode: 'USD' }));
const { docs } = toPriceDocs(catalog, 'USD', '2026-01-01T00:00:00.000Z');
const SETTINGS: PricerSettings = {
  currency: 'USD',
  deployments: {},
  defaultRegion: 'eastus',
  defaultDeploymentType: 'regional',
  overrides: undefined,
};
const pricer = createPricer(new PriceBook(toPriceRows(docs), 'USD', '2026-01-01T00:00:00.000Z'), SETTINGS);

/** A v2 event as the gateway logs a call without usage: the deployment name and the request's facts. */
function event(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    schema: 'aoai-usage/2',
    requestId: '0cb1e29c-658c-4a14-95e6-0af593bd04cf',
    eventTime: '2025-07-15T12:00:00.000Z',
    appId: '7d8a1c3e-2b4f-4e6a-9c1d-0f2e3a4b5c6d',
    region: 'eastus',
    operation: 'generations',
    model: 'dall-e-3',
    ...fields,
  };
}

function normalized(body: Record<string, unknown>): NormalizedUsage {
  const result = normalizeEvent(
    body,
    { kind: 'file', file: 'e.jsonl', line: 1 },
    new Date('2025-07-16T00:00:00Z'),
  );
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.usage;
}

function outcome(cost: CostResult): string {
  if (cost.status === 'priced') {
    const [price] = cost.priceSet.prices;
    return `${cost.costNanos} ${price?.kind ?? ''} ${price?.meterName ?? ''}`;
  }
  return cost.status === 'unpriced' ? `unpriced: ${cost.reason}` : cost.status;
}

describe('DALL-E: images returned × the meter of its quality and size (unit 100 images)', () => {
  it.each([
    // 2 × 4.0 / 100 = 0.08
    [
      { n: 2, size: '1024x1024', quality: 'standard', returned: 2 },
      '80000000 perImageStandard Image-Dall-E-3 Std LowRes-regnl EP Images',
    ],
    // 1 × 8.0 / 100 = 0.08
    [
      { n: 1, size: '1792x1024', quality: 'standard', returned: 1 },
      '80000000 perImageStandardHighRes Image-Dall-E-3 Std HighRes-regnl EP Images',
    ],
    [
      { n: 1, size: '1024x1024', quality: 'hd', returned: 1 },
      '80000000 perImageHd Image-Dall-E-3 HD LowRes-regnl EP Images',
    ],
    // 3 × 12.0 / 100 = 0.36
    [
      { n: 3, size: '1024x1792', quality: 'HD', returned: 3 },
      '360000000 perImageHdHighRes Image-Dall-E-3 HD HighRes-regnl EP Images',
    ],
    // the API's defaults: 1024×1024, standard
    [{ returned: 1 }, '40000000 perImageStandard Image-Dall-E-3 Std LowRes-regnl EP Images'],
    // billed by images returned, not requested
    [{ n: 4, returned: 3 }, '120000000 perImageStandard Image-Dall-E-3 Std LowRes-regnl EP Images'],
    [{ size: '512x512', returned: 1 }, 'unpriced: no dall-e-3 meter for size 512x512'],
    [{ quality: 'high', returned: 1 }, 'unpriced: no dall-e-3 meter for quality high'],
  ])('%o → %s', (images, expected) => {
    const body = event({ images });
    expect(parseV2Fast(body)).toBeUndefined();
    expect(outcome(pricer.price(normalized(body)).cost)).toBe(expected);
  });

  it('DALL-E 2 has one meter for every size', () => {
    // 5 × 2.0 / 100 = 0.1
    const usage = normalized(event({ model: 'dall-e-2', images: { n: 5, size: '256x256', returned: 5 } }));
    expect(outcome(pricer.price(usage).cost)).toBe('100000000 perImage Image-DALL-E-2-regnl Images');
  });

  it('a deployment type without a DALL-E meter stays unpriced, naming the meter it needed', () => {
    const usage = normalized(event({ deploymentType: 'global', images: { returned: 1 } }));
    expect(outcome(pricer.price(usage).cost)).toBe(
      'unpriced: no per-image-standard meter for dall-e-3 global eastus',
    );
  });

  it('another model\u2019s image facts without usage are unpriced: only DALL-E is billed per image', () => {
    const usage = normalized(event({ model: 'gpt-image-1', images: { returned: 1 } }));
    expect(outcome(pricer.price(usage).cost)).toBe(
      'unpriced: image responses of gpt-image-1 carry no token usage',
    );
  });

  it('the record keeps the facts, so backfill can price it again', () => {
    const usage = normalized(
      event({ images: { n: 2, size: '1024X1024', quality: 'Standard', returned: 2 } }),
    );
    expect(usage.images).toEqual({ count: 2, size: '1024x1024', quality: 'standard' });
    expect(usage.promptTokens + usage.completionTokens).toBe(0);
  });
});

describe('text-to-speech', () => {
  it('is unpriced with its reason, never estimated from characters or bytes', () => {
    const usage = normalized(
      event({
        model: 'gpt-4o-mini-tts',
        operation: 'speech',
        speech: { inputCharacters: 120, outputBytes: 48_000 },
      }),
    );
    expect(usage.speech).toEqual({ inputCharacters: 120, outputBytes: 48_000 });
    expect(outcome(pricer.price(usage).cost)).toBe('unpriced: speech responses carry no token usage');
  });
});

describe('whisper', () => {
  it('records the seconds of audio its usage reports, unpriced with the reason, never estimated', () => {
    const { usage: whisper } = readApiShape('oai_transcription_whisper_duration_usage.json') as {
      usage: unknown;
    };
    const body = event({
      model: 'whisper',
      operation: 'transcriptions',
      deploymentType: 'global',
      usage: whisper,
    });
    expect(parseV2Fast(body)).toBeUndefined();
    const usage = normalized(body);
    expect(usage).toMatchObject({ durationSeconds: 42.7, promptTokens: 0, completionTokens: 0 });
    expect(outcome(pricer.price(usage).cost)).toBe(
      'unpriced: whisper usage is 42.7 seconds of audio, and no meter prices audio by duration',
    );
  });

  it('refuses a duration that is not a number of seconds', () => {
    const result = normalizeEvent(
      event({ usage: { type: 'duration', seconds: -1 } }),
      { kind: 'file', file: 'e.jsonl', line: 1 },
      new Date('2025-07-16T00:00:00Z'),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((issue) => issue.path)).toContain('usage.seconds');
  });
});

describe('request facts are checked like every other field', () => {
  it.each([
    [{ images: { returned: -1 } }, 'images.returned'],
    [{ images: { returned: 1, n: 11 } }, 'images.n'],
    [{ images: { returned: 1, size: 'huge' } }, 'images.size'],
    [{ images: { returned: 1, quality: 'very good' } }, 'images.quality'],
    [{ speech: { inputCharacters: 1.5, outputBytes: 1 } }, 'speech.inputCharacters'],
    [{ speech: { inputCharacters: 1 } }, 'speech.outputBytes'],
    [{}, 'usage'],
  ])('%o is refused at %s', (fields, path) => {
    const result = normalizeEvent(
      event(fields),
      { kind: 'file', file: 'e.jsonl', line: 1 },
      new Date('2025-07-16T00:00:00Z'),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((issue) => issue.path)).toContain(path);
  });
});
