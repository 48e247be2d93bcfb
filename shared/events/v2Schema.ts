import { z } from 'zod';

import { REQUEST_ID, REQUEST_ID_PROBLEM } from './guid.js';
import { usageSchema } from './usageShapes.js';

const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/** Azure's deployment SKU names map onto the three pricing deployment types. */
const DEPLOYMENT_TYPES: Readonly<Record<string, 'global' | 'datazone' | 'regional'>> = {
  global: 'global',
  globalstandard: 'global',
  datazone: 'datazone',
  datazonestandard: 'datazone',
  regional: 'regional',
  standard: 'regional',
};

export const deploymentTypeSchema = z.string().transform((value, ctx) => {
  const mapped =
    DEPLOYMENT_TYPES[
      value
        .trim()
        .toLowerCase()
        .replace(/[\s_-]/g, '')
    ];
  if (mapped === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `"${value.slice(0, 40)}" is not one of global, datazone, regional (or GlobalStandard, DataZoneStandard, Standard)`,
    });
    return z.NEVER;
  }
  return mapped;
});

/** Our gateway policy (infra/apim/chargeback-logging.xml): typed values and the response's `usage` verbatim. */
export const v2EventSchema = z
  .object({
    schema: z.literal('aoai-usage/2', { error: 'must be "aoai-usage/2"' }),
    requestId: z.string().trim().regex(REQUEST_ID, REQUEST_ID_PROBLEM).optional(),
    eventTime: text(64),
    // The token's `appid` (v1 tokens) or `azp` (v2 tokens); the policy logs whichever is present.
    appId: text(64).optional(),
    appid: text(64).optional(),
    azp: text(64).optional(),
    tenantId: text(64).nullish(),
    subscriptionId: text(256).nullish(),
    productId: text(256).nullish(),
    deployment: text(256).nullish(),
    deploymentType: deploymentTypeSchema.nullish(),
    region: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z0-9]{2,40}$/, 'must be an ARM region name such as "eastus"')
      .nullish(),
    backend: z.string().max(512).nullish(),
    operation: text(128),
    model: text(128),
    stream: z.boolean().nullish(),
    statusCode: z.number().int().min(100).max(599).nullish(),
    modelTimeMs: z.number().nonnegative().max(86_400_000).nullish(),
    usage: usageSchema,
  })
  .superRefine((event, ctx) => {
    if (event.appId === undefined && event.appid === undefined && event.azp === undefined) {
      ctx.addIssue({ code: 'custom', message: 'is required (or appid / azp)', path: ['appId'] });
    }
  });

export type V2Event = z.infer<typeof v2EventSchema>;
