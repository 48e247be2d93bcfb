import { REQUEST_ID } from './guid.js';
import { MAX_TOKENS_PER_FIELD } from './tokenCount.js';
import { isWellFormedText } from './unicode.js';
import { inconsistency, withKinds, type TokenUsage } from './usageShapes.js';
import {
  ARM_REGION,
  BACKEND_MAX,
  deploymentTypeOf,
  MAX_MODEL_TIME_MS,
  TEXT_MAX,
  type V2Event,
} from './v2Schema.js';

/**
 * The v2 schema's answer for a well-formed event, without zod: validating every field with zod was the
 * largest item of the ingest profile (docs/performance.md). It accepts only values the schema accepts
 * unchanged (trimmed text, integer counts, known shapes) and returns what the schema would return;
 * anything else, valid or not, is `undefined`, and the caller asks zod, which also words the errors.
 * A property test holds the two to the same output on every generated event.
 */
export function parseV2Fast(value: Record<string, unknown>): V2Event | undefined {
  if (!isRecord(value) || value.schema !== 'aoai-usage/2') return undefined;
  // DALL-E and speech facts are rare: zod reads them.
  if (value.images !== undefined || value.speech !== undefined) return undefined;
  const requestId = value.requestId;
  if (requestId !== undefined && !(typeof requestId === 'string' && REQUEST_ID.test(requestId)))
    return undefined;

  const eventTime = text(value.eventTime, TEXT_MAX.eventTime);
  const operation = text(value.operation, TEXT_MAX.operation);
  const model = text(value.model, TEXT_MAX.model);
  const appId = optionalText(value.appId, TEXT_MAX.appId);
  const appid = optionalText(value.appid, TEXT_MAX.appId);
  const azp = optionalText(value.azp, TEXT_MAX.appId);
  if (eventTime === FAIL || operation === FAIL || model === FAIL) return undefined;
  if (appId === FAIL || appid === FAIL || azp === FAIL) return undefined;
  if (appId === undefined && appid === undefined && azp === undefined) return undefined;

  const tenantId = nullishText(value.tenantId, TEXT_MAX.tenantId);
  const subscriptionId = nullishText(value.subscriptionId, TEXT_MAX.subscriptionId);
  const productId = nullishText(value.productId, TEXT_MAX.productId);
  const deployment = nullishText(value.deployment, TEXT_MAX.deployment);
  if (tenantId === FAIL || subscriptionId === FAIL || productId === FAIL || deployment === FAIL)
    return undefined;

  const deploymentType = nullish(value.deploymentType, (v) =>
    typeof v === 'string' ? (deploymentTypeOf(v) ?? FAIL) : FAIL,
  );
  const region = nullish(value.region, (v) => {
    if (typeof v !== 'string') return FAIL;
    const name = v.trim().toLowerCase();
    return ARM_REGION.test(name) ? name : FAIL;
  });
  const backend = nullish(value.backend, (v) =>
    typeof v === 'string' && v.length <= BACKEND_MAX && isWellFormedText(v) ? v : FAIL,
  );
  const stream = nullish(value.stream, (v) => (typeof v === 'boolean' ? v : FAIL));
  const statusCode = nullish(value.statusCode, (v) =>
    Number.isInteger(v) && (v as number) >= 100 && (v as number) <= 599 ? (v as number) : FAIL,
  );
  const modelTimeMs = nullish(value.modelTimeMs, (v) =>
    typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= MAX_MODEL_TIME_MS ? v : FAIL,
  );
  if (deploymentType === FAIL || region === FAIL || backend === FAIL) return undefined;
  if (stream === FAIL || statusCode === FAIL || modelTimeMs === FAIL) return undefined;

  const usage = tokenUsage(value.usage);
  if (usage === undefined) return undefined;
  return {
    schema: 'aoai-usage/2',
    requestId,
    eventTime,
    appId,
    appid,
    azp,
    tenantId,
    subscriptionId,
    productId,
    deployment,
    deploymentType,
    region,
    backend,
    operation,
    model,
    stream,
    statusCode,
    modelTimeMs,
    usage,
  };
}

const FAIL = Symbol('fail');

/** Text the schema keeps as it is: a string, already trimmed, 1 to `max` characters, valid Unicode. */
function text(v: unknown, max: number): string | typeof FAIL {
  return typeof v === 'string' && v.length > 0 && v.length <= max && v.trim() === v && isWellFormedText(v)
    ? v
    : FAIL;
}

