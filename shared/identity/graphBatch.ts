import { z } from 'zod';

import { isGuid } from '../events/guid.js';
import { headerValue, parseRetryAfterMs } from './retryAfter.js';
import type { DirectoryResult } from './types.js';

/** Graph rejects a `$batch` with more sub-requests than this (json-batching doc). */
export const GRAPH_BATCH_LIMIT = 20;
export const SERVICE_PRINCIPAL_SELECT =
  'id,appId,displayName,servicePrincipalType,tags,appOwnerOrganizationId';

/** An OData string literal: doubling quotes means no value can close the literal and add a clause. */
export function odataString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Relative sub-request URL. Refuses non-GUIDs itself so no caller can smuggle text into a URL. */
export function servicePrincipalByAppIdUrl(appId: string): string {
  if (!isGuid(appId)) throw new TypeError(`not a GUID: ${JSON.stringify(appId)}`);
  return `/servicePrincipals(appId=${odataString(appId)})?$select=${SERVICE_PRINCIPAL_SELECT}`;
}

export interface BatchRequestBody {
  readonly requests: readonly { readonly id: string; readonly method: 'GET'; readonly url: string }[];
}

/** Sub-request ids are positions in `appIds`; responses are matched back by id, never by order. */
export function buildBatch(appIds: readonly string[]): BatchRequestBody {
  return {
    requests: appIds.map((appId, index) => ({
      id: String(index + 1),
      method: 'GET',
      url: servicePrincipalByAppIdUrl(appId),
    })),
  };
}

const subResponseSchema = z.object({
  id: z.string(),
  status: z.number().int(),
  headers: z.record(z.string(), z.coerce.string()).optional(),
  body: z.unknown(),
});
export const batchResponseSchema = z.object({ responses: z.array(subResponseSchema) });
export type BatchSubResponse = z.infer<typeof subResponseSchema>;

const errorBodySchema = z.object({ error: z.object({ code: z.string().optional() }) });

export function graphErrorCode(body: unknown): string | undefined {
  const parsed = errorBodySchema.safeParse(body);
  return parsed.success && parsed.data.error.code ? parsed.data.error.code : undefined;
}

// With `$select`, Graph sends every selected property (null when unset); be lenient about omissions anyway.
const servicePrincipalSchema = z.object({
  id: z.string().min(1),
  appId: z.string(),
  displayName: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
  servicePrincipalType: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
  tags: z
    .array(z.string())
    .nullish()
    .transform((v) => v ?? []),
  appOwnerOrganizationId: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
});

/** A per-app result, or "throttled": the caller decides whether the budget allows another try. */
export type SubOutcome =
  | DirectoryResult
  | { readonly kind: 'throttled'; readonly status: number; readonly retryAfterMs: number | undefined };

/**
 * Any non-success status, at batch or sub-request level. 429 always counts as throttling; 503/504 only
 * when Graph says when to come back, since without Retry-After they are outages, not back-pressure.
 */
export function throttledOrUnavailable(
  status: number,
  retryAfter: string | null | undefined,
  body: unknown,
): SubOutcome {
  const retryAfterMs = parseRetryAfterMs(retryAfter);
  if (status === 429 || ((status === 503 || status === 504) && retryAfterMs !== undefined)) {
    return { kind: 'throttled', status, retryAfterMs };
  }
  const code = graphErrorCode(body);
  return { kind: 'unavailable', reason: `graph ${status}${code ? ` ${code}` : ''}` };
}

export function classifySubResponse(sub: BatchSubResponse, appId: string): SubOutcome {
  if (sub.status === 200) {
    const parsed = servicePrincipalSchema.safeParse(sub.body);
    if (!parsed.success)
      return { kind: 'unavailable', reason: 'graph 200 with an unexpected servicePrincipal body' };
    if (parsed.data.appId.toLowerCase() !== appId.toLowerCase()) {
      return { kind: 'unavailable', reason: 'graph answered with a different appId' };
    }
    return { kind: 'found', servicePrincipal: parsed.data };
  }
  // Only this code means "no such app"; a bare 404 could be a wrong base URL and must not mark apps unknown.
  if (sub.status === 404 && graphErrorCode(sub.body) === 'Request_ResourceNotFound')
    return { kind: 'notFound' };
  return throttledOrUnavailable(sub.status, headerValue(sub.headers, 'Retry-After'), sub.body);
}
