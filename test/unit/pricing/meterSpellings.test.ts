import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import {
  classifyMeter,
  UNRECOGNISED_NAME,
  versionFromModelName,
  type MeterFields,
} from '../../../shared/pricing/meterName.js';
import { readApiShape } from '../../helpers/apiShapes.js';
import { meter, observed, tokenMeter, type Expectation } from '../../helpers/meterCases.js';

// Azure OpenAI meter spellings that the eastus reference catalog does not have: other regions and later
// months (test/fixtures/api-shapes/retail_aoai_meter_spellings_2024-2025_derived.*, all real names).

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const expectations = (
  JSON.parse(
    readFileSync(path.join(repoRoot, 'test', 'fixtures', 'meter-spellings-expectations.json'), 'utf8'),
  ) as { meters: Record<string, Expectation> }
).meters;
const fixture = readApiShape('retail_aoai_meter_spellings_2024-2025_derived.json') as {
  sources: { items: MeterFields[] }[];
};
const meters = fixture.sources.flatMap((source) => source.items);
const keyOf = (item: MeterFields) => `${item.productName} | ${item.meterName} | ${item.unitOfMeasure}`;
const byName = new Map(meters.map((item) => [item.meterName, item]));

/** The fixture's meter of that name: every name below is real, so none is made up here. */
function real(name: string): MeterFields {
  const item = byName.get(name);
  if (item === undefined) throw new Error(`not in the fixture: ${name}`);
  return item;
}

describe('classifyMeter on real spellings of other regions and later months', () => {
  it('has a reviewed expectation for each of the 95 fixture meters, and for nothing else', () => {
    expect(meters).toHaveLength(95);
    expect(new Set(meters.map(keyOf)).size).toBe(95);
    expect(new Set(Object.keys(expectations))).toEqual(new Set(meters.map(keyOf)));
  });

  it.each(meters.map((item) => [keyOf(item), item] as const))('%s', (key, item) => {
    expect(observed(classifyMeter(item))).toEqual(expectations[key]);
  });

  it('leaves none of them unrecognised', () => {
    const unrecognised = meters.filter((item) => {
      const result = classifyMeter(item);
      return !result.priced && result.reason === UNRECOGNISED_NAME;
    });
    expect(unrecognised.map((item) => item.meterName)).toEqual([]);
  });
});

