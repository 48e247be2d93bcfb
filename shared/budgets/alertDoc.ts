import { z } from 'zod';

import { nanosToDecimal } from '../cost/money.js';
import { scopeHash } from './budget.js';
import type { BudgetStatus } from './evaluate.js';

/**
 * Delivery state on the alert document. `sending` is a claim: only the evaluator whose conditional
 * write set it posts, so racing evaluators never deliver twice. `unsent`: no webhook was configured.
 */
export const deliverySchema = z.object({
  status: z.enum(['sending', 'delivered', 'failed', 'unsent']),
  attempts: z.number().int().nonnegative(),
  claimedAt: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  /** HTTP status of the last attempt, or null when it got no response. */
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
});
export type Delivery = z.infer<typeof deliverySchema>;

export const alertDocSchema = z.object({
  id: z.string(),
  pk: z.string(),
  docType: z.literal('alert'),
  scope: z.string(),
  period: z.enum(['monthly', 'daily']),
  periodKey: z.string(),
  periodStart: z.string(),
  periodEnd: z.string(),
  threshold: z.number().int(),
  on: z.enum(['actual', 'forecast']),
  hard: z.boolean(),
  currency: z.string(),
  /** Decimal strings of nano-unit sums, as measured when the alert fired. */
  amountNanos: z.string().regex(/^\d+$/),
  spentNanos: z.string().regex(/^\d+$/),
  forecastNanos: z.string().regex(/^\d+$/),
  unpricedRequests: z.number().int().nonnegative(),
  firedAt: z.string(),
  delivery: deliverySchema,
});
export type AlertDoc = z.infer<typeof alertDocSchema>;

/**
 * One id per (budget, period, threshold): the conditional create that fires an alert succeeds once,
 * however many evaluators race, and a period's threshold never fires twice.
 */
export function alertId(scope: string, periodKey: string, threshold: number): string {
  return `alert|${periodKey}|${threshold}|${scopeHash(scope)}`;
}

export const alertPartition = (periodKey: string) => `alert|${periodKey.slice(0, 7)}`;

export function newAlertDoc(status: BudgetStatus, threshold: number, now: Date, webhook: boolean): AlertDoc {
  const { budget, window } = status;
  const at = now.toISOString();
  return {
    id: alertId(budget.scope, window.key, threshold),
    pk: alertPartition(window.key),
    docType: 'alert',
    scope: budget.scope,
    period: budget.period,
    periodKey: window.key,
    periodStart: window.start,
    periodEnd: window.end,
    threshold,
    on: budget.on,
    hard: budget.hard,
    currency: budget.currency,
    amountNanos: budget.amountNanos.toString(),
    spentNanos: status.spentNanos.toString(),
    forecastNanos: status.forecastNanos.toString(),
    unpricedRequests: status.unpricedRequests,
    firedAt: at,
    delivery: {
      status: webhook ? 'sending' : 'unsent',
      attempts: 0,
      claimedAt: webhook ? at : null,
      lastAttemptAt: null,
      deliveredAt: null,
      lastStatus: null,
      lastError: null,
    },
  };
}

/** The alert as the webhook and `budgets alerts --format json` show it: decimals, not nano strings. */
export function alertView(doc: AlertDoc) {
  return {
    id: doc.id,
    scope: doc.scope,
    period: doc.period,
    periodStart: doc.periodStart,
    periodEnd: doc.periodEnd,
    threshold: doc.threshold,
    on: doc.on,
    hard: doc.hard,
    currency: doc.currency,
    amount: nanosToDecimal(BigInt(doc.amountNanos)),
    spent: nanosToDecimal(BigInt(doc.spentNanos)),
    forecast: nanosToDecimal(BigInt(doc.forecastNanos)),
    unpricedRequests: doc.unpricedRequests,
    firedAt: doc.firedAt,
  };
}
export type AlertView = ReturnType<typeof alertView>;
