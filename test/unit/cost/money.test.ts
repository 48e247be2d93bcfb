import { describe, expect, it } from 'vitest';

import { computeCostNanos, type TokenPrice } from '../../../shared/cost/computeCost.js';
import {
  attoToDecimal,
  divideHalfEven,
  nanosToCents,
  nanosToDecimal,
  toAtto,
  toAttoRounded,
} from '../../../shared/cost/money.js';

// Expected values below are worked out by hand (in the comments) and written as literals, never by
// calling the code under test. 1 atto = 1e-18, 1 nano = 1e-9 of the currency.

describe('toAtto', () => {
  it('reads plain decimals exactly', () => {
    expect(toAtto(0.0025)).toBe(2_500_000_000_000_000n); // 0.0025 × 1e18
    expect(toAtto('0.0000165')).toBe(16_500_000_000_000n); // 1.65e-5 × 1e18
    expect(toAtto(16.5)).toBe(16_500_000_000_000_000_000n);
    expect(toAtto(2)).toBe(2_000_000_000_000_000_000n);
    expect(toAtto('0')).toBe(0n);
    expect(toAtto(' 0.01 ')).toBe(10_000_000_000_000_000n);
    expect(toAtto('.5')).toBe(500_000_000_000_000_000n);
    expect(toAtto('5.')).toBe(5_000_000_000_000_000_000n);
    expect(toAtto('-0.5')).toBe(-500_000_000_000_000_000n);
  });

  it('reads exponent notation as the Retail Prices JSON (Python-made) writes it', () => {
    // gpt-4o-mini-0718-Batch-Inp-glbl is 7.5e-05 on the wire.
    expect(toAtto('7.5e-05')).toBe(75_000_000_000_000n);
    expect(toAtto(7.5e-5)).toBe(75_000_000_000_000n);
    expect(toAtto('1.1E-7')).toBe(110_000_000_000n);
    expect(toAtto(1.1e-7)).toBe(110_000_000_000n); // String(1.1e-7) is "1.1e-7"
    expect(toAtto('2.5E+1')).toBe(25_000_000_000_000_000_000n);
    expect(toAtto('1e-18')).toBe(1n);
    expect(toAtto('12e-1')).toBe(1_200_000_000_000_000_000n);
  });

  it('refuses what it cannot represent exactly, or is not a number', () => {
    expect(() => toAtto('1e-19')).toThrow(RangeError);
    expect(() => toAtto('0.0000000000000000001')).toThrow(/more than 18 decimals/);
    expect(() => toAtto('abc')).toThrow(RangeError);
    expect(() => toAtto('')).toThrow(RangeError);
    expect(() => toAtto('.')).toThrow(RangeError);
    expect(() => toAtto('1,5')).toThrow(RangeError);
    expect(() => toAtto(Number.NaN)).toThrow(RangeError);
    expect(() => toAtto(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('attoToDecimal', () => {
  it('writes plain decimals without exponent or trailing zeros', () => {
    expect(attoToDecimal(75_000_000_000_000n)).toBe('0.000075');
    expect(attoToDecimal(110_000_000_000n)).toBe('0.00000011');
    expect(attoToDecimal(16_500_000_000_000_000_000n)).toBe('16.5');
    expect(attoToDecimal(2_000_000_000_000_000_000n)).toBe('2');
    expect(attoToDecimal(0n)).toBe('0');
    expect(attoToDecimal(1n)).toBe('0.000000000000000001');
    expect(attoToDecimal(-2_500_000_000_000_000n)).toBe('-0.0025');
  });

  it('round-trips every decimal text', () => {
    for (const text of ['0.000075', '0.0000165', '16.5', '0.001375', '0.000083', '2.2', '0.0275']) {
      expect(attoToDecimal(toAtto(text))).toBe(text);
    }
  });
});

describe('divideHalfEven', () => {
  it('rounds ties to the even neighbour, both signs', () => {
    expect(divideHalfEven(5n, 2n)).toBe(2n); // 2.5 → 2
    expect(divideHalfEven(7n, 2n)).toBe(4n); // 3.5 → 4
    expect(divideHalfEven(15n, 10n)).toBe(2n); // 1.5 → 2
    expect(divideHalfEven(25n, 10n)).toBe(2n); // 2.5 → 2
    expect(divideHalfEven(35n, 10n)).toBe(4n); // 3.5 → 4
    expect(divideHalfEven(1n, 2n)).toBe(0n); // 0.5 → 0
    expect(divideHalfEven(-5n, 2n)).toBe(-2n);
    expect(divideHalfEven(-7n, 2n)).toBe(-4n);
  });

  it('rounds non-ties to the nearest', () => {
    expect(divideHalfEven(26n, 10n)).toBe(3n);
    expect(divideHalfEven(24n, 10n)).toBe(2n);
    expect(divideHalfEven(-26n, 10n)).toBe(-3n);
    expect(divideHalfEven(10n, 5n)).toBe(2n);
    expect(divideHalfEven(0n, 7n)).toBe(0n);
    expect(divideHalfEven(2n, 3n)).toBe(1n);
    expect(divideHalfEven(1n, 3n)).toBe(0n);
  });

  it('refuses a zero or negative denominator', () => {
    expect(() => divideHalfEven(1n, 0n)).toThrow(RangeError);
    expect(() => divideHalfEven(1n, -1n)).toThrow(RangeError);
  });
});

describe('nanosToCents and nanosToDecimal', () => {
  it('rounds nano-units to cents half-even', () => {
    expect(nanosToCents(4_312_175_000_000n)).toBe('4312.18'); // .175 → .18 (7 is odd)
    expect(nanosToCents(4_312_185_000_000n)).toBe('4312.18'); // .185 → .18 (8 is even)
    expect(nanosToCents(4_312_185_000_001n)).toBe('4312.19'); // just past the tie
    expect(nanosToCents(5_000_000n)).toBe('0.00'); // 0.005 → 0.00
    expect(nanosToCents(15_000_000n)).toBe('0.02'); // 0.015 → 0.02
    expect(nanosToCents(-15_000_000n)).toBe('-0.02');
    expect(nanosToCents(3_015_000)).toBe('0.00'); // number input: 0.003015
    expect(nanosToCents(0)).toBe('0.00');
    expect(nanosToCents(100_000_000_000n)).toBe('100.00');
  });

  it('writes nano-units with exactly nine decimals', () => {
    expect(nanosToDecimal(1n)).toBe('0.000000001');
    expect(nanosToDecimal(3_015_000)).toBe('0.003015000');
    expect(nanosToDecimal(1_500_000_000n)).toBe('1.500000000');
    expect(nanosToDecimal(-1n)).toBe('-0.000000001');
    expect(nanosToDecimal(0)).toBe('0.000000000');
    expect(nanosToDecimal(75_075_000_000n)).toBe('75.075000000');
  });
});

// Real retail prices (samples/retail-prices-snapshot.json), written here as atto per unit by hand.
const K = (atto: bigint): TokenPrice => ({ atto, unitSize: 1000 });
const M = (atto: bigint): TokenPrice => ({ atto, unitSize: 1000000 });
const GPT4O_INPUT = K(2_500_000_000_000_000n); // gpt-4o-0806-Inp-glbl 0.0025 / 1K
const GPT4O_CACHED = K(1_250_000_000_000_000n); // gpt 4o 0806 cached Inp glbl 0.00125 / 1K
const GPT4O_OUTPUT = K(10_000_000_000_000_000n); // gpt-4o-0806-Outp-glbl 0.01 / 1K
const GPT5_MINI_INPUT = M(250_000_000_000_000_000n); // GPT 5 Mini Inpt Glbl 1M 0.25 / 1M
const GPT5_MINI_CACHED = M(25_000_000_000_000_000n); // GPT 5 Mini cchd Inpt Glbl 1M 0.025 / 1M
const GPT5_MINI_OUTPUT = M(2_000_000_000_000_000_000n); // GPT 5 Mini outpt Glbl 1M 2 / 1M
const EMBED_SMALL = K(20_000_000_000_000n); // text-embedding-3-small-glbl 0.00002 / 1K

describe('computeCostNanos', () => {
  it('prices the sample v2 event: (prompt − cached) × input + cached × cached + completion × output', () => {
    // 1566 prompt, 1408 cached, 86 completion (samples/v2-event-from-policy.json), gpt-4o 0806 global:
    // 158 × 0.0000025 = 0.000395; 1408 × 0.00000125 = 0.00176; 86 × 0.00001 = 0.00086 → 0.003015
    const nanos = computeCostNanos(
      { promptTokens: 1566, cachedTokens: 1408, completionTokens: 86 },
      GPT4O_INPUT,
      GPT4O_CACHED,
      GPT4O_OUTPUT,
    );
    expect(nanos).toBe(3_015_000n);
  });

  it('treats 1K and 1M units alike: 0.25 per 1M is 0.00025 per 1K', () => {
    const tokens = { promptTokens: 1000, cachedTokens: 0, completionTokens: 0 };
    // 1000 × 0.25 / 1e6 = 0.00025 → 250,000 nano
    expect(computeCostNanos(tokens, GPT5_MINI_INPUT, undefined, undefined)).toBe(250_000n);
    expect(computeCostNanos(tokens, K(250_000_000_000_000n), undefined, undefined)).toBe(250_000n);
    // Mixed units in one request: 1M input/cached/output of gpt-5-mini.
    // 700 × 0.25e-6 = 0.000175; 300 × 0.025e-6 = 0.0000075; 500 × 2e-6 = 0.001 → 0.0011825
    expect(
      computeCostNanos(
        { promptTokens: 1000, cachedTokens: 300, completionTokens: 500 },
        GPT5_MINI_INPUT,
        GPT5_MINI_CACHED,
        GPT5_MINI_OUTPUT,
      ),
    ).toBe(1_182_500n);
  });

  it('prices cached tokens at the input price when there is no cached-input meter', () => {
    // 1000 prompt of which 400 cached, all at 0.0025/1K → 0.0025
    const tokens = { promptTokens: 1000, cachedTokens: 400, completionTokens: 0 };
    expect(computeCostNanos(tokens, GPT4O_INPUT, undefined, undefined)).toBe(2_500_000n);
    // With the meter the 400 cached cost half: 600 × 0.0000025 + 400 × 0.00000125 = 0.0015 + 0.0005
    expect(computeCostNanos(tokens, GPT4O_INPUT, GPT4O_CACHED, undefined)).toBe(2_000_000n);
  });

  it('prices embeddings without an output meter, and refuses completion tokens without one', () => {
    // 8 prompt tokens of text-embedding-3-small: 8 × 0.00000002 = 0.00000016
    expect(
      computeCostNanos(
        { promptTokens: 8, cachedTokens: 0, completionTokens: 0 },
        EMBED_SMALL,
        undefined,
        undefined,
      ),
    ).toBe(160n);
    expect(() =>
      computeCostNanos(
        { promptTokens: 8, cachedTokens: 0, completionTokens: 1 },
        EMBED_SMALL,
        undefined,
        undefined,
      ),
    ).toThrow(RangeError);
  });

  it('rounds once, half-even, to nano-units', () => {
    const price = K(16_500_000_000_000n); // 0.0000165 / 1K = 16.5 nano per token
    const cost = (prompt: number) =>
      computeCostNanos(
        { promptTokens: prompt, cachedTokens: 0, completionTokens: 0 },
        price,
        undefined,
        undefined,
      );
    expect(cost(1)).toBe(16n); // 16.5 → 16
    expect(cost(3)).toBe(50n); // 49.5 → 50
    expect(cost(2)).toBe(33n); // exact
    expect(cost(0)).toBe(0n);
    // Rounded once for the request, not per token kind: 1 input + 1 cached at 16.5 each = 33, not 16 + 16.
    expect(
      computeCostNanos({ promptTokens: 2, cachedTokens: 1, completionTokens: 0 }, price, price, undefined),
    ).toBe(33n);
  });

  it('sums 1,000,000 small costs exactly, where floats drift', () => {
    // gpt-4o-mini-0718-Inp-glbl 0.00015 / 1K = 150 nano per token; request i has (i mod 1000) + 1 tokens.
    const price = K(150_000_000_000_000n);
    let ledger = 0n;
    let float = 0;
    for (let i = 0; i < 1_000_000; i++) {
      const tokens = (i % 1000) + 1;
      ledger += computeCostNanos(
        { promptTokens: tokens, cachedTokens: 0, completionTokens: 0 },
        price,
        undefined,
        undefined,
      );
      float += (tokens * 0.00015) / 1000;
    }
    // Reference: Σ tokens = 1000 × (1 + … + 1000) = 1000 × 500,500 = 500,500,000; × 150 nano = 75.075
    const reference = 150n * 1000n * ((1000n * 1001n) / 2n);
    expect(reference).toBe(75_075_000_000n);
    expect(ledger).toBe(reference);
    expect(nanosToDecimal(ledger)).toBe('75.075000000');
    // The same sum in floating point is not 75.075.
    expect(float).not.toBe(75.075);
    expect(Math.abs(float - 75.075)).toBeGreaterThan(0);
  });
});

describe('toAttoRounded', () => {
  it('rounds more than 18 decimals half-even to the nearest atto-unit, and says so', () => {
    // 7.000000000000001e-7 = 0.0000007000000000000001: the 1 is at the 22nd decimal.
    expect(toAttoRounded(7.000000000000001e-7)).toEqual({ atto: 700_000_000_000n, exact: false });
    expect(toAttoRounded('0.0000000000000000015')).toEqual({ atto: 2n, exact: false }); // tie → even
    expect(toAttoRounded('0.0000000000000000025')).toEqual({ atto: 2n, exact: false }); // tie → even
    expect(toAttoRounded('0.00000000000000000251')).toEqual({ atto: 3n, exact: false });
    expect(toAttoRounded('1e-300')).toEqual({ atto: 0n, exact: false });
    expect(toAttoRounded('0.0025')).toEqual({ atto: 2_500_000_000_000_000n, exact: true });
  });

  it('refuses exponents no price has, without building a huge number', () => {
    expect(() => toAttoRounded('1e999999999')).toThrow(/out of range/);
    expect(() => toAttoRounded('1e-401')).toThrow(/out of range/);
    expect(() => toAttoRounded(Number.NaN)).toThrow(RangeError);
  });
});
