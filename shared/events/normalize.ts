import type { z } from 'zod';

import { parseEventTime, type EventTimeCulture } from './eventTime.js';
import { isGuid } from './guid.js';
import { canonicalJson, idempotencyKey } from './idempotencyKey.js';
import { MAX_EVENT_DEPTH, nestedDeeperThan } from './nesting.js';
import { parseBody } from './parseBody.js';
import { redactedView, shapeOf } from './redact.js';
import { SpilledBody } from './spilledBody.js';
import type { EventSource, FieldIssue, NormalizedUsage } from './types.js';
import { v1EventSchema, type V1Event } from './v1Schema.js';
import type { TokenUsage } from './usageShapes.js';
import { parseV2Fast } from './v2FastPath.js';
import { v2EventSchema, type V2Event } from './v2Schema.js';

/** A refused body, as the dead letter needs it. */
export interface Rejected {
  readonly ok: false;
  readonly issues: readonly FieldIssue[];
  /** The body's text as received: hashed into the dead-letter id, never stored. */
  readonly raw: string;
  /** What is stored instead: the redacted view as JSON (shared/events/redact.ts), or the body's shape. */
  readonly view: string;
  readonly rawBytes: number;
  /** Set for replayed spills, whose raw text is gone: the id the first delivery computed. */
  readonly deadLetterId?: string;
}

export type NormalizeResult = { readonly ok: true; readonly usage: NormalizedUsage } | Rejected;

/** A body's JSON object, or why it is none; bounded in size and depth, so any later code may walk it. */
export type PreparedBody =
  | { readonly ok: true; readonly value: Record<string, unknown>; readonly raw: string }
  | { readonly ok: false; readonly issue: FieldIssue; readonly raw: string; readonly shape: string };

export function prepareBody(body: unknown): PreparedBody {
  const parsed = parseBody(body);
  if (!parsed.ok) {
    return {
      ok: false,
      issue: { path: '(body)', problem: parsed.problem },
      raw: parsed.raw,
      // The same shape whether the host or the CLI decoded the JSON text.
      shape: 'value' in parsed ? bodyShape(parsed.value) : bodyShape(body),
    };
  }
  if (nestedDeeperThan(parsed.value, MAX_EVENT_DEPTH)) {
    return {
      ok: false,
      issue: { path: '(body)', problem: `is nested more than ${MAX_EVENT_DEPTH} levels deep` },
      raw: parsed.raw,
      shape: JSON.stringify(shapeOf(parsed.value)),
    };
  }
  return { ok: true, value: parsed.value, raw: parsed.raw };
}

/** Body (object, JSON string, bytes, or a replayed spill's) → one normalized usage, or why it is not one. */
export function normalizeEvent(
  body: unknown,
  source: EventSource,
  now: Date,
  culture: EventTimeCulture = 'en-US',
): NormalizeResult {
  if (body instanceof SpilledBody) return normalizeSpilled(body, source, now, culture);
  const prepared = prepareBody(body);
  if (!prepared.ok) {
    return {
      ok: false,
      issues: [prepared.issue],
      raw: prepared.raw,
      view: prepared.shape,
      rawBytes: utf8Bytes(prepared.raw),
    };
  }
  const evidence: Evidence = { raw: prepared.raw, rawBytes: -1 };
  return normalizeValue(prepared.value, source, now, culture, evidence);
}

function normalizeSpilled(
  body: SpilledBody,
  source: EventSource,
  now: Date,
  culture: EventTimeCulture,
): NormalizeResult {
  const evidence: Evidence = {
    raw: '',
    rawBytes: body.rawBytes,
    redacted: true,
    deadLetterId: body.deadLetterId,
    ...(body.contentId === undefined ? {} : { contentId: body.contentId }),
  };
  if (body.view === undefined) {
    const issues = body.refused ?? [{ path: '(body)', problem: 'was refused before it was spilled' }];
    return {
      ok: false,
      issues,
      raw: '',
      view: body.shape,
      rawBytes: body.rawBytes,
      deadLetterId: body.deadLetterId,
    };
  }
  return normalizeValue(body.view, source, now, culture, evidence);
}

/** What a refusal or the content id needs beyond the parsed value. */
interface Evidence {
  readonly raw: string;
  /** -1: count from `raw` when needed (most events are never refused). */
  readonly rawBytes: number;
  readonly deadLetterId?: string;
  readonly contentId?: string;
  /** The value is already a redacted view (a replayed spill): redacting it again would shape its shapes. */
  readonly redacted?: boolean;
}