describe('each new spelling: family, version, kind, deployment type and unit', () => {
  it.each([
    // `-FT-` after the version: the fine-tuned family of that base, the base's version
    ['gpt-4o-mini-0718-FT-inp-glbl Tokens', tokenMeter('gpt-4o-mini-ft', '0718', 'input', 'global')],
    [
      'gpt-4o-mini-0718-cached-FT-inp-glbl Tokens',
      tokenMeter('gpt-4o-mini-ft', '0718', 'cachedInput', 'global'),
    ],
    ['gpt-4o-mini-0718-FT-Outp-glbl Tokens', tokenMeter('gpt-4o-mini-ft', '0718', 'output', 'global')],
    ['gpt-4o-mini-0718-FT-outp-regnl Tokens', tokenMeter('gpt-4o-mini-ft', '0718', 'output', 'regional')],
    ['gpt-4o-0806-FT-inp-glbl Tokens', tokenMeter('gpt-4o-ft', '0806', 'input', 'global')],
    ['gpt-4o-0806-cached-FT-inp-glbl Tokens', tokenMeter('gpt-4o-ft', '0806', 'cachedInput', 'global')],
    ['gpt-4o-0806-FT-outp-glbl Tokens', tokenMeter('gpt-4o-ft', '0806', 'output', 'global')],
    // `-FT-` before any marker was already the family's own `-ft`
    ['gpt-35-turbo16K-FT-Inp-regnl Tokens', tokenMeter('gpt-35-turbo-ft', null, 'input', 'regional')],
    // 1M media meters: `mn` mini, `trscb` transcribe, `in` input, `gl` global, the version anywhere
    [
      'gpt4o mn trscb aud in gl 1215 1M Tokens',
      tokenMeter('gpt-4o-mini-transcribe', '1215', 'audioInput', 'global', 1000000),
    ],
    [
      'gpt4o mn trscb txt in gl 1215 1M Tokens',
      tokenMeter('gpt-4o-mini-transcribe', '1215', 'input', 'global', 1000000),
    ],
    [
      'gpt4o mn trscb txt out gl 1215 1M Tokens',
      tokenMeter('gpt-4o-mini-transcribe', '1215', 'output', 'global', 1000000),
    ],
    [
      'gpt4o mn trscb txt in dz 1215 1M Tokens',
      tokenMeter('gpt-4o-mini-transcribe', '1215', 'input', 'datazone', 1000000),
    ],
    [
      'gpt4o mn tts aud out gl 1215 1M Tokens',
      tokenMeter('gpt-4o-mini-tts', '1215', 'audioOutput', 'global', 1000000),
    ],
    [
      'gpt aud mn in gl 1215 1M Tokens',
      tokenMeter('gpt-audio-mini', '1215', 'audioInput', 'global', 1000000),
    ],
    [
      'gpt aud mn out gl 1215 1M Tokens',
      tokenMeter('gpt-audio-mini', '1215', 'audioOutput', 'global', 1000000),
    ],
    ['gpt aud mn txt in gl 1215 1M Tokens', tokenMeter('gpt-audio-mini', '1215', 'input', 'global', 1000000)],
    [
      'gpt aud mn txt out gl 1215 1M Tokens',
      tokenMeter('gpt-audio-mini', '1215', 'output', 'global', 1000000),
    ],
    [
      'gpt aud mn in DZ 1215 1M Tokens',
      tokenMeter('gpt-audio-mini', '1215', 'audioInput', 'datazone', 1000000),
    ],
    // `aud` right after a bare `gpt` is the GA gpt-audio line, even before a version
    ['gpt aud 0828 Inp glbl Tokens', tokenMeter('gpt-audio', '0828', 'audioInput', 'global')],
    ['gpt aud 0828 Outp glbl Tokens', tokenMeter('gpt-audio', '0828', 'audioOutput', 'global')],
    ['gpt aud 0828 txt Inp glbl Tokens', tokenMeter('gpt-audio', '0828', 'input', 'global')],
    ['gpt aud 0828 txt Outp glbl Tokens', tokenMeter('gpt-audio', '0828', 'output', 'global')],
    ['gpt aud 0828 Outp DZone Tokens', tokenMeter('gpt-audio', '0828', 'audioOutput', 'datazone')],
    ['gpt aud mini Inp glbl Tokens', tokenMeter('gpt-audio-mini', null, 'audioInput', 'global')],
    // `img` right after a bare `gpt` is an image model; `txt` / `img` after the direction the kind
    ['gpt img 1 mini inp txt glbl Tokens', tokenMeter('gpt-image-1-mini', null, 'input', 'global')],
    ['gpt img 1 mini inp img glbl Tokens', tokenMeter('gpt-image-1-mini', null, 'imageInput', 'global')],
    [
      'gpt img 1 mini inp cchd txt glbl Tokens',
      tokenMeter('gpt-image-1-mini', null, 'cachedInput', 'global'),
    ],
    [
      'gpt img 1 mini inp cchd img glbl Tokens',
      tokenMeter('gpt-image-1-mini', null, 'cachedImageInput', 'global'),
    ],
    ['gpt img 1 mini out img glbl Tokens', tokenMeter('gpt-image-1-mini', null, 'imageOutput', 'global')],
    ['gpt img 1 mini out img dzone Tokens', tokenMeter('gpt-image-1-mini', null, 'imageOutput', 'datazone')],
    [
      'gpt img 1.5 in cd img gl 1M Tokens',
      tokenMeter('gpt-image-1.5', null, 'cachedImageInput', 'global', 1000000),
    ],
    ['gpt img 1.5 out txt gl 1M Tokens', tokenMeter('gpt-image-1.5', null, 'output', 'global', 1000000)],
    // cached spelt `ccchd`
    ['gpt-5-codex-ccchd-inp-glbl Tokens', tokenMeter('gpt-5-codex', null, 'cachedInput', 'global')],
  ] satisfies [string, Expectation][])('%s', (name, expected) => {
    expect(observed(classifyMeter(real(name)))).toEqual(expected);
  });
});

