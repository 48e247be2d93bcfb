import { createHmac, randomUUID } from 'node:crypto';

import { HttpRequest, HttpResponse, InvocationContext, type Timer } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { backfill } from '../../functions/backfill.js';
import { limits } from '../../functions/limits.js';
import type { Services } from '../../shared/app/services.js';
import { budgetFromArguments } from '../../shared/budgets/budget.js';
import { CosmosBudgets } from '../../shared/store/cosmosBudgets.js';
import { limitBudget } from '../../shared/budgets/limits.js';
import { budgetDeps } from '../../shared/app/budgetDeps.js';
import type { SpendReader } from '../../shared/budgets/ports.js';
import { budgetStatuses, evaluateBudgetAlerts, type BudgetDeps } from '../../shared/budgets/runEvaluation.js';
import { nanosToDecimal } from '../../shared/cost/money.js';
import { ingestBatch } from '../../shared/pipeline/ingestBatch.js';
import { CosmosRollups } from '../../shared/store/cosmosRollups.js';
import {
  allRecords,
  startChargebackStack,
  sumNanos,
  type ChargebackStack,
} from '../helpers/chargebackStack.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhookReceiver.js';

const HR = '7d8a1c3e-2b4f-4e6a-9c1d-0f2e3a4b5c6d';
const SALES = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const FINANCE = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const SECRET = 'test-webhook-secret-0123456789';
const FAST_RETRY = { attempts: 4, minDelayMs: 5, maxDelayMs: 20, timeoutMs: 5_000 };

let world: ChargebackStack | undefined;
let receiver: WebhookReceiver | undefined;
const spent = new Map<string, bigint>();

function ready(): { world: ChargebackStack; receiver: WebhookReceiver } {
  if (world === undefined || receiver === undefined) throw new Error('the local stack did not start');
  return { world, receiver };
}

/** Now, but never before today's UTC midnight: the usage lands in the current day and month. */
function eventTime(): string {
  const now = Date.now();
  const midnight = now - (now % 86_400_000);
  return new Date(Math.max(midnight, now - 60_000)).toISOString();
}

function event(appId: string, promptTokens: number): Record<string, unknown> {
  return {
    schema: 'aoai-usage/2',
    requestId: randomUUID(),
    eventTime: eventTime(),
    appId,
    deployment: 'mini-prod',
    deploymentType: 'global',
    region: 'eastus',
    operation: 'chat.completion',
    model: 'gpt-4o-mini-2024-07-18',
    usage: { prompt_tokens: promptTokens, completion_tokens: 300, total_tokens: promptTokens + 300 },
  };
}

/** Budget deps as the timer builds them, with the webhook pointed at the local receiver. */
function deps(services: Services, extra: Partial<BudgetDeps> = {}): BudgetDeps {
  const { receiver } = ready();
  const settings = {
    ...services.settings,
    ALERT_WEBHOOK_URL: receiver.url,
    ALERT_WEBHOOK_SECRET: SECRET,
    ALERT_WEBHOOK_FORMAT: 'generic' as const,
  };
  return { ...budgetDeps({ ...services, settings }, { retry: FAST_RETRY }), ...extra };
}

/** Two readers that return only once both have read: the evaluators then create alerts together. */
function racingReaders(a: SpendReader, b: SpendReader): [SpendReader, SpendReader] {
  let arrived = 0;
  let release: () => void = () => undefined;
  const both = new Promise<void>((resolve) => {
    release = resolve;
  });
  const wrap = (reader: SpendReader): SpendReader => ({
    async read(from, to) {
      const slices = await reader.read(from, to);
      arrived += 1;
      if (arrived === 2) release();
      await both;
      return slices;
    },
  });
  return [wrap(a), wrap(b)];
}

const signed = (body: string) => `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;

/** An amount that puts `nanos` at `percent` % of it, as the decimal string the CLI takes. */
const amountAt = (nanos: bigint, percent: bigint) => nanosToDecimal((nanos * 100n) / percent);

async function setBudget(services: Services, args: Parameters<typeof budgetFromArguments>[0]): Promise<void> {
  const store = new CosmosBudgets(services.database);
  await store.ensure();
  await store.save(budgetFromArguments(args, services.settings.PRICE_CURRENCY), new Date());
}

async function askLimits(appId: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const request = new HttpRequest({
    url: `http://127.0.0.1/api/limits/${appId}`,
    method: 'GET',
    params: { appId },
  });
  const response = new HttpResponse(
    await limits(request, new InvocationContext({ invocationId: randomUUID(), functionName: 'limits' })),
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  world = await startChargebackStack();
  receiver = await startWebhookReceiver();
  const bodies = [event(HR, 20_000), event(HR, 5_000), event(SALES, 40_000), event(FINANCE, 1_000)];
  await ingestBatch(
    bodies,
    bodies.map(() => ({ kind: 'file' as const })),
    world.services.ingest,
    undefined,
  );
  await new CosmosRollups(world.services.database).refreshDirty();
  const records = await allRecords(world.db);
  for (const app of [HR, SALES, FINANCE]) spent.set(app, sumNanos(records.filter((r) => r.appId === app)));
}, 120_000);