function normalizeValue(
  value: Record<string, unknown>,
  source: EventSource,
  now: Date,
  culture: EventTimeCulture,
  evidence: Evidence,
): NormalizeResult {
  if ('schema' in value) {
    const fast = parseV2Fast(value);
    if (fast !== undefined) return finish(fromV2(fast), value, source, now, culture, evidence);
    const result = v2EventSchema.safeParse(value);
    if (!result.success) return reject(value, evidence, zodIssues(result.error));
    return finish(fromV2(result.data), value, source, now, culture, evidence);
  }
  if ('event-time' in value || 'appid' in value) {
    const result = v1EventSchema.safeParse(value);
    if (!result.success) return reject(value, evidence, zodIssues(result.error));
    return finish(fromV1(result.data), value, source, now, culture, evidence);
  }
  return reject(value, evidence, [
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
    ...(event.usage === undefined ? NO_TOKENS : imageApiKinds(event.operation, event.usage)),
    ...(event.images === undefined
      ? {}
      : {
          images: {
            count: event.images.returned,
            size: event.images.size ?? null,
            quality: event.images.quality ?? null,
          },
        }),
    ...(event.speech === undefined ? {} : { speech: event.speech }),
  };
}

/** A DALL-E or speech response: no usage, so no tokens (their facts say what was billed). */
const NO_TOKENS: TokenUsage = {
  promptTokens: 0,
  cachedTokens: 0,
  completionTokens: 0,
  reasoningTokens: 0,
  totalTokens: 0,
};

/** The gateway's `operation` for the Images API (`/images/generations`, `/images/edits`): the last path segment. */
const IMAGE_OPERATIONS: ReadonlySet<string> = new Set(['generations', 'edits']);

/**
 * gpt-image-1's Images API usage has no output details: its output tokens are all image tokens
 * (aoai_images_gpt_image_1_usage fixture). Nothing else says so, so the operation decides.
 */
function imageApiKinds(operation: string, usage: TokenUsage): TokenUsage {
  const kinds = usage.tokenKinds;
  if (!IMAGE_OPERATIONS.has(operation) || usage.completionTokens === 0) return usage;
  if ((kinds?.audioOutput ?? 0) > 0 || (kinds?.imageOutput ?? 0) > 0) return usage;
  return { ...usage, tokenKinds: { ...kinds, imageOutput: usage.completionTokens } };
}

function finish(
  draft: Draft,
  value: Record<string, unknown>,
  source: EventSource,
  now: Date,
  culture: EventTimeCulture,
  evidence: Evidence,
): NormalizeResult {
  const time = parseEventTime(draft.rawTime.value, now, culture);
  const appId = draft.rawAppId.value.trim();
  const guid = isGuid(appId);
  if (!time.ok || !guid) {
    const issues: FieldIssue[] = [];
    if (!time.ok) issues.push({ path: draft.rawTime.path, problem: time.problem });
    if (!guid) issues.push({ path: draft.rawAppId.path, problem: `"${appId.slice(0, 64)}" is not a GUID` });
    return reject(value, evidence, issues);
  }

  // The content hash is only the key when there is no request id: don't serialize every event for it.
  const id =
    draft.requestId !== null
      ? idempotencyKey(draft.requestId, '', source)
      : (evidence.contentId ?? idempotencyKey(undefined, canonicalJson(value), source));
  // Field by field rather than rest-and-spread: one object per event instead of two.
  const usage: NormalizedUsage = {
    id,
    // A GUID is kept as its id (lower case); any other request id as it came, beside its hashed id.
    requestId: draft.requestId === null ? null : isGuid(draft.requestId) ? id : draft.requestId,
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
    ...(draft.tokenKinds === undefined ? {} : { tokenKinds: draft.tokenKinds }),
    ...(draft.images === undefined ? {} : { images: draft.images }),
    ...(draft.speech === undefined ? {} : { speech: draft.speech }),
    ...(draft.durationSeconds === undefined ? {} : { durationSeconds: draft.durationSeconds }),
  };
  return { ok: true, usage };
}

/** A refusal keeps the redacted view, never the body: the raw text only feeds the dead-letter id. */
function reject(value: Record<string, unknown>, evidence: Evidence, issues: readonly FieldIssue[]): Rejected {
  return {
    ok: false,
    issues,
    raw: evidence.raw,
    view: JSON.stringify(evidence.redacted === true ? value : redactedView(value)),
    rawBytes: evidence.rawBytes >= 0 ? evidence.rawBytes : utf8Bytes(evidence.raw),
    ...(evidence.deadLetterId === undefined ? {} : { deadLetterId: evidence.deadLetterId }),
  };
}

function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** A body refused before it was parsed keeps only its kind and size. */
function bodyShape(body: unknown): string {
  if (typeof body === 'string') return JSON.stringify(`string:${body.length}`);
  if (body instanceof Uint8Array || body instanceof ArrayBuffer)
    return JSON.stringify(`bytes:${body.byteLength}`);
  try {
    return JSON.stringify(typeof body === 'object' && body !== null ? shapeOf(body, 2) : shapeOf(body));
  } catch {
    return '"unreadable"'; // an object whose getters throw
  }
}

function zodIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)',
    problem: issue.message,
  }));
}
