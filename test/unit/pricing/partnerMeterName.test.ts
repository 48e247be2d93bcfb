import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import {
  classifyMeter,
  PUBLISHER_NOT_PRICED,
  UNRECOGNISED_NAME,
  versionFromModelName,
} from '../../../shared/pricing/meterName.js';
import { publisherOfProduct } from '../../../shared/pricing/partnerPublishers.js';
import type { RetailPriceItem } from '../../../shared/pricing/types.js';
import { readApiShape } from '../../helpers/apiShapes.js';
import { meter, observed, type Expectation } from '../../helpers/meterCases.js';
import { partnerItems, partnerMeterKey, partnerNames } from '../../helpers/partnerMeters.js';

// Other publishers' Foundry Models meters, all real (test/fixtures/api-shapes/retail_foundry_partner_*).

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8')) as unknown;

const expectations = (
  readJson(path.join(repoRoot, 'test', 'fixtures', 'partner-meter-expectations.json')) as {
    meters: Record<string, Expectation>;
  }
).meters;
const meters = [...partnerItems(), ...partnerNames()];
const distinct = new Map(meters.map((item) => [partnerMeterKey(item), item]));

const partner = (
  family: string,
  version: string | null,
  kind: 'input' | 'cachedInput' | 'output',
  deploymentType: 'global' | 'datazone' | 'regional',
  publisher: string,
  unitSize: 1000 | 1000000 = 1000,
): Expectation => ({ family, version, kind, deploymentType, unitSize, publisher });

