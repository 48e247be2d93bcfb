import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import {
  classifyMeter,
  normalizeFamily,
  UNRECOGNISED_NAME,
  versionFromModelName,
} from '../../../shared/pricing/meterName.js';
import type { RetailPriceItem } from '../../../shared/pricing/types.js';
import { API_SHAPES_DIR } from '../../helpers/apiShapes.js';
import { meter, observed, tokenMeter, type Expectation } from '../../helpers/meterCases.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const apiShapes = API_SHAPES_DIR;

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8')) as unknown;
}

const catalog = (
  readJson(path.join(apiShapes, 'retail_aoai_meter_catalog_eastus_2025-08_derived.json')) as {
    items: RetailPriceItem[];
  }
).items;
const expectations = (
  readJson(path.join(repoRoot, 'test', 'fixtures', 'meter-expectations.json')) as {
    meters: Record<string, Expectation>;
  }
).meters;
const byName = new Map(catalog.map((item) => [item.meterName, item]));

function catalogItem(name: string): RetailPriceItem {
  const item = byName.get(name);
  if (item === undefined) throw new Error(`not in the catalog: ${name}`);
  return item;
}

describe('classifyMeter on the real eastus catalog', () => {
  it('has a reviewed expectation for each of the 512 meters, and for nothing else', () => {
    expect(catalog).toHaveLength(512);
    expect(byName.size).toBe(512);
    expect(new Set(Object.keys(expectations))).toEqual(new Set(byName.keys()));
  });

  it.each(catalog.map((item) => [item.meterName, item] as const))('%s', (name, item) => {
    expect(observed(classifyMeter(item))).toEqual(expectations[name]);
  });

  it('leaves unrecognised exactly the meters listed in docs/unparsed-meters.md', () => {
    const doc = readFileSync(path.join(repoRoot, 'docs', 'unparsed-meters.md'), 'utf8');
    const section = doc.split(/^## /m).find((part) => part.startsWith('Unrecognised meters')) ?? '';
    const listed = [...section.matchAll(/^- `([^`]+)`/gm)].map((match) => match[1]);
    const unrecognised = catalog
      .filter((item) => {
        const result = classifyMeter(item);
        return !result.priced && result.reason === UNRECOGNISED_NAME;
      })
      .map((item) => item.meterName);
    expect(section).not.toBe('');
    expect(new Set(unrecognised)).toEqual(new Set(listed));
  });

  it('gives each priced key one meter, except the context-size twins the resolver must treat as ambiguous', () => {
    const names = new Map<string, string[]>();
    for (const item of catalog) {
      const result = classifyMeter(item);
      if (!result.priced) continue;
      const { family, version, kind, deploymentType } = result.meter;
      const key = [family, version ?? '-', kind, deploymentType].join(' ');
      names.set(key, [...(names.get(key) ?? []), item.meterName]);
    }
    const shared = [...names].filter(([, list]) => list.length > 1).map(([key]) => key);
    expect(shared.sort()).toEqual([
      'gpt-35-turbo - input regional',
      'gpt-35-turbo - output regional',
      'gpt-4 - input regional',
      'gpt-4 - output regional',
    ]);
  });
});

describe('classifyMeter spellings, with exact real meter names', () => {
  it.each([
    // input: Inp / Input / inp / Inpt / inpt
    ['gpt 4.1 Inp glbl Tokens', tokenMeter('gpt-4.1', null, 'input', 'global')],
    ['gpt 4o 0513 Input global Tokens', tokenMeter('gpt-4o', '0513', 'input', 'global')],
    ['codex mini inp glbl Tokens', tokenMeter('codex-mini', null, 'input', 'global')],
    ['GPT 5 Mini Inpt Glbl 1M Tokens', tokenMeter('gpt-5-mini', null, 'input', 'global', 1000000)],
    ['computer-use-inpt-datazone Tokens', tokenMeter('computer-use', null, 'input', 'datazone')],
    // output: Outp / Output / output / outpt / out
    ['gpt-4o-0806-Outp-glbl Tokens', tokenMeter('gpt-4o', '0806', 'output', 'global')],
    ['gpt 4o 0513 Output regional Tokens', tokenMeter('gpt-4o', '0513', 'output', 'regional')],
    ['o3 mini 0131 output glbl Tokens', tokenMeter('o3-mini', '0131', 'output', 'global')],
    ['GPT 5 Nano outpt DZone 1M Tokens', tokenMeter('gpt-5-nano', null, 'output', 'datazone', 1000000)],
    ['codex mini out rgnl Tokens', tokenMeter('codex-mini', null, 'output', 'regional')],
    // cached: cached / cchd (cd is in the Foundry cases below)
    ['gpt 4o 0806 cached Inp glbl Tokens', tokenMeter('gpt-4o', '0806', 'cachedInput', 'global')],
    ['GPT 5 Mini cchd Inpt Glbl 1M Tokens', tokenMeter('gpt-5-mini', null, 'cachedInput', 'global', 1000000)],
    [
      'o3-deep research 0626-inp-cchd-dzone 1M Tokens',
      tokenMeter('o3-deep-research', '0626', 'cachedInput', 'datazone', 1000000),
    ],
    ['o1 mini cached input regnl Tokens', tokenMeter('o1-mini', null, 'cachedInput', 'regional')],
    // deployment: glbl / global / Glbl, Data Zone / DataZone / DZone / dzone, regnl / regional / rgnl
    ['gpt 4o 0806 Inp Data Zone Tokens', tokenMeter('gpt-4o', '0806', 'input', 'datazone')],
    ['o4-mini 0416 cached Inp DataZone Tokens', tokenMeter('o4-mini', '0416', 'cachedInput', 'datazone')],
    ['gpt 4.1 mini cached Inp DZone Tokens', tokenMeter('gpt-4.1-mini', null, 'cachedInput', 'datazone')],
    ['gpt-4o-0806-Inp-regnl Tokens', tokenMeter('gpt-4o', '0806', 'input', 'regional')],
    ['codex mini inp cchd rgnl Tokens', tokenMeter('codex-mini', null, 'cachedInput', 'regional')],
    ['gpt-4-turbo128K Inp-glbl Tokens', tokenMeter('gpt-4-turbo', null, 'input', 'global')],
    // context markers are not the family; a version after them still is the version
    ['gpt-35-turbo-16K-0125 Input-regional Tokens', tokenMeter('gpt-35-turbo', '0125', 'input', 'regional')],
    ['gpt-35-turbo-4k-Output-regional Tokens', tokenMeter('gpt-35-turbo', null, 'output', 'regional')],
    ['gpt-4-32K-Input-regional Tokens', tokenMeter('gpt-4', null, 'input', 'regional')],
    ['gpt-4-turbo-128K Output-regional Tokens', tokenMeter('gpt-4-turbo', null, 'output', 'regional')],
    // family normalization
    ['gpt-4o-mini-0718-Inp-glbl Tokens', tokenMeter('gpt-4o-mini', '0718', 'input', 'global')],
    ['gpt 4o mini 0718 Outp Data Zone Tokens', tokenMeter('gpt-4o-mini', '0718', 'output', 'datazone')],
    ['GPT 5 Rsng Inpt Glbl 1M Tokens', tokenMeter('gpt-5', null, 'input', 'global', 1000000)],
    ['GPT 5 Chat outpt Glbl 1M Tokens', tokenMeter('gpt-5-chat', null, 'output', 'global', 1000000)],
    ['gpt-oss-120B Inp glbl Tokens', tokenMeter('gpt-oss-120b', null, 'input', 'global')],
    ['o1 preview input Data Zone Tokens', tokenMeter('o1-preview', null, 'input', 'datazone')],
    ['o3-pro Outp regnl Tokens', tokenMeter('o3-pro', null, 'output', 'regional')],
    // embeddings carry no direction word and price input tokens
    ['text-embedding-3-large-glbl Tokens', tokenMeter('text-embedding-3-large', null, 'input', 'global')],
    [
      'text-embedding-3-small-regional Tokens',
      tokenMeter('text-embedding-3-small', null, 'input', 'regional'),
    ],
    ['embedding-ada-datazone Tokens', tokenMeter('text-embedding-ada-002', null, 'input', 'datazone')],
  ])('%s', (name, expected) => {
    expect(observed(classifyMeter(catalogItem(name)))).toEqual(expected);
  });

  it.each([
    ['gpt 4o mini0718 BatchOutp DataZone Tokens', 'batch meter'],
    ['gpt-35-trb16K-Batch-125-Inp-glbl Tokens', 'batch meter'],
    ['GPT 5 Rsng Batch Inpt cchd Glbl 1M Tokens', 'batch meter'],
    ['gpt-4.1-ft mdl grdr cchd inpt Tokens', 'grader meter'],
    ['o1 model ft grader output Tokens', 'grader meter'],
    ['text-embedding-3-large-grader Tokens', 'grader meter'],
    ['gpt-4.1 FT Training global Tokens', 'training meter'],
    ['o4-mini RFT Training global Unit', 'training meter'],
    ['gpt-4.1-nano-ft hosting regional Unit', 'hosting meter'],
    ['Provisioned Managed Data Zone Unit', 'provisioned meter'],
    ['Provisioned Throughput Units', 'provisioned meter'],
    ['gpt4o realtimePrvwTxtInp DataZone Tokens', 'realtime meter'],
    ['gpt4omini-rt-txt1217 cchd Inp DZn Tokens', 'realtime meter'],
    ['gpt4o rtime cached txt inp rgnl Tokens', 'realtime meter'],
    ['file-search-tool-calls-glbl Calls', 'file search meter'],
    ['Assistants-File Search-regnl GB', 'file search meter'],
    ['Code-Interpreter-regnl EP Session', 'code interpreter meter'],
  ])('%s is not priced: %s', (name, reason) => {
    expect(classifyMeter(catalogItem(name))).toEqual({ priced: false, reason });
  });
});

describe('classifyMeter on the other reference items (Foundry Models era, reservations)', () => {
  const item = (file: string): RetailPriceItem => readJson(path.join(apiShapes, file)) as RetailPriceItem;

  it.each([
    // `5.4 opt Dz 1M`: no "gpt", `opt` is output, `Dz` is data zone
    [
      'retail_aoai_foundry_gpt54_output_datazone_1M_eastus2.json',
      tokenMeter('gpt-5.4', null, 'output', 'datazone', 1000000),
    ],
    [
      'retail_aoai_foundry_models_gpt4o_0806_output_global_norwayeast.json',
      tokenMeter('gpt-4o', '0806', 'output', 'global'),
    ],
    [
      'retail_aoai_gpt5_mini_input_global_1M_eastus.json',
      tokenMeter('gpt-5-mini', null, 'input', 'global', 1000000),
    ],
    [
      'retail_aoai_embedding_ada_regional_eastus.json',
      tokenMeter('text-embedding-ada-002', null, 'input', 'regional'),
    ],
    ['retail_aoai_o4_mini_0416_input_global_eastus.json', tokenMeter('o4-mini', '0416', 'input', 'global')],
    // `4.1 pp cd inp Gl` / `5 pp cd inp Gl 1M`: priority processing, whatever else the name says
    [
      'retail_aoai_foundry_gpt41_priority_cached_input_global_1K_japaneast.json',
      { notPriced: 'priority processing meter' },
    ],
    [
      'retail_aoai_foundry_gpt5_priority_cached_input_global_1M_uaenorth.json',
      { notPriced: 'priority processing meter' },
    ],
    ['retail_aoai_ptu_provisioned_managed_global_eastus.json', { notPriced: 'provisioned meter' }],
    ['retail_ptu_reservation_global_1month_eastus.json', { notPriced: 'reservation meter' }],
    ['retail_ptu_reservation_global_1year_eastus.json', { notPriced: 'reservation meter' }],
    ['retail_aoai_whisper_batch_global_eastus2.json', { notPriced: 'batch meter' }],
    [
      'retail_aoai_dalle3_std_lowres_regional_eastus.json',
      tokenMeter('dall-e-3', null, 'perImageStandard', 'regional', 100),
    ],
    ['retail_official_doc_item_devtest_spot.json', { notPriced: 'non-consumption type DevTestConsumption' }],
    ['retail_vm_item_with_savingsPlan_preview_api.json', { notPriced: 'publisher not priced' }],
  ] satisfies [string, Expectation][])('%s', (file, expected) => {
    expect(observed(classifyMeter(item(file)))).toEqual(expected);
  });

  // Real 2026 Foundry names (guygregory/modelmeters.com monthly/full/2026-03-01.ndjson).
  it.each([
    [
      '5.4 cd inp Gl 1M Tokens',
      '1M',
      'Azure OpenAI GPT5',
      tokenMeter('gpt-5.4', null, 'cachedInput', 'global', 1000000),
    ],
    [
      '5.4 nano Opt Dz 1M Tokens',
      '1M',
      'Azure OpenAI GPT5',
      tokenMeter('gpt-5.4-nano', null, 'output', 'datazone', 1000000),
    ],
    [
      '5.3 chat inp Dz 1M Tokens',
      '1M',
      'Azure OpenAI GPT5',
      tokenMeter('gpt-5.3-chat', null, 'input', 'datazone', 1000000),
    ],
    ['5.4 pro longco opt Gl 1M Tokens', '1M', 'Azure OpenAI GPT5', { notPriced: 'long context meter' }],
    ['5.4 longco cd inp Gl 1M Tokens', '1M', 'Azure OpenAI GPT5', { notPriced: 'long context meter' }],
    ['5.4 nano Batch cd Inp Gl 1M Tokens', '1M', 'Azure OpenAI GPT5', { notPriced: 'batch meter' }],
    [
      '5.3 codex pp cd inp Gl 1M Tokens',
      '1M',
      'Azure OpenAI GPT5',
      { notPriced: 'priority processing meter' },
    ],
    ['4.1 pp opt Gl Tokens', '1K', 'Azure OpenAI PP FT GPT4s', { notPriced: 'priority processing meter' }],
    ['gpt rt 1.5 txt inp Dz 1M Tokens', '1M', 'Azure OpenAI Media', { notPriced: 'realtime meter' }],
    [
      'gpt aud 1.5 txt opt Gl 1M Tokens',
      '1M',
      'Azure OpenAI Media',
      tokenMeter('gpt-audio-1.5', null, 'output', 'global', 1000000),
    ],
    [
      'gpt aud 1.5 opt Gl 1M Tokens',
      '1M',
      'Azure OpenAI Media',
      tokenMeter('gpt-audio-1.5', null, 'audioOutput', 'global', 1000000),
    ],
    // another publisher's meter (partnerMeterName.test.ts has the rest): per page, not per token
    ['Doc AI 2512 glbl Pages', '1K', 'Azure Mistral Models', { notPriced: 'non-token meter pages' }],
  ] satisfies [string, string, string, Expectation][])('%s', (name, unit, product, expected) => {
    expect(observed(classifyMeter(meter(name, unit, product)))).toEqual(expected);
  });
});

describe('classifyMeter matches whole words and fails closed', () => {
  it.each([
    // `gpt` contains `pt`, `Glbl` contains `Gl`: neither may trigger a rule meant for the whole word
    ['gpt 4.1 Inp Gl Tokens', '1K', tokenMeter('gpt-4.1', null, 'input', 'global')],
    ['gpt 4.1 Inp Dz Tokens', '1K', tokenMeter('gpt-4.1', null, 'input', 'datazone')],
    ['gpt-4o-ft input global Tokens', '1K', tokenMeter('gpt-4o-ft', null, 'input', 'global')],
    ['gpt-4o FTuned Inp glbl Tokens', '1K', { notPriced: 'fine-tune meter' }],
    ['gpt 4.1 lng ctx Inp glbl Tokens', '1K', { notPriced: 'long context meter' }],
    ['gpt 4.1 long context Inp glbl Tokens', '1K', { notPriced: 'long context meter' }],
    ['5.4 Inp Fl Gl 1M Tokens', '1M', { notPriced: 'flex processing meter' }],
    ['gpt 4.1 Inp glbl Tokens', '1/Hour', { notPriced: 'non-token unit 1/Hour' }],
    ['gpt 4.1 Inp glbl Characters', '1M', { notPriced: 'non-token meter characters' }],
    // the name's 1M must agree with the unit, or the price would be off by 1000×
    ['GPT 5 Mini Inpt Glbl 1M Tokens', '1K', { notPriced: UNRECOGNISED_NAME }],
    ['gpt 4.1 Inp Outp glbl Tokens', '1K', { notPriced: UNRECOGNISED_NAME }],
    ['gpt 4.1 Inp glbl regnl Tokens', '1K', { notPriced: UNRECOGNISED_NAME }],
    ['gpt 4.1 glbl Tokens', '1K', { notPriced: UNRECOGNISED_NAME }],
    ['gpt 4.1 Inp Tokens', '1K', { notPriced: UNRECOGNISED_NAME }],
    ['gpt 4.1 Inp glbl newtier Tokens', '1K', { notPriced: UNRECOGNISED_NAME }],
    ['Inp glbl Tokens', '1K', { notPriced: UNRECOGNISED_NAME }],
    // an unknown word before the markers stays in the family, where no event model can match it
    ['5.4 newtier inp Gl 1M Tokens', '1M', tokenMeter('gpt-5.4-newtier', null, 'input', 'global', 1000000)],
  ] satisfies [string, string, Expectation][])('%s (%s)', (name, unit, expected) => {
    expect(observed(classifyMeter(meter(name, unit)))).toEqual(expected);
  });
});

describe('trap meters: cheaper variants of a priced model are never picked', () => {
  it.each([
    ['gpt-4o-0806-Batch-Inp-glbl Tokens', 'gpt-4o-0806-Inp-glbl Tokens'],
    ['gpt-4o-0806-Batch-Outp-glbl Tokens', 'gpt-4o-0806-Outp-glbl Tokens'],
    ['gpt 4o 0806 Batch Inp Data Zone Tokens', 'gpt 4o 0806 Inp Data Zone Tokens'],
    ['gpt-4o-mini-0718-Batch-Inp-glbl Tokens', 'gpt-4o-mini-0718-Inp-glbl Tokens'],
    ['gpt 4o mini0718 BatchOutp DataZone Tokens', 'gpt 4o mini 0718 Outp Data Zone Tokens'],
    ['GPT 5 Mini Batch Inpt cchd Glbl 1M Tokens', 'GPT 5 Mini cchd Inpt Glbl 1M Tokens'],
    ['o1 1217 Batch Inp glbl Tokens', 'o1 1217 Inp glbl Tokens'],
    ['gpt-35-trb16K-Batch-125-Inp-glbl Tokens', 'gpt-35-turbo-16K-0125 Input-regional Tokens'],
  ])('%s (cheaper than %s)', (trapName, standardName) => {
    const trap = catalogItem(trapName);
    const standard = catalogItem(standardName);
    expect(trap.retailPrice).toBeLessThan(standard.retailPrice);
    expect(classifyMeter(trap)).toEqual({ priced: false, reason: 'batch meter' });
    expect(classifyMeter(standard).priced).toBe(true);
  });

  it.each([
    ['gpt-4o-ft model grader input Tokens', 'grader meter'],
    ['gpt-4o-mini-ft model grader input Tokens', 'grader meter'],
    ['gpt-4.1-ft mdl grdr inpt Tokens', 'grader meter'],
    ['o3-mini-ft model grader input Tokens', 'grader meter'],
  ])('%s names a priced family but is a %s', (name, reason) => {
    expect(classifyMeter(catalogItem(name))).toEqual({ priced: false, reason });
  });

  it.each([
    ['gpt-4.1-ft input global Tokens', 'gpt-4.1-2025-04-14', 'gpt-4.1-ft'],
    // the developer tier's meters are never chosen: nothing in the event says a deployment is one
    ['gpt-4.1-dev-ft inpt glbl Tokens', 'gpt-4.1-2025-04-14', 'gpt-4.1-ft'],
    ['o4-mini-ft input global Tokens', 'o4-mini-2025-04-16', 'o4-mini-ft'],
  ])('%s is a fine-tuned family that %s never resolves to', (name, model, fineTunedFamily) => {
    const parsed = classifyMeter(catalogItem(name));
    expect(parsed.priced && parsed.meter.family).toMatch(/-ft$/);
    expect(versionFromModelName(model).family).not.toMatch(/-ft$/);
    expect(versionFromModelName(`${model}.ft-0e208ab7e17a4f6b8e6f4a4e16bbd2b0`).family).toBe(fineTunedFamily);
  });

  it('excludes priority processing of gpt-4.1 and gpt-5 although the rest of the name is standard', () => {
    const standard = meter('4.1 cd inp Gl Tokens', '1K', 'Azure OpenAI PP FT GPT4s');
    expect(observed(classifyMeter(standard))).toEqual(tokenMeter('gpt-4.1', null, 'cachedInput', 'global'));
    expect(classifyMeter({ ...standard, meterName: '4.1 pp cd inp Gl Tokens' })).toEqual({
      priced: false,
      reason: 'priority processing meter',
    });
  });
});

describe('normalizeFamily', () => {
  it.each([
    ['gpt-4o', 'gpt-4o'],
    ['gpt-4o-2024-08-06', 'gpt-4o'],
    ['gpt-4o-mini', 'gpt-4o-mini'],
    ['GPT-5-mini', 'gpt-5-mini'],
    ['GPT 5 Mini', 'gpt-5-mini'],
    ['gpt-35-turbo-16k', 'gpt-35-turbo'],
    ['gpt-35-turbo-16K-0125', 'gpt-35-turbo'],
    ['gpt-3.5-turbo', 'gpt-35-turbo'],
    ['gpt-4.1', 'gpt-4.1'],
    ['gpt 41', 'gpt-4.1'],
    ['gpt-4.1-mini-2025-04-14', 'gpt-4.1-mini'],
    ['5.4', 'gpt-5.4'],
    ['54 mini', 'gpt-5.4-mini'],
    ['gpt-4-32k', 'gpt-4'],
    ['gpt-4-turbo128K', 'gpt-4-turbo'],
    ['gpt4o', 'gpt-4o'],
    ['gpt4omini', 'gpt-4o-mini'],
    ['o3-mini', 'o3-mini'],
    ['o3 mini', 'o3-mini'],
    ['o1-preview', 'o1-preview'],
    ['text-embedding-3-large', 'text-embedding-3-large'],
    ['text-embedding-ada-002', 'text-embedding-ada-002'],
    ['ada', 'text-embedding-ada-002'],
    ['embedding-ada', 'text-embedding-ada-002'],
    ['computer-use-preview', 'computer-use'],
    ['gpt-oss-120b', 'gpt-oss-120b'],
    ['  gpt_4o  ', 'gpt-4o'],
    ['', ''],
  ])('%j → %s', (name, family) => {
    expect(normalizeFamily(name)).toBe(family);
  });
});

describe('versionFromModelName', () => {
  it.each([
    ['gpt-4o-2024-08-06', 'gpt-4o', '0806'],
    ['gpt-4o-2024-05-13', 'gpt-4o', '0513'],
    ['gpt-4o-mini-2024-07-18', 'gpt-4o-mini', '0718'],
    ['gpt-35-turbo-0125', 'gpt-35-turbo', '0125'],
    ['gpt-35-turbo-16k-0613', 'gpt-35-turbo', '0613'],
    ['gpt-4-32k-0613', 'gpt-4', '0613'],
    ['o1-2024-12-17', 'o1', '1217'],
    ['o3-mini-2025-01-31', 'o3-mini', '0131'],
    ['gpt-5-mini-2025-08-07', 'gpt-5-mini', '0807'],
    ['gpt-4.1-2025-04-14', 'gpt-4.1', '0414'],
    ['o3-deep-research-2025-06-26', 'o3-deep-research', '0626'],
    ['computer-use-preview-2025-03-11', 'computer-use', '0311'],
    ['gpt-4o', 'gpt-4o', null],
    ['gpt-5-mini', 'gpt-5-mini', null],
    ['text-embedding-3-large', 'text-embedding-3-large', null],
    ['text-embedding-ada-002', 'text-embedding-ada-002', null],
    ['ada', 'text-embedding-ada-002', null],
    ['gpt-4-1106-preview', 'gpt-4-1106-preview', null],
    // not a month and day: part of the name
    ['model-2512', 'model-2512', null],
    ['0806', '0806', null],
    // fine-tuned: the base's family with -ft, and the base's version
    ['gpt-4o-mini-2024-07-18.ft-0e208ab7e17a4f6b8e6f4a4e16bbd2b0', 'gpt-4o-mini-ft', '0718'],
    ['gpt-4.1-2025-04-14.ft-5d9c1e4a7b2f4c0e8a3d6b1f9e2c7a40-payroll', 'gpt-4.1-ft', '0414'],
    ['gpt-35-turbo-0613.ft-b044a9d3cf9c4228b5d393567f693b83', 'gpt-35-turbo-ft', '0613'],
  ])('%s → %s %s', (model, family, version) => {
    expect(versionFromModelName(model)).toEqual({ family, version });
  });

  it('puts an event model and its catalog meter in the same family', () => {
    const cases: [string, string][] = [
      ['gpt-4o-2024-08-06', 'gpt-4o-0806-Inp-glbl Tokens'],
      ['gpt-4.1-2025-04-14', 'gpt 4.1 Inp glbl Tokens'],
      ['gpt-5-mini-2025-08-07', 'GPT 5 Mini Inpt Glbl 1M Tokens'],
      ['gpt-5-2025-08-07', 'GPT 5 Rsng Inpt Glbl 1M Tokens'],
      ['gpt-35-turbo-0125', 'gpt-35-turbo-16K-0125 Input-regional Tokens'],
      ['text-embedding-ada-002', 'embedding-ada-glbl Tokens'],
      ['ada', 'embedding-ada-regional Tokens'],
      ['computer-use-preview-2025-03-11', 'computer-use-inpt-glbl Tokens'],
      ['codex-mini-2025-05-16', 'codex mini inp glbl Tokens'],
      ['o4-mini-2025-04-16', 'o4-mini 0416 Inp glbl Tokens'],
    ];
    for (const [model, meterName] of cases) {
      const result = classifyMeter(catalogItem(meterName));
      expect(result.priced && result.meter.family, meterName).toBe(versionFromModelName(model).family);
    }
  });
});
