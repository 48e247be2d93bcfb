import { ensureError } from '../errors.js';
import { alertPartition, newAlertDoc, type AlertDoc, type Delivery } from './alertDoc.js';
import { alertBody, type WebhookFormat } from './alertPayload.js';
import type { BudgetStore, SpendReader } from './ports.js';
import { deliver, type RetryBudget, type WebhookTarget } from './deliver.js';
import { evaluateBudgets, spendRange, type BudgetStatus } from './evaluate.js';

export interface BudgetDeps {
  readonly store: BudgetStore;
  readonly spend: SpendReader;
  /** Finance's business-unit overrides, as the report applies them. */
  overrides(): Promise<ReadonlyMap<string, string>>;
  readonly webhook: { readonly target: WebhookTarget; readonly format: WebhookFormat } | null;
  readonly retry?: RetryBudget;
  readonly now: () => Date;
  readonly log: (message: string) => void;
}

/** A claim older than this belongs to an evaluator that died mid-delivery: another may take it. */
export const STALE_CLAIM_MS = 10 * 60_000;

/** Every budget's status now, from one read of the rollups covering all their periods. */
export async function budgetStatuses(
  deps: Pick<BudgetDeps, 'store' | 'spend' | 'overrides'>,
  now: Date,
): Promise<BudgetStatus[]> {
  const budgets = await deps.store.list();
  const range = spendRange(budgets, now);
  if (range === null) return [];
  const [slices, overrides] = await Promise.all([deps.spend.read(range.from, range.to), deps.overrides()]);
  return evaluateBudgets(budgets, slices, { overrides, now });
}

export interface EvaluationSummary {
  readonly budgets: number;
  /** Thresholds reached now, fired before or not. */
  readonly crossed: number;
  /** Alerts this evaluation created (each threshold once per period, whoever races). */
  readonly fired: number;
  readonly delivered: number;
  readonly failed: number;
  /** Earlier alerts whose delivery this evaluation retried. */
  readonly retried: number;
}

/**
 * `budgets evaluate` and the backfill timer: fires each newly crossed threshold with a conditional
 * create (so it fires once per budget, period and threshold, even with evaluators racing), delivers
 * what it fired, then retries deliveries that failed before.
 */
export async function evaluateBudgetAlerts(deps: BudgetDeps): Promise<EvaluationSummary> {
  const now = deps.now();
  const statuses = await budgetStatuses(deps, now);
  let crossed = 0;
  let firedNow = 0;
  let delivered = 0;
  let failed = 0;
  const tally = (ok: boolean | null) => {
    if (ok === true) delivered += 1;
    else if (ok === false) failed += 1;
  };
  // Alerts this run already tried: a failure waits for the next evaluation, as documented.
  const tried = new Set<string>();
  // One read per month partition spares a 409 per crossed threshold per run; the create still decides.
  const fired = await deps.store.firedIds(statuses.map((s) => alertPartition(s.window.key)));
  for (const status of statuses) {
    for (const threshold of status.crossed) {
      crossed += 1;
      const doc = newAlertDoc(status, threshold, now, deps.webhook !== null);
      if (fired.has(doc.id)) continue;
      const created = await deps.store.createAlert(doc);
      if (created === null) continue;
      firedNow += 1;
      deps.log(`budget alert fired: ${doc.scope} ${threshold}% (${doc.periodKey})`);
      tried.add(doc.id);
      if (deps.webhook !== null) tally(await send(deps, doc, created.etag));
    }
  }
  const due = await deps.store.undelivered(new Date(now.getTime() - STALE_CLAIM_MS));
  let retried = 0;
  for (const { doc, etag } of due) {
    if (deps.webhook === null) break;
    if (tried.has(doc.id)) continue;
    const claimedAt = deps.now().toISOString();
    const claim: Delivery = { ...doc.delivery, status: 'sending', claimedAt };
    const claimed = await deps.store.setDelivery(doc, etag, claim);
    // Another evaluator claimed it first: it delivers.
    if (claimed === null) continue;
    retried += 1;
    tally(await send(deps, { ...doc, delivery: claim }, claimed.etag));
  }
  return { budgets: statuses.length, crossed, fired: firedNow, delivered, failed, retried };
}

/** Posts one claimed alert and records the outcome on it. Never throws for the receiver's sake. */
async function send(deps: BudgetDeps, doc: AlertDoc, etag: string): Promise<boolean | null> {
  const webhook = deps.webhook;
  if (webhook === null) return null;
  const result = await deliver(webhook.target, alertBody(doc, webhook.format), deps.retry);
  const at = deps.now().toISOString();
  const delivery: Delivery = {
    status: result.ok ? 'delivered' : 'failed',
    attempts: doc.delivery.attempts + result.attempts,
    claimedAt: doc.delivery.claimedAt,
    lastAttemptAt: at,
    deliveredAt: result.ok ? at : null,
    lastStatus: result.status,
    lastError: result.error,
  };
  if (!result.ok) deps.log(`budget alert ${doc.id} not delivered: ${result.error ?? 'unknown'}`);
  await deps.store.setDelivery(doc, etag, delivery);
  return result.ok;
}

/**
 * After the backfill's rollup refresh: evaluates and logs, and never throws, so a budget or webhook
 * problem cannot fail the backfill (nor, through it, anything upstream). The next run retries.
 */
export async function evaluateAfterBackfill(deps: BudgetDeps): Promise<{ ok: boolean; line: string }> {
  try {
    return { ok: true, line: formatEvaluation(await evaluateBudgetAlerts(deps)) };
  } catch (error) {
    return { ok: false, line: `budgets: not evaluated (${ensureError(error).message})` };
  }
}

export function formatEvaluation(summary: EvaluationSummary): string {
  return (
    `budgets: ${summary.budgets} evaluated, ${summary.crossed} thresholds crossed, ${summary.fired} alerts fired, ` +
    `${summary.delivered} delivered, ${summary.failed} failed, ${summary.retried} retried`
  );
}
