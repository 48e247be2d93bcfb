import type { z } from 'zod';

import { parseEventTime } from './eventTime.js';
import { isGuid } from './guid.js';
import { MAX_EVENT_DEPTH, nestedDeeperThan } from './nesting.js';
import { canonicalJson, idempotencyKey } from './idempotencyKey.js';
import { parseBody } from './parseBody.js';
import type { EventSource, FieldIssue, NormalizedUsage } from './types.js';
import { v1EventSchema, type V1Event } from './v1Schema.js';
import { parseV2Fast } from './v2FastPath.js';
import { v2EventSchema, type V2Event } from './v2Schema.js';

export type NormalizeResult =
  | { readonly ok: true; readonly usage: NormalizedUsage }
  | { readonly ok: false; readonly issues: readonly FieldIssue[]; readonly raw: string };

/** Body (object, JSON string or bytes) → one normalized usage, or the reasons it is not one. */
export function normalizeEvent(body: unknown, source: EventSource, now: Date): NormalizeResult {
  const parsed = parseBody(body);
  if (!parsed.ok) return reject(parsed.raw, [{ path: '(body)', problem: parsed.problem }]);
  const { value, raw } = parsed;
  if (nestedDeeperThan(value, MAX_EVENT_DEPTH)) {
    return reject(raw, [{ path: '(body)', problem: `is nested more than ${MAX_EVENT_DEPTH} levels deep` }]);
  }

  if ('schema' in value) {
    const fast = parseV2Fast(value);
    if (fast !== undefined) return finish(fromV2(fast), value, source, now, raw);
    const result = v2EventSchema.safeParse(value);
    if (!result.success) return reject(raw, zodIssues(result.error));
    return finish(fromV2(result.data), value, source, now, raw);
  }
  if ('event-time' in value || 'appid' in value) {
    const result = v1EventSchema.safeParse(value);
    if (!result.success) return reject(raw, zodIssues(result.error));
    return finish(fromV1(result.data), value, source, now, raw);
  }
  return reject(raw, [
    {
      path: '(body)',
      problem:
        'is not a usage event: expected v2 ("schema": "aoai-usage/2") or v1 ("event-time", "appid", …)',
    },
  ]);
}

/** Fields common to both versions before the checks that need the clock or the source. */
interface Draft extends Omit<NormalizedUsage, 'id' | 'eventTime' | 'appId'> {
  readonly rawTime: { readonly path: string; readonly value: string };
  readonly rawAppId: { readonly path: string; readonly value: string };
}

function fromV1(event: V1Event): Draft {
  const completion = event.completion_tokens ?? 0;
  const modelTime = typeof event.modeltime === 'string' ? Number(event.modeltime) : event.modeltime;
  return {
    requestId: event['message-id'] ?? null,
    schema: 'v1',
    rawTime: { path: 'event-time', value: event['event-time'] },
    rawAppId: { path: 'appid', value: event.appid },
    tenantId: null,
    subscriptionId: null,
    model: event.model,
    deployment: null,
    deploymentType: null,
    region: null,
    operation: event.operation,
    stream: null,
    statusCode: null,
    modelTimeMs:
      modelTime !== undefined && Number.isFinite(modelTime) && event.modeltime !== '' ? modelTime : null,
    promptTokens: event.prompt_tokens,
    cachedTokens: 0,
    completionTokens: completion,
    reasoningTokens: 0,
    totalTokens: event.total_tokens ?? event.prompt_tokens + completion,
  };
}

function fromV2(event: V2Event): Draft {
  const [appPath, appValue] =
    event.appId !== undefined
      ? ['appId', event.appId]
      : event.appid !== undefined
        ? ['appid', event.appid]
        : ['azp', event.azp ?? ''];
  return {
    requestId: event.requestId ?? null,
    schema: 'v2',
    rawTime: { path: 'eventTime', value: event.eventTime },
    rawAppId: { path: appPath, value: appValue },
    tenantId: event.tenantId?.toLowerCase() ?? null,
    subscriptionId: event.subscriptionId ?? null,
    model: event.model,
    deployment: event.deployment ?? null,
    backend: event.backend ?? null,
    deploymentType: event.deploymentType ?? null,
    region: event.region ?? null,
    operation: event.operation,
    stream: event.stream ?? null,
    statusCode: event.statusCode ?? null,
    modelTimeMs: event.modelTimeMs ?? null,
    ...event.usage,
  };
}

function finish(
  draft: Draft,
  value: Record<string, unknown>,
  source: EventSource,
  now: Date,
  raw: string,
): NormalizeResult {
  const time = parseEventTime(draft.rawTime.value, now);
  const appId = draft.rawAppId.value.trim();
  const guid = isGuid(appId);
  if (!time.ok || !guid) {
    const issues: FieldIssue[] = [];
    if (!time.ok) issues.push({ path: draft.rawTime.path, problem: time.problem });
    if (!guid) issues.push({ path: draft.rawAppId.path, problem: `"${appId.slice(0, 64)}" is not a GUID` });
    return reject(raw, issues);
  }

  // The content hash is only the key when there is no request id: don't serialize every event for it.
  const id =
    draft.requestId === null
      ? idempotencyKey(undefined, canonicalJson(value), source)
      : idempotencyKey(draft.requestId, '', source);
  // Field by field rather than rest-and-spread: one object per event instead of two.
  const usage: NormalizedUsage = {
    id,
    requestId: draft.requestId === null ? null : id,
    schema: draft.schema,
    eventTime: time.iso,
    appId: appId.toLowerCase(),
    tenantId: draft.tenantId,
    subscriptionId: draft.subscriptionId,
    model: draft.model,
    deployment: draft.deployment,
    backend: draft.backend ?? null,
    deploymentType: draft.deploymentType,
    region: draft.region,
    operation: draft.operation,
    stream: draft.stream,
    statusCode: draft.statusCode,
    modelTimeMs: draft.modelTimeMs,
    promptTokens: draft.promptTokens,
    cachedTokens: draft.cachedTokens,
    completionTokens: draft.completionTokens,
    reasoningTokens: draft.reasoningTokens,
    totalTokens: draft.totalTokens,
  };
  return { ok: true, usage };
}

function reject(raw: string, issues: readonly FieldIssue[]): NormalizeResult {
  return { ok: false, issues, raw };
}

function zodIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)',
    problem: issue.message,
  }));
}
