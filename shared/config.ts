import { readFileSync } from 'node:fs';
import { z } from 'zod';

import { UserError } from './errors.js';
import { EVENT_TIME_CULTURES } from './events/eventTime.js';
import { isGuid } from './events/guid.js';

const deploymentTypeSchema = z.enum(['global', 'datazone', 'regional']);

const deploymentEntrySchema = z.strictObject({
  model: z.string().min(1).optional(),
  version: z
    .string()
    .regex(/^\d{4}$/, 'must be a four-digit MMDD version such as "0806"')
    .optional(),
  deploymentType: deploymentTypeSchema.optional(),
  region: z
    .string()
    .regex(/^[a-z0-9]+$/, 'must be an ARM region name such as "eastus"')
    .optional(),
});
export type DeploymentEntry = z.infer<typeof deploymentEntrySchema>;

const percent = z.number().min(0).max(100);
const priceOverridesSchema = z.strictObject({
  /** meterId → replacement retail price in the meter's own unit (per 1K or 1M tokens). */
  meters: z.record(z.string().min(1), z.number().nonnegative()).optional(),
  /** model family (e.g. `gpt-4o`) → percent discount. */
  discountPercentByModel: z.record(z.string().min(1), percent).optional(),
  /** percent discount on everything not covered above. */
  discountPercent: percent.optional(),
});
export type PriceOverrides = z.infer<typeof priceOverridesSchema>;

/** A JSON setting may hold JSON or, for long ones, a path to a JSON file. */
function jsonSetting<T extends z.ZodType>(schema: T) {
  return z
    .string()
    .transform((raw, ctx): unknown => {
      const text = raw.trim();
      if (text === '') return undefined;
      let source = text;
      if (!text.startsWith('{') && !text.startsWith('[')) {
        try {
          source = readFileSync(text, 'utf8');
        } catch {
          ctx.addIssue({ code: 'custom', message: `is neither JSON nor a readable file path: ${text}` });
          return z.NEVER;
        }
      }
      try {
        return JSON.parse(source) as unknown;
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `is not valid JSON (${(error as Error).message})` });
        return z.NEVER;
      }
    })
    .pipe(schema.optional());
}

const httpsUrl = z.url({ protocol: /^https$/, error: 'must be an https:// URL' });
/** https, or plain http to a receiver on this machine (a local test receiver); nothing else in clear. */
const webhookUrl = z.url({ protocol: /^https?$/, error: 'must be an https:// URL' }).refine((value) => {
  const url = new URL(value);
  return url.protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}, 'must be an https:// URL (http:// only to 127.0.0.1 or localhost)');