function optionalText(v: unknown, max: number): string | undefined | typeof FAIL {
  return v === undefined ? undefined : text(v, max);
}

function nullishText(v: unknown, max: number): string | null | undefined | typeof FAIL {
  return v === undefined || v === null ? v : text(v, max);
}

function nullish<T>(v: unknown, check: (v: unknown) => T | typeof FAIL): T | null | undefined | typeof FAIL {
  return v === undefined || v === null ? v : check(v);
}

/** A plain object, as JSON makes them: anything else (class instances, null prototypes) is zod's to judge. */
function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

function count(v: unknown): number | undefined {
  return Number.isInteger(v) && (v as number) >= 0 && (v as number) <= MAX_TOKENS_PER_FIELD
    ? (v as number)
    : undefined;
}

/** `details?.[key]` as the schema reads it: a missing or null object or value is 0. */
function detail(details: unknown, key: string): number | undefined {
  if (details === undefined || details === null) return 0;
  if (!isRecord(details)) return undefined;
  const v = details[key];
  return v === undefined || v === null ? 0 : count(v);
}

/** Where each shape keeps input, output and their details (reference/api-shapes/aoai_*). */
const RESPONSES = ['input_tokens', 'output_tokens', 'input_tokens_details', 'output_tokens_details'] as const;
const CHAT = [
  'prompt_tokens',
  'completion_tokens',
  'prompt_tokens_details',
  'completion_tokens_details',
] as const;

/** The three usage shapes, picked by the same keys as `usageSchema`, with the same totals. */
function tokenUsage(usage: unknown): TokenUsage | undefined {
  if (!isRecord(usage)) return undefined;
  const total = usage.total_tokens === undefined ? undefined : count(usage.total_tokens);
  if (usage.total_tokens !== undefined && total === undefined) return undefined;
  // Transcription spells its details `input_token_details` and says `type: "tokens"`; Whisper's
  // duration, any other type, and both spellings at once are zod's to read (and to word the error).
  if ('type' in usage && usage.type !== 'tokens') return undefined;
  const singular = 'input_token_details' in usage;
  if (singular && ('input_tokens_details' in usage || !('input_tokens' in usage))) return undefined;
  // So is a split of the cached tokens by kind (`cached_tokens_details`).
  for (const key of ['prompt_tokens_details', 'input_tokens_details'])
    if (isRecord(usage[key]) && 'cached_tokens_details' in usage[key]) return undefined;
  let tokens: TokenUsage;
  if ('input_tokens' in usage || 'output_tokens' in usage || 'completion_tokens' in usage) {
    const [inKey, outKey, plural, outDetails] =
      'input_tokens' in usage || 'output_tokens' in usage ? RESPONSES : CHAT;
    const inDetails = singular ? 'input_token_details' : plural;
    const promptTokens = count(usage[inKey]);
    const completionTokens = count(usage[outKey]);
    const cachedTokens = detail(usage[inDetails], 'cached_tokens');
    const reasoningTokens = detail(usage[outDetails], 'reasoning_tokens');
    const audioIn = detail(usage[inDetails], 'audio_tokens');
    const imageIn = detail(usage[inDetails], 'image_tokens');
    const audioOut = detail(usage[outDetails], 'audio_tokens');
    const imageOut = detail(usage[outDetails], 'image_tokens');
    if (
      promptTokens === undefined ||
      completionTokens === undefined ||
      cachedTokens === undefined ||
      reasoningTokens === undefined ||
      audioIn === undefined ||
      imageIn === undefined ||
      audioOut === undefined ||
      imageOut === undefined
    )
      return undefined;
    const totalTokens = total ?? promptTokens + completionTokens;
    tokens = withKinds(
      { promptTokens, cachedTokens, completionTokens, reasoningTokens, totalTokens },
      { audioInput: audioIn, imageInput: imageIn, audioOutput: audioOut, imageOutput: imageOut },
    );
  } else {
    // Embeddings: input only, and the total is required.
    const promptTokens = count(usage.prompt_tokens);
    if (promptTokens === undefined || total === undefined) return undefined;
    tokens = { promptTokens, cachedTokens: 0, completionTokens: 0, reasoningTokens: 0, totalTokens: total };
  }
  return inconsistency(tokens) === undefined ? tokens : undefined;
}
