import { describe, expect, it } from 'vitest';

import {
  BudgetInputError,
  budgetFromArguments,
  parseAmount,
  parseScope,
  parseThresholds,
} from '../../../shared/budgets/budget.js';
import { loadSettings } from '../../../shared/config.js';

const APP = '7D8A1C3E-2B4F-4E6A-9C1D-0F2E3A4B5C6D';

describe('budget input', () => {
  it('reads the four scope kinds, canonically', () => {
    expect(parseScope(`app:${APP}`)).toEqual({ kind: 'app', appId: APP.toLowerCase() });
    expect(parseScope('businessUnit:R&D Labs')).toEqual({ kind: 'businessUnit', name: 'R&D Labs' });
    // The model family rule of the pricer: versions and context sizes are not part of it.
    expect(parseScope('model:gpt-4o-2024-08-06')).toEqual({ kind: 'model', family: 'gpt-4o' });
    expect(parseScope('model:gpt-35-turbo-16k')).toEqual({ kind: 'model', family: 'gpt-35-turbo' });
    expect(parseScope('all')).toEqual({ kind: 'all' });
  });

  it.each([
    [
      'team:platform',
      'scope: unknown kind "team" (use app:<appId>, businessUnit:<name>, model:<family> or all)',
    ],
    ['everything', 'scope: unknown kind "everything"'],
    ['app:not-a-guid', 'scope: "not-a-guid" is not a GUID app id'],
    ['app:', 'scope: "" is not a GUID app id'],
    ['businessUnit:', 'scope: a business unit name must be 1-128 characters'],
    ['model:', 'scope: model:<family> needs a family'],
  ])('refuses scope %j', (scope, message) => {
    expect(() => parseScope(scope)).toThrow(BudgetInputError);
    expect(() => parseScope(scope)).toThrow(message);
  });

  it('parses amounts exactly, digit by digit, to nano-units', () => {
    expect(parseAmount('1250')).toBe(1_250_000_000_000n);
    expect(parseAmount('0.1')).toBe(100_000_000n);
    expect(parseAmount('0.000000001')).toBe(1n);
    // Beyond 2^53 nano-units, where a float would already be off.
    expect(parseAmount('90071992.547409934')).toBe(90_071_992_547_409_934n);
  });

  it.each([
    ['-5', 'amount: must not be negative (got -5)'],
    ['-0.01', 'amount: must not be negative'],
    ['0', 'amount: must be greater than 0'],
    ['1e3', 'amount: "1e3" is not a decimal number'],
    ['12,5', 'amount: "12,5" is not a decimal number'],
    ['0.0000000001', 'amount: at most 9 decimals'],
    ['', 'amount: "" is not a decimal number'],
  ])('refuses amount %j', (amount, message) => {
    expect(() => parseAmount(amount)).toThrow(message);
  });

  it('reads thresholds as whole percentages, sorted and distinct, up to 1000%', () => {
    expect(parseThresholds('100,50,80,80')).toEqual([50, 80, 100]);
    expect(parseThresholds('90%, 1000')).toEqual([90, 1000]);
    expect(() => parseThresholds('50,1001')).toThrow('thresholds: 1001% is over 1000%');
    expect(() => parseThresholds('0')).toThrow('thresholds: each must be at least 1%');
    expect(() => parseThresholds('50,8.5')).toThrow('thresholds: "8.5" is not a whole percentage');
    expect(() => parseThresholds('-10')).toThrow('thresholds: "-10" is not a whole percentage');
  });

  it('builds a budget with the defaults: monthly, 50/80/100, soft, on the actual spend', () => {
    expect(budgetFromArguments({ scope: `app:${APP}`, amount: '100' }, 'USD')).toEqual({
      scope: `app:${APP.toLowerCase()}`,
      amountNanos: 100_000_000_000n,
      period: 'monthly',
      thresholds: [50, 80, 100],
      hard: false,
      on: 'actual',
      currency: 'USD',
    });
    expect(() => budgetFromArguments({ scope: 'all', amount: '1', period: 'weekly' }, 'USD')).toThrow(
      'period: must be monthly or daily (got "weekly")',
    );
    expect(() => budgetFromArguments({ scope: 'all', amount: '1', on: 'plan' }, 'USD')).toThrow(
      'on: must be actual or forecast (got "plan")',
    );
  });
});

describe('alert settings', () => {
  const base = { COSMOS_ENDPOINT: 'https://127.0.0.1:8081/' };

  it('needs a secret with a webhook, https or a loopback http URL, and a known format', () => {
    expect(() => loadSettings({ ...base, ALERT_WEBHOOK_URL: 'https://hooks.example.com/x' })).toThrow(
      'ALERT_WEBHOOK_SECRET: is required when ALERT_WEBHOOK_URL is set',
    );
    expect(() =>
      loadSettings({
        ...base,
        ALERT_WEBHOOK_URL: 'http://hooks.example.com/x',
        ALERT_WEBHOOK_SECRET: 'x'.repeat(16),
      }),
    ).toThrow('ALERT_WEBHOOK_URL: must be an https:// URL (http:// only to 127.0.0.1 or localhost)');
    expect(() => loadSettings({ ...base, ALERT_WEBHOOK_FORMAT: 'discord' })).toThrow(
      'ALERT_WEBHOOK_FORMAT: must be generic, teams or slack',
    );
    expect(() => loadSettings({ ...base, ALERT_WEBHOOK_SECRET: 'short' })).toThrow(
      'ALERT_WEBHOOK_SECRET: must be at least 16 characters',
    );
    const local = loadSettings({
      ...base,
      ALERT_WEBHOOK_URL: 'http://127.0.0.1:9999/hook',
      ALERT_WEBHOOK_SECRET: 'x'.repeat(16),
      ALERT_WEBHOOK_FORMAT: 'teams',
    });
    expect([local.ALERT_WEBHOOK_URL, local.ALERT_WEBHOOK_FORMAT, local.LIMITS_CACHE_SECONDS]).toEqual([
      'http://127.0.0.1:9999/hook',
      'teams',
      60,
    ]);
  });

  it('reads LIMITS_CACHE_SECONDS as whole seconds, 0-3600', () => {
    expect(loadSettings({ ...base, LIMITS_CACHE_SECONDS: '120' }).LIMITS_CACHE_SECONDS).toBe(120);
    expect(loadSettings({ ...base, LIMITS_CACHE_SECONDS: '' }).LIMITS_CACHE_SECONDS).toBe(60);
    expect(() => loadSettings({ ...base, LIMITS_CACHE_SECONDS: 'soon' })).toThrow(
      'LIMITS_CACHE_SECONDS: must be a whole number of seconds',
    );
    expect(() => loadSettings({ ...base, LIMITS_CACHE_SECONDS: '7200' })).toThrow(
      'LIMITS_CACHE_SECONDS: must be 0-3600 seconds',
    );
  });
});
