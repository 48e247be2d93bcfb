import { DependencyError, ensureError } from '../errors.js';
import { isGuid } from '../events/guid.js';
import type { LimitsAnswer } from './limits.js';

export interface LimitsHttpResult {
  readonly status: 200 | 400 | 503;
  readonly jsonBody: LimitsAnswer | { readonly error: string };
  readonly headers: Record<string, string>;
}

/** The answer for one app, and how long the gateway may keep it (built by shared/app/budgetDeps.ts). */
export type Answerer = () => Promise<{
  answer(appId: string): Promise<LimitsAnswer>;
  readonly cacheSeconds: number;
}>;

/**
 * The limits endpoint's logic: a GUID check before anything else, the answer, or 503 when the store is
 * down (the gateway policy fails open on anything but a 200 that says `blocked`).
 */
export async function limitsResponse(
  appId: string,
  answerer: Answerer,
  logError: (message: string) => void,
): Promise<LimitsHttpResult> {
  const headers = { 'cache-control': 'no-store' };
  if (!isGuid(appId))
    return { status: 400, jsonBody: { error: `appId: "${appId.slice(0, 64)}" is not a GUID` }, headers };
  try {
    const limits = await answerer();
    // The gateway keeps an answer as long as this says (and LIMITS_CACHE_SECONDS in its named value).
    const body = await limits.answer(appId);
    return {
      status: 200,
      jsonBody: body,
      headers: { 'cache-control': `private, max-age=${limits.cacheSeconds}` },
    };
  } catch (error) {
    const err = ensureError(error);
    // Anything else is a bug: the host logs and answers 500, which the gateway also fails open on.
    if (!(err instanceof DependencyError) && (err as { code?: unknown }).code === undefined) throw err;
    logError(`limits for ${appId} failed: ${err.message}`);
    return {
      status: 503,
      jsonBody: { error: 'the budget store is unavailable; the gateway fails open' },
      headers,
    };
  }
}
