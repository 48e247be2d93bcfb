import type { Services } from '../app/services.js';
import { DependencyError, ensureError } from '../errors.js';
import { isGuid } from '../events/guid.js';
import type { LimitsAnswer } from './limits.js';
import { createLimits, limitsDeps } from './limitsService.js';
import { budgetDeps } from './runEvaluation.js';

export interface LimitsHttpResult {
  readonly status: 200 | 400 | 503;
  readonly jsonBody: LimitsAnswer | { readonly error: string };
  readonly headers: Record<string, string>;
}

// One answerer per services instance (one per worker in Azure), so the memo is shared by invocations.
const answerers = new WeakMap<Services, ReturnType<typeof createLimits>>();

/**
 * The limits endpoint's logic: a GUID check before anything else, the answer, or 503 when the store is
 * down (the gateway policy fails open on anything but a 200 that says `blocked`).
 */
export async function limitsResponse(
  appId: string,
  services: () => Promise<Services>,
  logError: (message: string) => void,
): Promise<LimitsHttpResult> {
  const headers = { 'cache-control': 'no-store' };
  if (!isGuid(appId))
    return { status: 400, jsonBody: { error: `appId: "${appId.slice(0, 64)}" is not a GUID` }, headers };
  try {
    const built = await services();
    let answer = answerers.get(built);
    if (answer === undefined) {
      answer = createLimits(limitsDeps(built, budgetDeps(built)));
      answerers.set(built, answer);
    }
    // The gateway keeps an answer as long as this says (and LIMITS_CACHE_SECONDS in its named value).
    const maxAge = `private, max-age=${built.settings.LIMITS_CACHE_SECONDS}`;
    return { status: 200, jsonBody: await answer(appId), headers: { 'cache-control': maxAge } };
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
