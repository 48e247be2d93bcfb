import { Command } from 'commander';
import { describe, expect, it } from 'vitest';

import { registerBudgets } from '../../../cli/commands/budgets.js';
import { money } from '../../../shared/budgets/format.js';
import { UserError } from '../../../shared/errors.js';

/** The command as `chargeback` registers it; every case fails before any setting is read or connection made. */
async function run(...args: string[]): Promise<unknown> {
  const program = new Command('chargeback').exitOverride();
  registerBudgets(program);
  try {
    await program.parseAsync(['node', 'chargeback', 'budgets', ...args]);
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('chargeback budgets: bad input is a usage error naming the field', () => {
  it.each([
    [['set', 'app:not-a-guid', '--amount', '10'], 'scope: "not-a-guid" is not a GUID app id'],
    [['set', 'team:platform', '--amount', '10'], 'scope: unknown kind "team"'],
    [['set', 'all', '--amount', '-5'], 'amount: must not be negative (got -5)'],
    [['set', 'all', '--amount', '10', '--thresholds', '50,1500'], 'thresholds: 1500% is over 1000%'],
    [['set', 'all', '--amount', '10', '--period', 'weekly'], 'period: must be monthly or daily'],
    [['set', 'all', '--amount', '10', '--on', 'budget'], 'on: must be actual or forecast'],
    [['remove', 'model:'], 'scope: model:<family> needs a family'],
    [['status', '--format', 'csv'], '--format: must be table or json (got "csv")'],
    [['alerts', '--from', '2026-02-30'], '--from: must be a date as YYYY-MM-DD'],
    [
      ['alerts', '--from', '2026-11-10', '--to', '2026-11-01'],
      '--to: must not be before --from (2026-11-10)',
    ],
  ])('%j', async (args, message) => {
    const error = await run(...args);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toContain(message);
  });
});

describe('budget tables', () => {
  it('show money exactly, with at least cents, so a budget of a few cents never reads 0.00', () => {
    expect(money(1_250_500_000_000n)).toBe('1250.50');
    expect(money(3_180_000n)).toBe('0.00318');
    expect(money(5_000_000_000n)).toBe('5.00');
    expect(money(1n)).toBe('0.000000001');
    expect(money(0n)).toBe('0.00');
  });
});
