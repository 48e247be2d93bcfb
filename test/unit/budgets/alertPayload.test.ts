import { createHmac } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { alertId, newAlertDoc } from '../../../shared/budgets/alertDoc.js';
import { alertBody } from '../../../shared/budgets/alertPayload.js';
import { budgetFromArguments } from '../../../shared/budgets/budget.js';
import { signature } from '../../../shared/budgets/deliver.js';
import { evaluateBudget } from '../../../shared/budgets/evaluate.js';
import type { UsageSlice } from '../../../shared/report/types.js';
import { readApiShape } from '../../helpers/apiShapes.js';

const NOW = new Date('2026-11-20T08:00:00.000Z');
const slice: UsageSlice = {
  day: '2026-11-19',
  appId: '7d8a1c3e-2b4f-4e6a-9c1d-0f2e3a4b5c6d',
  appDisplayName: 'HR Assistant',
  businessUnit: 'R&D <Labs>',
  model: 'gpt-4o',
  deploymentType: 'global',
  requests: 3,
  promptTokens: 1,
  cachedTokens: 0,
  completionTokens: 1,
  reasoningTokens: 0,
  totalTokens: 2,
  costNanos: 90_000_000_000n,
  unpricedRequests: 1,
};
const status = evaluateBudget(
  budgetFromArguments({ scope: 'businessUnit:R&D <Labs>', amount: '100', hard: true }, 'USD'),
  [slice],
  { overrides: new Map(), now: NOW },
);
const doc = newAlertDoc(status, 80, NOW, true);

type Json = Record<string, unknown>;
const obj = (value: unknown): Json => value as Json;
const first = (value: unknown): Json => obj((value as unknown[])[0]);

describe('alert documents and payloads', () => {
  it('has one deterministic id per budget, period and threshold, without characters Cosmos refuses', () => {
    expect(doc.id).toBe(alertId('businessUnit:R&D <Labs>', '2026-11', 80));
    expect(doc.id).toMatch(/^alert\|2026-11\|80\|[0-9a-f]{32}$/);
    expect(alertId('businessUnit:R&D <Labs>', '2026-12', 80)).not.toBe(doc.id);
    expect(alertId('businessUnit:HR', '2026-11', 80)).not.toBe(doc.id);
    expect(doc.pk).toBe('alert|2026-11');
  });

  it('generic: the alert with exact decimals', () => {
    const body = JSON.parse(alertBody(doc, 'generic')) as Json;
    expect(body.type).toBe('chargeback.budget.threshold');
    expect(obj(body.alert)).toMatchObject({
      scope: 'businessUnit:R&D <Labs>',
      threshold: 80,
      amount: '100.000000000',
      spent: '90.000000000',
      unpricedRequests: 1,
      hard: true,
      periodStart: '2026-11-01',
      periodEnd: '2026-11-30',
    });
  });

  it("teams: the Adaptive Card message envelope of Microsoft's Teams webhook doc", () => {
    const real = obj(readApiShape('teams_workflows_adaptive_card_message_official_doc.json'));
    const ours = JSON.parse(alertBody(doc, 'teams')) as Json;
    expect(ours.type).toBe(real.type);
    const [realCard, ourCard] = [first(real.attachments), first(ours.attachments)];
    expect(Object.keys(ourCard).sort()).toEqual(Object.keys(realCard).sort());
    expect(ourCard.contentType).toBe(realCard.contentType);
    expect(obj(ourCard.content).type).toBe(obj(realCard.content).type);
    expect(obj(ourCard.content).$schema).toBe(obj(realCard.content).$schema);
    const blocks = obj(ourCard.content).body as Json[];
    expect(blocks[0]).toMatchObject({ type: 'TextBlock', text: expect.stringContaining('80%') as unknown });
    expect(blocks[1]).toMatchObject({ type: 'FactSet' });
  });

  it("slack: text plus mrkdwn section blocks, as Slack's incoming-webhook example, escaped", () => {
    const real = obj(readApiShape('slack_incoming_webhook_text_blocks_official_doc.json'));
    const ours = JSON.parse(alertBody(doc, 'slack')) as Json;
    expect(Object.keys(ours).sort()).toEqual(Object.keys(real).sort());
    expect(first(ours.blocks).type).toBe(first(real.blocks).type);
    expect(obj(first(ours.blocks).text).type).toBe(obj(first(real.blocks).text).type);
    expect(JSON.stringify(ours.blocks)).toContain('R&amp;D &lt;Labs&gt;');
    expect(JSON.stringify(ours.blocks)).not.toContain('<Labs>');
  });

  it('signs the exact body bytes: sha256=<hex HMAC>', () => {
    const body = alertBody(doc, 'generic');
    const expected = createHmac('sha256', 'a-shared-secret-123')
      .update(Buffer.from(body, 'utf8'))
      .digest('hex');
    expect(signature(body, 'a-shared-secret-123')).toBe(`sha256=${expected}`);
    expect(signature(`${body} `, 'a-shared-secret-123')).not.toBe(`sha256=${expected}`);
  });
});
