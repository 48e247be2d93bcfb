import { existsSync, readFileSync } from 'node:fs';

import { z } from 'zod';

import { UserError } from '../shared/errors.js';

const localSettingsSchema = z.object({
  Values: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});

/**
 * The CLI reads the same settings as the functions: the environment, then `local.settings.json`
 * Values for anything the environment does not set (so `func start` and the CLI agree).
 */
export function cliEnvironment(path = 'local.settings.json'): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  if (!existsSync(path)) return env;
  const parsed = localSettingsSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new UserError(`${path}: expected { "Values": { "NAME": "value", ... } }`);
  for (const [name, value] of Object.entries(parsed.data.Values)) env[name] ??= String(value);
  return env;
}
