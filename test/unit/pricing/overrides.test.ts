import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { pricerSettings } from '../../../shared/app/services.js';
import { loadSettings } from '../../../shared/config.js';
import { UserError } from '../../../shared/errors.js';
import { effectivePrice } from '../../../shared/pricing/overrides.js';
import { PriceBook } from '../../../shared/pricing/priceBook.js';
import { toPriceDocs, toPriceRows } from '../../../shared/pricing/priceRows.js';
import { createPricer } from '../../../shared/pricing/pricer.js';
import type { RetailPriceItem } from '../../../shared/pricing/types.js';
import { testUsage } from '../../helpers/usage.js';

const snapshot = JSON.parse(
  readFileSync(new URL('../../../samples/retail-prices-snapshot.json', import.meta.url), 'utf8'),
) as RetailPriceItem[];
const rows = toPriceRows(toPriceDocs(snapshot, 'USD', '2026-01-01T00:00:00.000Z').docs);
const book = new PriceBook(rows, 'USD', '2026-01-01T00:00:00.000Z');

function row(meterName: string) {
  const found = rows.find((candidate) => candidate.meterName === meterName);
  if (found === undefined) throw new Error(`no row ${meterName}`);
  return found;
}

const GPT4O_IN = row('gpt-4o-0806-Inp-glbl Tokens'); // 0.0025 / 1K
const MINI_CACHED = row('gpt 4o mini 0718 cached Inp Data Zone Tokens'); // 0.000083 / 1K
const GPT5_MINI_OUT = row('GPT 5 Mini outpt Glbl 1M Tokens'); // 2 / 1M

describe('effectivePrice', () => {
  it('is the retail price without overrides', () => {
    expect(effectivePrice(GPT4O_IN, undefined)).toEqual({ atto: 2_500_000_000_000_000n });
    expect(effectivePrice(GPT4O_IN, {})).toEqual({ atto: 2_500_000_000_000_000n });
    expect(effectivePrice(GPT4O_IN, { meters: { 'some-other-meter': 1 } })).toEqual({
      atto: 2_500_000_000_000_000n,
    });
  });

  it('replaces a meter’s price', () => {
    expect(effectivePrice(GPT4O_IN, { meters: { [GPT4O_IN.meterId]: 0.00199 } })).toEqual({
      atto: 1_990_000_000_000_000n,
      override: 'meter 0.00199',
    });
    // A replacement is the negotiated price: no discount on top.
    expect(
      effectivePrice(GPT4O_IN, {
        meters: { [GPT4O_IN.meterId]: 0.002 },
        discountPercentByModel: { 'gpt-4o': 50 },
        discountPercent: 50,
      }),
    ).toEqual({ atto: 2_000_000_000_000_000n, override: 'meter 0.002' });
  });

  it('discounts per model family, exactly', () => {
    // 0.000083 × (1 − 0.125) = 0.000072625
    expect(effectivePrice(MINI_CACHED, { discountPercentByModel: { 'gpt-4o-mini': 12.5 } })).toEqual({
      atto: 72_625_000_000_000n,
      override: 'gpt-4o-mini -12.5%',
    });
    // The model discount wins over the overall one.
    expect(
      effectivePrice(MINI_CACHED, { discountPercentByModel: { 'gpt-4o-mini': 12.5 }, discountPercent: 30 }),
    ).toMatchObject({ override: 'gpt-4o-mini -12.5%' });
    // Another family's discount does not apply.
    expect(effectivePrice(MINI_CACHED, { discountPercentByModel: { 'gpt-4o': 12.5 } })).toEqual({
      atto: 83_000_000_000_000n,
    });
  });

  it('discounts everything else overall, with fractional percents', () => {
    // 2 × (1 − 0.0333) = 1.9334
    expect(effectivePrice(GPT5_MINI_OUT, { discountPercent: 3.33 })).toEqual({
      atto: 1_933_400_000_000_000_000n,
      override: 'all -3.33%',
    });
    // 0.0025 × 0 = 0 and 0.0025 × 1 = 0.0025
    expect(effectivePrice(GPT4O_IN, { discountPercent: 100 })).toEqual({ atto: 0n, override: 'all -100%' });
    expect(effectivePrice(GPT4O_IN, { discountPercent: 0 })).toEqual({
      atto: 2_500_000_000_000_000n,
      override: 'all -0%',
    });
  });
});

