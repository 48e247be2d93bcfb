import { createHash } from 'node:crypto';

import { isGuid } from '../events/guid.js';
import { normalizeFamily } from '../pricing/modelFamily.js';

/** What a budget counts: one app, one business unit (finance's mapping), one model family, or all. */
export type BudgetScope =
  | { readonly kind: 'app'; readonly appId: string }
  | { readonly kind: 'businessUnit'; readonly name: string }
  | { readonly kind: 'model'; readonly family: string }
  | { readonly kind: 'all' };

export type BudgetPeriod = 'monthly' | 'daily';
/** Whether thresholds fire on the spend so far or on the forecast for the end of the period. */
export type BudgetBasis = 'actual' | 'forecast';

export interface Budget {
  /** Canonical text of the scope (`app:<lower-case guid>`, `businessUnit:HR`, `model:gpt-4o`, `all`). */
  readonly scope: string;
  readonly period: BudgetPeriod;
  /** In integer nano-units of `currency`, as every cost in the ledger. */
  readonly amountNanos: bigint;
  readonly currency: string;
  /** Whole percentages, ascending, distinct, 1-1000. */
  readonly thresholds: readonly number[];
  readonly hard: boolean;
  readonly on: BudgetBasis;
}

export const DEFAULT_THRESHOLDS: readonly number[] = [50, 80, 100];
export const MAX_THRESHOLD = 1000;
const MAX_UNIT_LENGTH = 128;

/** A bad budget argument; the message names the field and the problem. */
export class BudgetInputError extends Error {
  override readonly name = 'BudgetInputError';
}

const SCOPE_KINDS = 'app:<appId>, businessUnit:<name>, model:<family> or all';

export function parseScope(text: string): BudgetScope {
  const raw = text.trim();
  if (raw === 'all') return { kind: 'all' };
  const colon = raw.indexOf(':');
  const kind = colon === -1 ? raw : raw.slice(0, colon);
  const value = colon === -1 ? '' : raw.slice(colon + 1).trim();
  switch (kind) {
    case 'app':
      if (!isGuid(value)) throw new BudgetInputError(`scope: "${value}" is not a GUID app id`);
      return { kind: 'app', appId: value.toLowerCase() };
    case 'businessUnit':
      if (value === '' || value.length > MAX_UNIT_LENGTH)
        throw new BudgetInputError(`scope: a business unit name must be 1-${MAX_UNIT_LENGTH} characters`);
      return { kind: 'businessUnit', name: value };
    case 'model': {
      const family = value === '' ? '' : normalizeFamily(value);
      if (family === '') throw new BudgetInputError('scope: model:<family> needs a family such as gpt-4o');
      return { kind: 'model', family };
    }
    default:
      throw new BudgetInputError(`scope: unknown kind "${kind}" (use ${SCOPE_KINDS})`);
  }
}

export function scopeText(scope: BudgetScope): string {
  switch (scope.kind) {
    case 'app':
      return `app:${scope.appId}`;
    case 'businessUnit':
      return `businessUnit:${scope.name}`;
    case 'model':
      return `model:${scope.family}`;
    case 'all':
      return 'all';
  }
}

/** Cosmos ids may not hold `/ \ ? #`, which a business unit may: ids use a hash of the scope. */
export function scopeHash(scope: string): string {
  return createHash('sha256').update(scope).digest('hex').slice(0, 32);
}

/**
 * `1250`, `1250.5`, `0.000000001` → integer nano-units, read digit by digit (never through a float,
 * which cannot hold most decimal fractions).
 */
export function parseAmount(text: string): bigint {
  const raw = text.trim();
  if (raw.startsWith('-')) throw new BudgetInputError(`amount: must not be negative (got ${raw})`);
  const match = /^(\d+)(?:\.(\d+))?$/.exec(raw);
  if (match === null) throw new BudgetInputError(`amount: "${raw}" is not a decimal number such as 1250.50`);
  const [, whole = '0', fraction = ''] = match;
  if (fraction.length > 9) throw new BudgetInputError('amount: at most 9 decimals (nano-units)');
  const nanos = BigInt(whole) * 1_000_000_000n + BigInt(fraction.padEnd(9, '0'));
  if (nanos === 0n) throw new BudgetInputError('amount: must be greater than 0');
  return nanos;
}

/** `50,80,100` → [50, 80, 100]: whole percentages, sorted, duplicates dropped. */
export function parseThresholds(text: string): number[] {
  const parts = text.split(',').map((part) => part.trim().replace(/%$/, ''));
  const values = parts.map((part) => {
    if (!/^\d+$/.test(part))
      throw new BudgetInputError(`thresholds: "${part}" is not a whole percentage (e.g. 50,80,100)`);
    const value = Number(part);
    if (value < 1) throw new BudgetInputError('thresholds: each must be at least 1%');
    if (value > MAX_THRESHOLD)
      throw new BudgetInputError(
        `thresholds: ${value}% is over ${MAX_THRESHOLD}%; use at most ${MAX_THRESHOLD}`,
      );
    return value;
  });
  return [...new Set(values)].sort((a, b) => a - b);
}

export function parsePeriod(text: string): BudgetPeriod {
  if (text === 'monthly' || text === 'daily') return text;
  throw new BudgetInputError(`period: must be monthly or daily (got "${text}")`);
}

export function parseBasis(text: string): BudgetBasis {
  if (text === 'actual' || text === 'forecast') return text;
  throw new BudgetInputError(`on: must be actual or forecast (got "${text}")`);
}

export interface BudgetArguments {
  readonly scope: string;
  readonly amount: string;
  readonly period?: string;
  readonly thresholds?: string;
  readonly hard?: boolean;
  readonly on?: string;
}

/** CLI arguments → a budget, or a BudgetInputError naming the field. */
export function budgetFromArguments(args: BudgetArguments, currency: string): Budget {
  return {
    scope: scopeText(parseScope(args.scope)),
    amountNanos: parseAmount(args.amount),
    period: parsePeriod(args.period ?? 'monthly'),
    thresholds: args.thresholds === undefined ? DEFAULT_THRESHOLDS : parseThresholds(args.thresholds),
    hard: args.hard === true,
    on: parseBasis(args.on ?? 'actual'),
    currency,
  };
}
