import { setTimeout as sleep } from 'node:timers/promises';

import { type Dispatcher, request } from 'undici';

import { DependencyError, ensureError } from '../errors.js';

export interface RetryPolicy {
  readonly dispatcher?: Dispatcher | undefined;
  /** Attempts per page, the first included. */
  readonly maxAttempts: number;
  /** Whole request, body included: a server that accepts and then stalls counts as a failed attempt. */
  readonly timeoutMs: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A longer Retry-After is cut to this, so one throttled page cannot park the refresh for an hour. */
  readonly maxRetryAfterMs: number;
  readonly log: (msg: string) => void;
  /** Called once per HTTP request sent, retries included. */
  readonly onRequest: () => void;
  /** Who is asked, for errors and logs (default Retail Prices); the ARM inventory client reuses this. */
  readonly dependency?: 'retailPrices' | 'arm';
  /** Extra request headers per attempt, e.g. a bearer token that may have been renewed. */
  readonly headers?: () => Promise<Readonly<Record<string, string>>>;
  /** Turns a non-retried status into a clearer error (e.g. 403 → the missing role); undefined keeps the default. */
  readonly explainStatus?: (status: number, body: string, url: string) => Error | undefined;
  /** Total time all Retry-After waits of one GET may take; past it the GET gives up. Default: unbounded. */
  readonly waitBudgetMs?: number;
}

const LABELS = { retailPrices: 'Retail Prices', arm: 'ARM' } as const;

/**
 * GETs a JSON document, retrying 408/429/5xx, timeouts and connection errors with exponential backoff and
 * full jitter, and waiting at least as long as a Retry-After asks. Other statuses, TLS trust failures and
 * bodies that are not JSON are not transient and fail at once.
 */
export async function getJsonWithRetry(url: string, policy: RetryPolicy): Promise<unknown> {
  let lastFailure = 'no attempt made';
  const dependency = policy.dependency ?? 'retailPrices';
  let waited = 0;
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    policy.onRequest();
    const outcome = await attemptOnce(url, policy);
    if (outcome.kind === 'ok') return outcome.body;
    lastFailure = outcome.failure;
    if (attempt === policy.maxAttempts) break;
    const backoff = Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    const asked =
      outcome.retryAfterMs === undefined ? 0 : Math.min(outcome.retryAfterMs, policy.maxRetryAfterMs);
    const delay = Math.round(Math.max(backoff, asked));
    if (policy.waitBudgetMs !== undefined && waited + delay > policy.waitBudgetMs) {
      throw new DependencyError(
        dependency,
        `gave up on ${describeUrl(url)}: waiting ${delay} ms more would pass the ${policy.waitBudgetMs} ms retry budget; last failure: ${lastFailure}`,
      );
    }
    waited += delay;
    policy.log(
      `${LABELS[dependency]}: ${lastFailure} from ${describeUrl(url)}; attempt ${attempt}/${policy.maxAttempts}, retrying in ${delay} ms`,
    );
    await sleep(delay);
  }
  throw new DependencyError(
    dependency,
    `gave up on ${describeUrl(url)} after ${policy.maxAttempts} attempts; last failure: ${lastFailure}`,
  );
}

type Outcome =
  | { readonly kind: 'ok'; readonly body: unknown }
  | { readonly kind: 'retry'; readonly failure: string; readonly retryAfterMs?: number | undefined };

async function attemptOnce(url: string, policy: RetryPolicy): Promise<Outcome> {
  const dependency = policy.dependency ?? 'retailPrices';
  const extra = policy.headers === undefined ? {} : await policy.headers();
  const signal = AbortSignal.timeout(policy.timeoutMs);
  let status: number;
  let text: string;
  let retryAfter: string | string[] | undefined;
  try {
    const response = await request(url, {
      method: 'GET',
      headers: { ...extra, accept: 'application/json' },
      dispatcher: policy.dispatcher,
      signal,
    });
    status = response.statusCode;
    retryAfter = response.headers['retry-after'];
    text = await response.body.text();
  } catch (error) {
    if (signal.aborted) return { kind: 'retry', failure: `no complete answer within ${policy.timeoutMs} ms` };
    const err = ensureError(error);
    const code = 'code' in err ? err.code : undefined;
    const label = typeof code === 'string' ? code : err.name;
    // Retrying cannot fix an untrusted certificate; say so now instead of after six slow attempts.
    if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(label)) {
      throw new DependencyError(dependency, `TLS failure for ${describeUrl(url)}: ${label}`, {
        cause: err,
      });
    }
    return { kind: 'retry', failure: `${label}: ${err.message}` };
  }
  if (status === 200) {
    try {
      return { kind: 'ok', body: JSON.parse(text) as unknown };
    } catch {
      throw new DependencyError(dependency, `${describeUrl(url)} answered 200 with a body that is not JSON`);
    }
  }
  const failure = `HTTP ${status}`;
  if (status === 408 || status === 429 || status >= 500) {
    return { kind: 'retry', failure, retryAfterMs: parseRetryAfter(retryAfter, Date.now()) };
  }
  const explained = policy.explainStatus?.(status, text, url);
  if (explained !== undefined) throw explained;
  throw new DependencyError(dependency, `${describeUrl(url)} answered ${failure}: ${text.slice(0, 300)}`);
}

/** Retry-After as delay-seconds or an HTTP-date (RFC 9110 §10.2.3), in ms; undefined when absent or malformed. */
export function parseRetryAfter(
  value: string | readonly string[] | undefined,
  now: number,
): number | undefined {
  const raw = (typeof value === 'string' ? value : value?.[0])?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.round(Number(raw) * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Origin, path and paging position only: never user-info or other query values in logs and errors. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const skip = parsed.searchParams.get('$skip');
    return `${parsed.origin}${parsed.pathname}${skip === null ? '' : ` ($skip=${skip})`}`;
  } catch {
    return '(unparseable URL)';
  }
}