describe('PRICE_OVERRIDES setting', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'overrides-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts inline JSON', () => {
    const settings = loadSettings({ PRICE_OVERRIDES: '{"discountPercent": 7.5}' });
    expect(settings.PRICE_OVERRIDES).toEqual({ discountPercent: 7.5 });
    expect(loadSettings({ PRICE_OVERRIDES: '{}' }).PRICE_OVERRIDES).toEqual({});
  });

  it('is optional: unset or blank means no overrides', () => {
    expect(loadSettings({}).PRICE_OVERRIDES).toBeUndefined();
    expect(loadSettings({ PRICE_OVERRIDES: '  ' }).PRICE_OVERRIDES).toBeUndefined();
  });

  it('accepts a path to a JSON file, and the pricer applies it', () => {
    const file = path.join(dir, 'negotiated.json');
    const overrides = {
      meters: { [GPT4O_IN.meterId]: 0.002 },
      discountPercentByModel: { 'gpt-4o-mini': 20 },
      discountPercent: 10,
    };
    writeFileSync(file, JSON.stringify(overrides, null, 2));
    const settings = loadSettings({ PRICE_OVERRIDES: file });
    expect(settings.PRICE_OVERRIDES).toEqual(overrides);

    const pricer = createPricer(book, pricerSettings(settings));
    const price = (model: string, promptTokens: number, completionTokens: number) =>
      pricer.price(testUsage({ model, promptTokens, completionTokens })).cost;
    // gpt-4o 0806: input replaced by 0.002/1K, output 0.01 × 0.9 = 0.009/1K.
    // 1000 × 0.002/1K + 1000 × 0.009/1K = 0.002 + 0.009 = 0.011
    expect(price('gpt-4o-2024-08-06', 1000, 1000)).toMatchObject({
      status: 'priced',
      costNanos: 11_000_000,
      priceSet: {
        prices: [
          { kind: 'input', unitPrice: '0.002', override: 'meter 0.002' },
          { kind: 'output', unitPrice: '0.009', override: 'all -10%' },
        ],
      },
    });
    // gpt-4o-mini 0718: 0.00015 × 0.8 = 0.00012 and 0.0006 × 0.8 = 0.00048 per 1K
    // 1000 × 0.00012/1K + 1000 × 0.00048/1K = 0.0006
    expect(price('gpt-4o-mini-2024-07-18', 1000, 1000)).toMatchObject({
      status: 'priced',
      costNanos: 600_000,
      priceSet: {
        prices: [
          { unitPrice: '0.00012', override: 'gpt-4o-mini -20%' },
          { unitPrice: '0.00048', override: 'gpt-4o-mini -20%' },
        ],
      },
    });
  });

  it('names the setting when the file is missing, the JSON is bad or the shape is wrong', () => {
    const error = (value: string) => {
      try {
        loadSettings({ PRICE_OVERRIDES: value });
      } catch (caught) {
        return caught;
      }
      throw new Error(`accepted ${value}`);
    };
    const missing = error(path.join(dir, 'missing.json'));
    expect(missing).toBeInstanceOf(UserError);
    expect((missing as Error).message).toMatch(/PRICE_OVERRIDES: is neither JSON nor a readable file path/);
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{ "discountPercent": ');
    expect((error(bad) as Error).message).toMatch(/PRICE_OVERRIDES: is not valid JSON/);
    expect((error('{"discount": 10}') as Error).message).toMatch(/PRICE_OVERRIDES/);
    expect((error('{"discountPercent": 101}') as Error).message).toMatch(/PRICE_OVERRIDES\.discountPercent/);
    expect((error('{"meters": {"m": -1}}') as Error).message).toMatch(/PRICE_OVERRIDES\.meters\.m/);
  });
});