describe('classifyMeter on real meters of other publishers', () => {
  it('has a reviewed expectation for each distinct fixture meter, and for nothing else', () => {
    expect(distinct.size).toBe(176);
    expect(new Set(Object.keys(expectations))).toEqual(new Set(distinct.keys()));
  });

  it.each([...distinct])('%s', (key, item) => {
    expect(observed(classifyMeter(item))).toEqual(expectations[key]);
  });

  it('leaves unrecognised exactly the meters listed in docs/unparsed-meters.md', () => {
    const doc = readFileSync(path.join(repoRoot, 'docs', 'unparsed-meters.md'), 'utf8');
    const section =
      doc.split(/^## /m).find((part) => part.startsWith("Other publishers' meters not recognised")) ?? '';
    const listed = [...section.matchAll(/^- `([^`]+)`/gm)].map((match) => match[1]);
    const unrecognised = [...distinct.values()]
      .filter((item) => {
        const result = classifyMeter(item);
        return !result.priced && result.reason === UNRECOGNISED_NAME;
      })
      .map((item) => item.meterName);
    expect(section).not.toBe('');
    expect(listed.length).toBe(new Set(listed).size);
    expect(new Set(listed)).toEqual(new Set(unrecognised));
  });
});

describe('the partner rule, case by case (exact real meter names)', () => {
  it.each([
    // the model is named by the product when the meter says only its own words
    [
      'R1 Inp glbl Tokens',
      'Azure Deepseek Models',
      partner('deepseek-r1', null, 'input', 'global', 'DeepSeek'),
    ],
    ['4.3 Inp DZ Tokens', 'Azure Grok Models', partner('grok-4.3', null, 'input', 'datazone', 'xAI')],
    [
      'Code Fast 1 Outp glbl Tokens',
      'Azure Grok Models',
      partner('grok-code-fast-1', null, 'output', 'global', 'xAI'),
    ],
    [
      'Large 3 Inp glbl Tokens',
      'Azure Mistral Models',
      partner('mistral-large-3', null, 'input', 'global', 'Mistral AI'),
    ],
    [
      'K2 Thinking Outp glbl Tokens',
      'Azure Kimi',
      partner('kimi-k2-thinking', null, 'output', 'global', 'Moonshot AI'),
    ],
    [
      'Command A Inp Glbl Tokens',
      'Cohere Models',
      partner('cohere-command-a', null, 'input', 'global', 'Cohere'),
    ],
    // ...and not repeated when the meter already names a model line of the publisher
    [
      'MAI-DS-R1 Inp glbl Tokens',
      'Azure Deepseek Models',
      partner('mai-ds-r1', null, 'input', 'global', 'DeepSeek'),
    ],
    [
      'Codestral Outp glbl Tokens',
      'Azure Mistral Models',
      partner('codestral', null, 'output', 'global', 'Mistral AI'),
    ],
    [
      'Grok-3 Mini Inp glbl Tokens',
      'Azure Grok Models',
      partner('grok-3-mini', null, 'input', 'global', 'xAI'),
    ],
    [
      'Llama 3.3 70B Inp glbl Tokens',
      'Azure Llama Models',
      partner('llama-3.3-70b', null, 'input', 'global', 'Meta'),
    ],
    // glued words, a version, cached tokens, 1M units
    [
      'Grok4 Fast Inp glbl Tokens',
      'Azure Grok Models',
      partner('grok-4-fast', null, 'input', 'global', 'xAI'),
    ],
    [
      'V3-0324 Outp glbl Tokens',
      'Azure Deepseek Models',
      partner('deepseek-v3', '0324', 'output', 'global', 'DeepSeek'),
    ],
    [
      'V4 Flash 0731 Inp glbl Tokens',
      'Azure Deepseek Models',
      partner('deepseek-v4-flash', '0731', 'input', 'global', 'DeepSeek'),
    ],
    [
      '4.3 Cached Inp Glbl Tokens',
      'Azure Grok Models',
      partner('grok-4.3', null, 'cachedInput', 'global', 'xAI'),
    ],
    [
      'K2.6 cached glbl Tokens',
      'Azure Kimi',
      partner('kimi-k2.6', null, 'cachedInput', 'global', 'Moonshot AI'),
    ],
    [
      'V4.1 Flash Output Glbl 1M Tokens',
      'Azure Deepseek Models',
      partner('deepseek-v4.1-flash', null, 'output', 'global', 'DeepSeek', 1000000),
    ],
    // FT with a direction: fine-tuned inference, under `<model>-ft`; `Mnstrl` is Ministral
    [
      '3.3 70b Inp FT DZ Tokens',
      'Azure Llama Models',
      partner('llama-3.3-70b-ft', null, 'input', 'datazone', 'Meta'),
    ],
    [
      'Mnstrl 3b Outp FT DZ Tokens',
      'Azure Mistral Models',
      partner('ministral-3b-ft', null, 'output', 'datazone', 'Mistral AI'),
    ],
  ] satisfies [string, string, Expectation][])('%s (%s)', (name, product, expected) => {
    const unit = name.endsWith(' 1M Tokens') ? '1M' : '1K';
    expect(observed(classifyMeter(meter(name, unit, product)))).toEqual(expected);
  });

  it.each([
    // FT without a direction is training: priced several times the model's input per token
    ['Phi-4-FT Tokens', '1K', 'Azure Phi Models', 'training meter'],
    ['3.3 70b FT DZ Tokens', '1K', 'Azure Llama Models', 'training meter'],
    ['Mnstrl 3B FT Tokens', '1K', 'Azure Mistral Models', 'training meter'],
    ['Phi-4-FT Deployment Hosting Unit', '1/Hour', 'Azure Phi Models', 'hosting meter'],
    ['Provisioned Managed Global Unit', '1/Hour', 'Azure Grok Models', 'provisioned meter'],
    ['Doc AI 2512 glbl Pages', '1K', 'Azure Mistral Models', 'non-token meter pages'],
    ['Rerank v4 Pro Glbl Search', '1K', 'Cohere Models', 'non-token meter search'],
    // Fireworks sells other publishers' models under their names: pricing it would meet DeepSeek's meters
    ['FW DeepSeek V3.2 Inp DZ Tokens', '1K', 'Azure Fireworks Models', PUBLISHER_NOT_PRICED],
    ['Image 2 Text Input DZ Tokens', '1K', 'MAI Models', PUBLISHER_NOT_PRICED],
    // a trailing `L` (a dearer long-context tier) after the markers
    ['4.3 Inp DZ L Tokens', '1K', 'Azure Grok Models', UNRECOGNISED_NAME],
    // an embedding meter of another publisher says no direction; OpenAI's embedding rule is not assumed
    ['Embed v4 Txt DZ Tokens', '1K', 'Cohere Models', UNRECOGNISED_NAME],
  ])('%s (%s, %s) is not priced: %s', (name, unit, product, reason) => {
    expect(classifyMeter(meter(name, unit, product))).toEqual({ priced: false, reason });
  });

  it('finds the publisher by a whole word of the product name, Azure OpenAI and unknown products excepted', () => {
    expect(publisherOfProduct('Azure Deepseek Models')?.name).toBe('DeepSeek');
    expect(publisherOfProduct('Qwen models')?.name).toBe('Qwen');
    expect(publisherOfProduct('Azure Fireworks Models')).toBeUndefined();
    expect(publisherOfProduct('Azure Graphics Models')).toBeUndefined();
    // Azure OpenAI's own products go through the OpenAI rule, whatever else they say
    expect(classifyMeter(meter('gpt-oss-120B Inp glbl Tokens', '1K', 'Azure OpenAI OSS Models'))).toEqual({
      priced: true,
      meter: {
        family: 'gpt-oss-120b',
        version: null,
        kind: 'input',
        deploymentType: 'global',
        unitSize: 1000,
      },
    });
    const vm = readApiShape('retail_vm_item_with_savingsPlan_preview_api.json') as RetailPriceItem;
    expect(classifyMeter(vm)).toEqual({ priced: false, reason: PUBLISHER_NOT_PRICED });
  });

  it('gives no partner family an Azure OpenAI name, so no OpenAI meter can price a partner model', () => {
    const catalog = (
      readApiShape('retail_aoai_meter_catalog_eastus_2025-08_derived.json') as { items: RetailPriceItem[] }
    ).items;
    const openAiFamilies = new Set(
      catalog.flatMap((item) => {
        const result = classifyMeter({ ...item, type: 'Consumption' });
        return result.priced ? [result.meter.family] : [];
      }),
    );
    const partnerFamilies = [...distinct.values()].flatMap((item) => {
      const result = classifyMeter(item);
      return result.priced ? [result.meter.family] : [];
    });
    expect(partnerFamilies.length).toBeGreaterThan(40);
    expect(partnerFamilies.filter((family) => openAiFamilies.has(family))).toEqual([]);
  });
});

describe('logged model names of other publishers', () => {
  it.each([
    ['DeepSeek-R1', 'deepseek-r1', null],
    ['DeepSeek-R1-0528', 'deepseek-r1', '0528'],
    ['DeepSeek-V3-0324', 'deepseek-v3', '0324'],
    ['DeepSeek-V3.1', 'deepseek-v3.1', null],
    ['MAI-DS-R1', 'mai-ds-r1', null],
    // the words Llama's and Phi's meters never carry
    ['Llama-3.3-70B-Instruct', 'llama-3.3-70b', null],
    ['Llama-4-Maverick-17B-128E-Instruct-FP8', 'llama-4-maverick-17b', null],
    ['Meta-Llama-3.1-405B-Instruct', 'llama-3.1-405b', null],
    ['Phi-4', 'phi-4', null],
    ['Phi-4-mini-instruct', 'phi-4-mini', null],
    ['grok-3', 'grok-3', null],
    ['grok-code-fast-1', 'grok-code-fast-1', null],
    ['Kimi-K2-Thinking', 'kimi-k2-thinking', null],
    ['cohere-command-a', 'cohere-command-a', null],
    // 2411 is no month and day: the name has no meter (Mistral Large 2411 is not in Retail Prices)
    ['Mistral-Large-2411', 'mistral-large-2411', null],
    ['Codestral-2501', 'codestral-2501', null],
    // a fine-tuned partner model resolves to the `-ft` family, as Azure OpenAI's do
    ['Llama-3.3-70B-Instruct.ft-0e208ab7e17a4f6b8e6f4a4e16bbd2b0', 'llama-3.3-70b-ft', null],
    // Azure OpenAI names are untouched: `instruct` is part of gpt-35-turbo-instruct
    ['gpt-35-turbo-instruct', 'gpt-35-turbo-instruct', null],
  ])('%s → %s %s', (model, family, version) => {
    expect(versionFromModelName(model)).toEqual({ family, version });
  });

  it('puts a logged model and its real meter in the same family', () => {
    const cases: [string, string, string][] = [
      ['DeepSeek-R1', 'R1 Inp glbl Tokens', 'Azure Deepseek Models'],
      ['Llama-3.3-70B-Instruct', 'Llama 3.3 70B Outp glbl Tokens', 'Azure Llama Models'],
      [
        'Llama-4-Maverick-17B-128E-Instruct-FP8',
        'Llama 4 Maverick 17B Inp glbl Tokens',
        'Azure Llama Models',
      ],
      ['grok-4', 'Grok-4 Inp glbl Tokens', 'Azure Grok Models'],
      ['Kimi-K2.5-Thinking', 'K2.5 Thinking Inp glbl Tokens', 'Azure Kimi'],
      ['Mistral-Large-3', 'Large 3 Inp glbl Tokens', 'Azure Mistral Models'],
      ['Llama-3.3-70B-Instruct.ft-abc', '3.3 70b Inp FT DZ Tokens', 'Azure Llama Models'],
    ];
    for (const [model, name, product] of cases) {
      const result = classifyMeter(meter(name, '1K', product));
      expect(result.priced && result.meter.family, name).toBe(versionFromModelName(model).family);
    }
  });
});