afterAll(async () => {
  await receiver?.close();
  await world?.close();
});

describe('budgets against the Cosmos stand-in', () => {
  it('reads nothing and creates nothing before any budget is set', async () => {
    const { world } = ready();
    expect(await budgetStatuses(budgetDeps(world.services), new Date())).toEqual([]);
    const { resources } = await world.db.containers.readAll().fetchAll();
    expect(resources.map((c) => c.id)).not.toContain('budgets');
  });

  it('two evaluators racing fire each crossed threshold exactly once, signed, and none of the others', async () => {
    const { world, receiver } = ready();
    const hr = spent.get(HR) ?? 0n;
    const sales = spent.get(SALES) ?? 0n;
    expect(hr > 0n && sales > 0n).toBe(true);
    // HR at 85% (crosses 50 and 80), Sales over its hard budget (50, 80, 100), Finance at 10% (none).
    await setBudget(world.services, { scope: `app:${HR}`, amount: amountAt(hr, 85n) });
    await setBudget(world.services, {
      scope: 'businessUnit:Sales',
      amount: amountAt(sales, 200n),
      hard: true,
    });
    await setBudget(world.services, {
      scope: 'businessUnit:Finance',
      amount: amountAt(spent.get(FINANCE) ?? 1n, 10n),
    });

    // The second evaluator has its own Cosmos client, as a second instance would.
    const first = deps(world.services);
    const second = deps({ ...world.services, database: world.db });
    const [a, b] = racingReaders(first.spend, second.spend);
    const results = await Promise.all([
      evaluateBudgetAlerts({ ...first, spend: a }),
      evaluateBudgetAlerts({ ...second, spend: b }),
    ]);

    expect(results.map((r) => r.crossed)).toEqual([5, 5]);
    expect(results[0].fired + results[1].fired).toBe(5);
    expect(receiver.posts).toHaveLength(5);
    const fired = receiver.posts.map((post) => {
      expect(post.headers['x-chargeback-signature']).toBe(signed(post.body));
      expect(post.headers['content-type']).toContain('application/json');
      const alert = (JSON.parse(post.body) as { alert: { scope: string; threshold: number } }).alert;
      return `${alert.scope} ${alert.threshold}`;
    });
    expect(fired.sort()).toEqual([
      `app:${HR} 50`,
      `app:${HR} 80`,
      'businessUnit:Sales 100',
      'businessUnit:Sales 50',
      'businessUnit:Sales 80',
    ]);

    // Once per period: evaluating again fires nothing new.
    const again = await evaluateBudgetAlerts(deps(world.services));
    expect([again.crossed, again.fired, again.retried]).toEqual([5, 0, 0]);
    expect(receiver.posts).toHaveLength(5);
    const today = new Date().toISOString().slice(0, 10);
    const alerts = await new CosmosBudgets(world.services.database).alerts(today, today);
    expect(alerts.map((d) => [d.delivery.status, d.delivery.attempts])).toEqual(
      Array(5).fill(['delivered', 1]),
    );
  });

  it('status shows the exact spend of the records, unpriced requests beside it', async () => {
    const { world } = ready();
    const statuses = await budgetStatuses(budgetDeps(world.services), new Date());
    const json = statuses.map(limitBudget);
    expect(json.find((s) => s.scope === `app:${HR}`)?.spent).toBe(nanosToDecimal(spent.get(HR) ?? 0n));
    expect(json.find((s) => s.scope === 'businessUnit:Sales')?.spent).toBe(
      nanosToDecimal(spent.get(SALES) ?? 0n),
    );
    expect(json.every((s) => s.unpricedRequests === 0)).toBe(true);
  });

  it('the limits endpoint, called as the host calls it: blocked, warning, ok, and 400 for a non-GUID', async () => {
    const sales = await askLimits(SALES);
    expect(sales.status).toBe(200);
    expect(sales.body).toMatchObject({ appId: SALES, state: 'blocked' });
    const blocking = (sales.body.budgets as { scope: string; blocking: boolean }[]).filter((b) => b.blocking);
    expect(blocking.map((b) => b.scope)).toEqual(['businessUnit:Sales']);
    expect((await askLimits(HR.toUpperCase())).body).toMatchObject({ appId: HR, state: 'warning' });
    expect((await askLimits(FINANCE)).body).toMatchObject({ appId: FINANCE, state: 'ok' });
    const bad = await askLimits('not-a-guid');
    expect(bad).toEqual({ status: 400, body: { error: 'appId: "not-a-guid" is not a GUID' } });
  });

  it('retries with backoff when the receiver fails twice, and records the attempts', async () => {
    const { world, receiver } = ready();
    await setBudget(world.services, {
      scope: `app:${FINANCE}`,
      amount: amountAt(spent.get(FINANCE) ?? 1n, 120n),
      thresholds: '100',
    });
    const before = receiver.posts.length;
    receiver.failNext(2, 503);
    const result = await evaluateBudgetAlerts(deps(world.services));
    expect([result.fired, result.delivered, result.failed]).toEqual([1, 1, 0]);
    const posts = receiver.posts.slice(before);
    expect(posts.map((p) => p.answered)).toEqual([503, 503, 200]);
    // The same signed bytes each time.
    expect(new Set(posts.map((p) => p.body)).size).toBe(1);
    expect(posts.every((p) => p.headers['x-chargeback-signature'] === signed(p.body))).toBe(true);
    const today = new Date().toISOString().slice(0, 10);
    const doc = (await new CosmosBudgets(world.services.database).alerts(today, today)).find(
      (d) => d.scope === `app:${FINANCE}`,
    );
    expect(doc?.delivery).toMatchObject({
      status: 'delivered',
      attempts: 3,
      lastStatus: 200,
      lastError: null,
    });
  });

  it('a delivery that fails its whole budget is retried at the next evaluation, not fired again', async () => {
    const { world, receiver } = ready();
    await setBudget(world.services, {
      scope: 'model:gpt-4o-mini',
      amount: amountAt(spent.get(SALES) ?? 1n, 100n),
      thresholds: '100',
    });
    const before = receiver.posts.length;
    receiver.failNext(FAST_RETRY.attempts, 500);
    const failed = await evaluateBudgetAlerts(deps(world.services));
    expect([failed.fired, failed.delivered, failed.failed]).toEqual([1, 0, 1]);
    const store = new CosmosBudgets(world.services.database);
    const today = new Date().toISOString().slice(0, 10);
    const find = async () => (await store.alerts(today, today)).find((d) => d.scope === 'model:gpt-4o-mini');
    expect((await find())?.delivery).toMatchObject({ status: 'failed', attempts: 4, lastStatus: 500 });

    const next = await evaluateBudgetAlerts(deps(world.services));
    expect([next.fired, next.retried, next.delivered]).toEqual([0, 1, 1]);
    expect(receiver.posts.slice(before).map((p) => p.answered)).toEqual([500, 500, 500, 500, 200]);
    expect((await find())?.delivery).toMatchObject({ status: 'delivered', attempts: 5 });
  });

  it('the backfill timer evaluates budgets after its rollup refresh, called as the host calls it', async () => {
    const { world } = ready();
    await setBudget(world.services, { scope: 'all', amount: '1000', thresholds: '1,99' });
    await ingestBatch([event(HR, 1_000)], [{ kind: 'file' }], world.services.ingest, undefined);
    const lines: string[] = [];
    const context = new InvocationContext({
      invocationId: randomUUID(),
      functionName: 'backfill',
      logHandler: (_level, ...args) => lines.push(args.map(String).join(' ')),
    });
    const now = new Date().toISOString();
    const timer: Timer = {
      isPastDue: false,
      schedule: { adjustForDST: false },
      scheduleStatus: { last: now, next: now, lastUpdated: now },
    };
    await backfill(timer, context);
    // The function's own settings have no webhook: the alert is recorded, unsent, and the run says so.
    const line = lines.find((l) => l.startsWith('budgets:'));
    expect(line).toMatch(/^budgets: \d+ evaluated, \d+ thresholds crossed, 0 alerts fired/);
    const today = now.slice(0, 10);
    const all = (await new CosmosBudgets(world.services.database).alerts(today, today)).filter(
      (d) => d.scope === 'all',
    );
    expect(all).toEqual([]);
    await setBudget(world.services, { scope: 'all', amount: '0.000001', thresholds: '1,99' });
    lines.length = 0;
    await backfill(timer, context);
    expect(lines.find((l) => l.startsWith('budgets:'))).toMatch(/ 2 alerts fired, 0 delivered, 0 failed/);
    const fired = (await new CosmosBudgets(world.services.database).alerts(today, today)).filter(
      (d) => d.scope === 'all',
    );
    expect(fired.map((d) => [d.threshold, d.delivery.status])).toEqual([
      [1, 'unsent'],
      [99, 'unsent'],
    ]);
  });
});
