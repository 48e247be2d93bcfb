import { describe, expect, it } from 'vitest';

import { classifyMeter, UNRECOGNISED_NAME } from '../../../shared/pricing/meterName.js';
import type { RetailPriceItem } from '../../../shared/pricing/types.js';
import { readApiShape } from '../../helpers/apiShapes.js';
import { meter, observed, tokenMeter, type Expectation } from '../../helpers/meterCases.js';

// Audio, transcription, speech, image and DALL-E meters: each with its token kind (or per image).
// The whole catalog's expectations are in meterName.test.ts; these name the cases issue 15 is about.

const byName = new Map(
  (
    readApiShape('retail_aoai_meter_catalog_eastus_2025-08_derived.json') as { items: RetailPriceItem[] }
  ).items.map((item) => [item.meterName, item]),
);

describe('classifyMeter reads the token kind of audio, transcription, speech and image meters', () => {
  it.each([
    ['gpt-4o-aud-1217 Inp glbl Tokens', tokenMeter('gpt-4o-audio-preview', '1217', 'audioInput', 'global')],
    ['gpt-4o-aud-1217-txt Inp glbl Tokens', tokenMeter('gpt-4o-audio-preview', '1217', 'input', 'global')],
    [
      'gpt4omini-aud1217-txt Outp regnl Tokens',
      tokenMeter('gpt-4o-mini-audio-preview', '1217', 'output', 'regional'),
    ],
    [
      'gpt4omini-aud1217 Outp glbl Tokens',
      tokenMeter('gpt-4o-mini-audio-preview', '1217', 'audioOutput', 'global'),
    ],
    ['gpt-4o-transcribe-aud-inp-glbl Tokens', tokenMeter('gpt-4o-transcribe', null, 'audioInput', 'global')],
    [
      'gpt-4o-mini-transcribe-txt-out-dz Tokens',
      tokenMeter('gpt-4o-mini-transcribe', null, 'output', 'datazone'),
    ],
    ['gpt-4o-mini-tts-aud-out-glbl Tokens', tokenMeter('gpt-4o-mini-tts', null, 'audioOutput', 'global')],
    ['gpt-4o-mini-tts-txt-inp-rgnl Tokens', tokenMeter('gpt-4o-mini-tts', null, 'input', 'regional')],
    ['gpt-image-1-inp-cached-img-glbl Tokens', tokenMeter('gpt-image-1', null, 'cachedImageInput', 'global')],
    ['gpt-image-1-inp-cached-txt-glbl Tokens', tokenMeter('gpt-image-1', null, 'cachedInput', 'global')],
    ['gpt-image-1-inp-img-rgnl Tokens', tokenMeter('gpt-image-1', null, 'imageInput', 'regional')],
    ['gpt-image-1-output-img-dzone Tokens', tokenMeter('gpt-image-1', null, 'imageOutput', 'datazone')],
    // realtime meters stay out, whatever their modality: the gateway never meters a realtime session
    ['gpt4o realtimePrvw audio outp glbl Tokens', { notPriced: 'realtime meter' }],
    ['gpt-4o-rt-aud-1217 cchd Inp glbl Tokens', { notPriced: 'realtime meter' }],
    // DALL-E: per image (unit 100), one meter per quality and resolution
    [
      'Image-Dall-E-3 HD HighRes-regnl EP Images',
      tokenMeter('dall-e-3', null, 'perImageHdHighRes', 'regional', 100),
    ],
    [
      'Image-Dall-E-3 Std LowRes-regnl EP Images',
      tokenMeter('dall-e-3', null, 'perImageStandard', 'regional', 100),
    ],
    ['Image-DALL-E-2-regnl Images', tokenMeter('dall-e-2', null, 'perImage', 'regional', 100)],
    // fine-tuned inference: the family keeps `-ft` (and `-dev-ft`), which only a `.ft-` model resolves to
    ['gpt-4.1-ft input global Tokens', tokenMeter('gpt-4.1-ft', null, 'input', 'global')],
    [
      'gpt-4.1-mini-ft cached input regnl Tokens',
      tokenMeter('gpt-4.1-mini-ft', null, 'cachedInput', 'regional'),
    ],
    ['gpt-4.1-dev-ft inpt glbl Tokens', tokenMeter('gpt-4.1-dev-ft', null, 'input', 'global')],
    ['o4-mini-ft cached input global Tokens', tokenMeter('o4-mini-ft', null, 'cachedInput', 'global')],
    // two modalities, or one twice, is no meter we know
    ['gpt-image-1-inp-txt-img-glbl Tokens', { notPriced: UNRECOGNISED_NAME }],
  ] satisfies [string, Expectation][])('%s', (name, expected) => {
    const item = byName.get(name) ?? meter(name, '1K');
    expect(observed(classifyMeter(item))).toEqual(expected);
  });
});

describe('DALL-E names that do not parse fail closed', () => {
  it.each([
    ['Image-Dall-E-3 HD-regnl EP Images', '100', { notPriced: UNRECOGNISED_NAME }],
    ['Image-Dall-E-3 Std LowRes HighRes-regnl EP Images', '100', { notPriced: UNRECOGNISED_NAME }],
    ['Image-Dall-E-3 Std LowRes-regnl Turbo Images', '100', { notPriced: UNRECOGNISED_NAME }],
    ['Image-Dall-E-2 HD-regnl Images', '100', { notPriced: UNRECOGNISED_NAME }],
    // not per 100 images: the token rules apply, which exclude it
    ['Image-Dall-E-3 Std LowRes-regnl EP Images', '1', { notPriced: 'image meter' }],
  ] satisfies [string, string, Expectation][])('%s (%s)', (name, unit, expected) => {
    expect(observed(classifyMeter(meter(name, unit)))).toEqual(expected);
  });
});
