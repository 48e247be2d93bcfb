/**
 * Exact money without a float in the sums. Prices are held as integer atto-units (1e-18) of the
 * currency, which represents every Retail Prices value exactly (they have at most ~10 decimals);
 * a request's cost is rounded once, half-even, to integer nano-units (1e-9), the ledger amount
 * that rollups and reports add up.
 */
export const ATTO_DIGITS = 18;
const ATTO = 10n ** 18n;
export const NANO_PER_UNIT = 1_000_000_000n;

/** `0.0025`, `7.5e-05`, `"1.1E-7"` → integer atto-units. Uses the shortest decimal form of a number. */
export function toAtto(value: number | string): bigint {
  const { atto, exact, text } = readAtto(value);
  if (!exact) throw new RangeError(`${text} has more than ${ATTO_DIGITS} decimals`);
  return atto;
}

/**
 * Like `toAtto`, but a value with more than 18 decimals (a float artefact such as
 * `7.000000000000001e-7`) is rounded half-even to the nearest atto-unit instead of refused.
 * `exact` says whether anything was dropped.
 */
export function toAttoRounded(value: number | string): { readonly atto: bigint; readonly exact: boolean } {
  const { atto, exact } = readAtto(value);
  return { atto, exact };
}

/** Exponents beyond this are not prices: refusing them keeps a hostile `1e999999999` from building a huge bigint. */
const MAX_EXPONENT = 400;

function readAtto(value: number | string): { atto: bigint; exact: boolean; text: string } {
  const text = typeof value === 'number' ? numberToDecimalText(value) : value.trim();
  const match = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === ''))
    throw new RangeError(`not a decimal number: ${text}`);
  const [, sign, intPart = '', fracPart = '', expPart = '0'] = match;
  const exponent = Number(expPart);
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > MAX_EXPONENT)
    throw new RangeError(`${text} is out of range`);
  const digitText = `${intPart}${fracPart}`.replace(/^0+/, '');
  const digits = BigInt(digitText || '0');
  const scale = ATTO_DIGITS + exponent - fracPart.length;
  const signed = (n: bigint) => (sign === '-' ? -n : n);
  if (scale >= 0) return { atto: signed(digits * 10n ** BigInt(scale)), exact: true, text };
  // Below half an atto-unit whatever the digits: rounds to 0 without building 10^-scale.
  if (-scale > digitText.length) return { atto: 0n, exact: digits === 0n, text };
  const divisor = 10n ** BigInt(-scale);
  return { atto: signed(divideHalfEven(digits, divisor)), exact: digits % divisor === 0n, text };
}

function numberToDecimalText(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite price: ${value}`);
  return String(value);
}

/** Integer atto-units → a plain decimal string without exponent or trailing zeros: `0.0000025`. */
export function attoToDecimal(atto: bigint): string {
  const negative = atto < 0n;
  const abs = negative ? -atto : atto;
  const whole = abs / ATTO;
  const frac = (abs % ATTO).toString().padStart(ATTO_DIGITS, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${frac === '' ? '' : `.${frac}`}`;
}

/** Divides and rounds half to even (banker's rounding), so rounding errors do not drift one way. */
export function divideHalfEven(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('denominator must be positive');
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  const quotient = n / denominator;
  const twice = (n % denominator) * 2n;
  const rounded =
    twice > denominator || (twice === denominator && quotient % 2n === 1n) ? quotient + 1n : quotient;
  return negative ? -rounded : rounded;
}

/** Nano-units → a decimal string with exactly 9 decimals, for exports. */
export function nanosToDecimal(nanos: bigint | number): string {
  const value = BigInt(nanos);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  return `${negative ? '-' : ''}${abs / NANO_PER_UNIT}.${(abs % NANO_PER_UNIT).toString().padStart(9, '0')}`;
}

/** Nano-units → cents-rounded display (half-even), e.g. `4312.18`. */
export function nanosToCents(nanos: bigint | number): string {
  const cents = divideHalfEven(BigInt(nanos), 10_000_000n);
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  return `${negative ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}
