import { describe, expect, it } from 'vitest';

import { budgetFromArguments } from '../../../shared/budgets/budget.js';
import { evaluateBudgets } from '../../../shared/budgets/evaluate.js';
import { budgetPanel } from '../../../shared/report/page/budgetPanel.js';
import type { UsageSlice } from '../../../shared/report/types.js';

const NOW = new Date('2026-11-20T12:00:00.000Z');
const slice: UsageSlice = {
  day: '2026-11-19',
  appId: '7d8a1c3e-2b4f-4e6a-9c1d-0f2e3a4b5c6d',
  appDisplayName: null,
  businessUnit: '<script>alert(1)</script>',
  model: 'gpt-4o',
  deploymentType: 'global',
  requests: 1,
  promptTokens: 1,
  cachedTokens: 0,
  completionTokens: 1,
  reasoningTokens: 0,
  totalTokens: 2,
  costNanos: 30_000_000_000n,
  unpricedRequests: 2,
};

describe('budget panel (pure)', () => {
  it('draws nothing without budgets', () => {
    expect(budgetPanel([])).toBe('');
  });

  it('escapes scopes, marks states, draws every threshold and says what is not included', () => {
    const statuses = evaluateBudgets(
      [
        budgetFromArguments(
          { scope: 'businessUnit:<script>alert(1)</script>', amount: '20', hard: true },
          'USD',
        ),
        budgetFromArguments({ scope: 'all', amount: '1000', thresholds: '25,75' }, 'USD'),
      ],
      [slice],
      { overrides: new Map(), now: NOW },
    );
    const html = budgetPanel(statuses);
    expect(html).not.toContain('<script>');
    expect(html).toContain(
      'data-scope="businessUnit:&lt;script&gt;alert(1)&lt;/script&gt;" data-state="blocked"',
    );
    expect(html).toContain('data-scope="all" data-state="ok"');
    expect(html.indexOf('data-state="blocked"')).toBeLessThan(html.indexOf('data-state="ok"'));
    expect(html.match(/class="threshold"/g)).toHaveLength(5);
    expect(html).toContain('2 unpriced requests not included');
    expect(html).toContain('150.0% now');
  });
});