describe('what the new rules leave out', () => {
  it.each([
    // training and hosting of the `-FT-` spelling stay out, per token or per hour
    ['gpt-4o-mini-0718-FT-Trng-glbl Tokens', 'training meter'],
    ['gpt-4o-0806-FT-Trng-glbl tkn Tokens', 'training meter'],
    ['gpt-35-turbo4K-FT-Trng-regnl Unit', 'training meter'],
    ['gpt-4o-mini-0718-FT-Hstng-glbl Unit', 'hosting meter'],
    ['gpt-35-turbo16K-FT-Hstng-regnl Unit', 'hosting meter'],
    ['gpt 4.1 nano dev ft training glbl Tokens', 'training meter'],
    ['o4 mini dev RFT cd inp glb Tokens', 'training meter'],
    // realtime stays out whatever the spelling
    ['gpt rt aud 0828 Inp glbl Tokens', 'realtime meter'],
    ['gpt rt aud mn in gl 1215 1M Tokens', 'realtime meter'],
  ])('%s: %s', (name, reason) => {
    expect(classifyMeter(real(name))).toEqual({ priced: false, reason });
  });

  it.each([
    // a `-FT-` grader meter is a grader, wherever `FT` stands (made-up spelling, the rule's edge)
    ['gpt-4o-mini-0718-FT-grdr-inp Tokens', '1K', { notPriced: 'grader meter' }],
    // `FT` twice, or after a family that already says `-ft`, is no meter we know
    ['gpt-4o-mini-0718-FT-inp-FT-glbl Tokens', '1K', { notPriced: UNRECOGNISED_NAME }],
    ['gpt-4.1-ft 0414 FT inp glbl Tokens', '1K', { notPriced: UNRECOGNISED_NAME }],
    // an image model's meter must say which tokens it prices
    ['gpt img 1 mini inp glbl Tokens', '1K', { notPriced: UNRECOGNISED_NAME }],
    // the 1M media spelling with the wrong unit would be off by 1000×
    ['gpt aud mn in gl 1215 1M Tokens', '1K', { notPriced: UNRECOGNISED_NAME }],
    // `aud` after a model's name before a version is still that model's audio preview
    [
      'gpt-4o-aud-1217 Inp glbl Tokens',
      '1K',
      tokenMeter('gpt-4o-audio-preview', '1217', 'audioInput', 'global'),
    ],
  ] satisfies [string, string, Expectation][])('%s (%s)', (name, unit, expected) => {
    expect(observed(classifyMeter(meter(name, unit)))).toEqual(expected);
  });
});

describe('a logged model name resolves to the family of its meters', () => {
  it.each([
    ['gpt-4o-mini-2024-07-18.ft-0e208ab7e17a4f6b8e6f4a4e16bbd2b0', 'gpt-4o-mini-0718-FT-inp-glbl Tokens'],
    ['gpt-4o-2024-08-06.ft-1b2c3d4e5f60718293a4b5c6d7e8f901', 'gpt-4o-0806-cached-FT-inp-glbl Tokens'],
    ['gpt-4o-mini-transcribe-2025-12-15', 'gpt4o mn trscb aud in gl 1215 1M Tokens'],
    ['gpt-4o-mini-tts-2025-12-15', 'gpt4o mn tts txt in gl 1215 1M Tokens'],
    ['gpt-audio-mini-2025-12-15', 'gpt aud mn out gl 1215 1M Tokens'],
    ['gpt-audio-2025-08-28', 'gpt aud 0828 txt Inp glbl Tokens'],
  ])('%s at %s (family and version)', (model, meterName) => {
    const parsed = classifyMeter(real(meterName));
    if (!parsed.priced) throw new Error(`${meterName} is not priced`);
    expect(versionFromModelName(model)).toEqual({
      family: parsed.meter.family,
      version: parsed.meter.version,
    });
  });

  it.each([
    ['gpt-4o-mini-transcribe', 'gpt4o mn trscb txt in gl 1215 1M Tokens'],
    ['gpt-image-1-mini', 'gpt img 1 mini inp txt glbl Tokens'],
    ['gpt-image-1.5', 'gpt img 1.5 in txt gl 1M Tokens'],
  ])('%s at %s (family; the version is the price book’s choice)', (model, meterName) => {
    const parsed = classifyMeter(real(meterName));
    expect(parsed.priced && parsed.meter.family).toBe(versionFromModelName(model).family);
  });

  it('keeps the base model off its fine-tuned meters', () => {
    const parsed = classifyMeter(real('gpt-4o-mini-0718-FT-inp-glbl Tokens'));
    expect(parsed.priced && parsed.meter.family).not.toBe(
      versionFromModelName('gpt-4o-mini-2024-07-18').family,
    );
  });
});
