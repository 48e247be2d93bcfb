import { z } from 'zod';

import { REQUEST_ID, REQUEST_ID_PROBLEM } from './guid.js';
import { MAX_TOKENS_PER_FIELD } from './tokenCount.js';
import { isWellFormedText, NOT_UNICODE_PROBLEM } from './unicode.js';
import { usageSchema } from './usageShapes.js';

const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine(isWellFormedText, NOT_UNICODE_PROBLEM);

export const ARM_REGION = /^[a-z0-9]{2,40}$/;
export const BACKEND_MAX = 512;
export const MAX_MODEL_TIME_MS = 86_400_000;
/** Longest accepted value per text field (after trimming). */
export const TEXT_MAX = {
  eventTime: 64,
  appId: 64,
  tenantId: 64,
  subscriptionId: 256,
  productId: 256,
  deployment: 256,
  operation: 128,
  model: 128,
} as const;

/** Azure's deployment SKU names map onto the three pricing deployment types. */
const DEPLOYMENT_TYPES: Readonly<Record<string, 'global' | 'datazone' | 'regional'>> = {
  global: 'global',
  globalstandard: 'global',
  datazone: 'datazone',
  datazonestandard: 'datazone',
  regional: 'regional',
  standard: 'regional',
};

/** `GlobalStandard`, `data-zone`, … → the pricing deployment type; undefined when it is none. */
export function deploymentTypeOf(value: string): 'global' | 'datazone' | 'regional' | undefined {
  const key = value
    .trim()
    .toLowerCase()
    .replace(/[\s_-]/g, '');
  // Own keys only: "constructor" must not find Object.prototype's.
  return Object.hasOwn(DEPLOYMENT_TYPES, key) ? DEPLOYMENT_TYPES[key] : undefined;
}

export const deploymentTypeSchema = z.string().transform((value, ctx) => {
  const mapped = deploymentTypeOf(value);
  if (mapped === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `"${value.slice(0, 40)}" is not one of global, datazone, regional (or GlobalStandard, DataZoneStandard, Standard)`,
    });
    return z.NEVER;
  }
  return mapped;
});

/** Longest TTS output the facts accept: far above any one response, low enough to stay an exact number. */
export const MAX_OUTPUT_BYTES = 10_000_000_000;

/**
 * What a DALL-E request asked for (`n`, `size`, `quality`) and how many images came back: DALL-E
 * returns no usage, and these decide its per-image meter. Never the prompt.
 */
const imageFacts = z.object({
  n: z.number().int().min(1).max(10).nullish(),
  size: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^(\d{3,4}x\d{3,4}|auto)$/, 'must be a size such as "1024x1024" or "auto"')
    .nullish(),
  quality: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z]{1,16}$/, 'must be a quality such as "standard" or "hd"')
    .nullish(),
  returned: z.number().int().min(0).max(1000),
});

/** What a text-to-speech call measured: input characters and output bytes. Never the input text. */
const speechFacts = z.object({
  inputCharacters: z.number().int().min(0).max(MAX_TOKENS_PER_FIELD),
  outputBytes: z.number().int().min(0).max(MAX_OUTPUT_BYTES),
});

/** Our gateway policy (infra/apim/chargeback-logging.xml): typed values and the response's `usage` verbatim. */
export const v2EventSchema = z
  .object({
    schema: z.literal('aoai-usage/2', { error: 'must be "aoai-usage/2"' }),
    requestId: z.string().trim().regex(REQUEST_ID, REQUEST_ID_PROBLEM).optional(),
    eventTime: text(TEXT_MAX.eventTime),
    // The token's `appid` (v1 tokens) or `azp` (v2 tokens); the policy logs whichever is present.
    appId: text(TEXT_MAX.appId).optional(),
    appid: text(TEXT_MAX.appId).optional(),
    azp: text(TEXT_MAX.appId).optional(),
    tenantId: text(TEXT_MAX.tenantId).nullish(),
    subscriptionId: text(TEXT_MAX.subscriptionId).nullish(),
    productId: text(TEXT_MAX.productId).nullish(),
    deployment: text(TEXT_MAX.deployment).nullish(),
    deploymentType: deploymentTypeSchema.nullish(),
    region: z
      .string()
      .trim()
      .toLowerCase()
      .regex(ARM_REGION, 'must be an ARM region name such as "eastus"')
      .nullish(),
    backend: z
      .string()
      .max(BACKEND_MAX, `must be at most ${BACKEND_MAX} characters`)
      .refine(isWellFormedText, NOT_UNICODE_PROBLEM)
      .nullish(),
    operation: text(TEXT_MAX.operation),
    model: text(TEXT_MAX.model),
    stream: z.boolean().nullish(),
    statusCode: z.number().int().min(100).max(599).nullish(),
    modelTimeMs: z.number().nonnegative().max(MAX_MODEL_TIME_MS).nullish(),
    // Absent only for responses that carry none (DALL-E, speech), which log their facts instead.
    usage: usageSchema.optional(),
    images: imageFacts.optional(),
    speech: speechFacts.optional(),
  })
  .superRefine((event, ctx) => {
    if (event.usage === undefined && event.images === undefined && event.speech === undefined) {
      ctx.addIssue({ code: 'custom', message: 'is required (or images / speech)', path: ['usage'] });
    }
    if (event.appId === undefined && event.appid === undefined && event.azp === undefined) {
      ctx.addIssue({ code: 'custom', message: 'is required (or appid / azp)', path: ['appId'] });
    }
  });

export type V2Event = z.infer<typeof v2EventSchema>;
