import { createHmac } from 'node:crypto';

import pRetry, { AbortError } from 'p-retry';
import { request, type Dispatcher } from 'undici';

import { ensureError } from '../errors.js';

export const SIGNATURE_HEADER = 'X-Chargeback-Signature';

/** `sha256=<hex>`: HMAC-SHA256 of the exact body bytes under the shared secret. */
export function signature(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export interface WebhookTarget {
  readonly url: string;
  readonly secret: string;
  /** Trusts a local stand-in's certificate (tests, demo); Azure uses the default trust store. */
  readonly dispatcher?: Dispatcher | undefined;
}

export interface RetryBudget {
  /** Attempts in one delivery, the first included. */
  readonly attempts: number;
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  /** Per attempt: a receiver that does not answer in time counts as failed. */
  readonly timeoutMs: number;
}

/** At most 4 attempts over ~3.5 s plus 4 × 10 s timeouts: bounded, so an evaluation always ends. */
export const DEFAULT_RETRY_BUDGET: RetryBudget = {
  attempts: 4,
  minDelayMs: 500,
  maxDelayMs: 2_000,
  timeoutMs: 10_000,
};

export interface DeliveryResult {
  readonly ok: boolean;
  readonly attempts: number;
  /** HTTP status of the last attempt; null when none answered. */
  readonly status: number | null;
  readonly error: string | null;
}

class HttpFailure extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

/**
 * Posts one alert body, retrying 408, 429, 5xx and transport failures with exponential backoff
 * within `budget`; other 4xx answers are final (the receiver refuses it, retrying will not help).
 */
export async function deliver(
  target: WebhookTarget,
  body: string,
  budget: RetryBudget = DEFAULT_RETRY_BUDGET,
): Promise<DeliveryResult> {
  let attempts = 0;
  let status: number | null = null;
  const headers = {
    'content-type': 'application/json; charset=utf-8',
    [SIGNATURE_HEADER.toLowerCase()]: signature(body, target.secret),
  };
  try {
    await pRetry(
      async () => {
        attempts += 1;
        status = null;
        const response = await request(target.url, {
          method: 'POST',
          headers,
          body,
          dispatcher: target.dispatcher,
          signal: AbortSignal.timeout(budget.timeoutMs),
        });
        status = response.statusCode;
        await response.body.dump();
        if (status >= 200 && status < 300) return;
        const failure = new HttpFailure(status);
        if (status === 408 || status === 429 || status >= 500) throw failure;
        throw new AbortError(failure);
      },
      {
        retries: budget.attempts - 1,
        minTimeout: budget.minDelayMs,
        maxTimeout: budget.maxDelayMs,
        randomize: true,
      },
    );
    return { ok: true, attempts, status, error: null };
  } catch (error) {
    return { ok: false, attempts, status, error: ensureError(error).message.slice(0, 500) };
  }
}