const blankToUndefined = (value: unknown): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const settingsFields = z.object({
  USAGE_EVENTHUB_NAME: z.string().min(1).default('aoai-usage'),
  USAGE_CONSUMER_GROUP: z.string().min(1).default('$Default'),
  COSMOS_ENDPOINT: z.preprocess(blankToUndefined, httpsUrl.optional()),
  COSMOS_KEY: z.preprocess(blankToUndefined, z.string().min(1).optional()),
  COSMOS_DATABASE: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,255}$/, 'must be a Cosmos database id (letters, digits, _ and -)')
    .default('chargeback'),
  GRAPH_BASE_URL: httpsUrl.default('https://graph.microsoft.com'),
  GRAPH_AUTH: z.enum(['default', 'none']).default('default'),
  RETAIL_PRICES_URL: httpsUrl.default('https://prices.azure.com/api/retail/prices'),
  PRICE_CURRENCY: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "USD"')
    .default('USD'),
  PRICE_REGION: z
    .string()
    .regex(/^[a-z0-9]+$/, 'must be an ARM region name such as "eastus"')
    .default('eastus'),
  DEFAULT_DEPLOYMENT_TYPE: deploymentTypeSchema.default('global'),
  DEPLOYMENTS: z.preprocess(
    blankToUndefined,
    jsonSetting(z.record(z.string().min(1), deploymentEntrySchema)).default({}),
  ),
  PRICE_REFRESH_SCHEDULE: z
    .string()
    .regex(/^\S+( \S+){5}$/, 'must be a six-field NCRONTAB expression such as "0 0 2 * * *"')
    .default('0 0 2 * * *'),
  PRICE_OVERRIDES: z.preprocess(blankToUndefined, jsonSetting(priceOverridesSchema).optional()),
  BUSINESS_UNIT_TAG_PREFIX: z.string().min(1).default('businessUnit:'),
  EVENT_TIME_CULTURE: z
    .enum(EVENT_TIME_CULTURES, { error: `must be one of ${EVENT_TIME_CULTURES.join(', ')}` })
    .default('en-US'),
  INVENTORY_SUBSCRIPTIONS: z
    .string()
    .default('')
    .transform((raw, ctx) => {
      const ids = raw
        .split(',')
        .map((id) => id.trim().toLowerCase())
        .filter((id) => id !== '');
      const bad = ids.find((id) => !isGuid(id));
      if (bad !== undefined) {
        ctx.addIssue({ code: 'custom', message: `"${bad}" is not a subscription GUID` });
        return z.NEVER;
      }
      return [...new Set(ids)];
    }),
  ARM_ENDPOINT: httpsUrl.default('https://management.azure.com'),
  ARM_AUTH: z.enum(['default', 'none']).default('default'),
  INVENTORY_REFRESH_SCHEDULE: z
    .string()
    .regex(/^\S+( \S+){5}$/, 'must be a six-field NCRONTAB expression such as "0 15 * * * *"')
    .default('0 15 * * * *'),
  ALERT_WEBHOOK_URL: z.preprocess(blankToUndefined, webhookUrl.optional()),
  ALERT_WEBHOOK_SECRET: z.preprocess(
    blankToUndefined,
    z.string().min(16, 'must be at least 16 characters').optional(),
  ),
  ALERT_WEBHOOK_FORMAT: z
    .enum(['generic', 'teams', 'slack'], { error: 'must be generic, teams or slack' })
    .default('generic'),
  LIMITS_CACHE_SECONDS: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: 'must be a whole number of seconds' })
      .int('must be a whole number of seconds')
      .min(0, 'must be 0-3600 seconds')
      .max(3600, 'must be 0-3600 seconds')
      .default(60),
  ),
  AzureWebJobsStorage: z.preprocess(blankToUndefined, z.string().min(1).optional()),
  AzureWebJobsStorage__accountName: z.preprocess(blankToUndefined, z.string().min(1).optional()),
  AzureWebJobsStorage__blobServiceUri: z.preprocess(blankToUndefined, httpsUrl.optional()),
  /** CLI only: fail fast on an endpoint that accepts connections but never answers. */
  CHARGEBACK_REQUEST_TIMEOUT_MS: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: 'must be a whole number of milliseconds' })
      .int('must be a whole number of milliseconds')
      .min(100, 'must be at least 100 (ms)')
      .max(600_000, 'must be at most 600000 (ms)')
      .default(5_000),
  ),
  // Bill reconciliation (docs/invoice.md).
  INVOICE_IMPORT_SCHEDULE: z
    .string()
    .regex(/^\S+( \S+){5}$/, 'must be a six-field NCRONTAB expression such as "0 30 6 * * *"')
    .default('0 30 6 * * *'),
  INVOICE_EXPORT_CONTAINER: z
    .string()
    .regex(
      /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/,
      'must be a blob container name (3-63 lower-case letters, digits, -)',
    )
    .default('cost-exports'),
  INVOICE_STORAGE: z.preprocess(blankToUndefined, z.string().min(1).optional()),
  RECONCILE_TOLERANCE_PERCENT: z.preprocess(blankToUndefined, z.coerce.number().min(0).max(100).default(1)),
  // `unallocated` / `idle`: what no app used is shown on its own row, never hidden in the apps' shares.
  UNATTRIBUTED_POLICY: z.enum(['unallocated', 'proportional']).default('unallocated'),
  PTU_IDLE_POLICY: z.enum(['idle', 'proportional']).default('idle'),
  PTU_TOKEN_WEIGHTS: z.preprocess(
    blankToUndefined,
    jsonSetting(
      z.record(
        z.string().min(1),
        z.strictObject({
          input: z.number().nonnegative().optional(),
          cachedInput: z.number().nonnegative().optional(),
          output: z.number().nonnegative().optional(),
        }),
      ),
    ).default({}),
  ),
});

export const settingsSchema = settingsFields.superRefine((s, ctx) => {
  // Alerts are signed, so a receiver can tell them from anyone else's POST.
  if (s.ALERT_WEBHOOK_URL !== undefined && s.ALERT_WEBHOOK_SECRET === undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['ALERT_WEBHOOK_SECRET'],
      message: 'is required when ALERT_WEBHOOK_URL is set',
    });
});

export type Settings = z.infer<typeof settingsSchema>;

/** Parses every setting at once and reports all bad ones in one error, each named. */
export function loadSettings(env: Readonly<Record<string, string | undefined>> = process.env): Settings {
  const result = settingsSchema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = issue.path.map(String).join('.');
    return `  ${name}: ${issue.message}`;
  });
  throw new UserError(`Invalid settings:\n${lines.join('\n')}`);
}
