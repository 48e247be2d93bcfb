import { readFile } from 'node:fs/promises';

import type { Command } from 'commander';
import { z } from 'zod';

import type { Services } from '../../shared/app/services.js';
import { UserError } from '../../shared/errors.js';
import { formatReconcile, type ReconcileFormat } from '../../shared/invoice/formatReconcile.js';
import { reconcileStored } from '../../shared/invoice/runAllocation.js';
import { addDays } from '../../shared/report/period.js';
import { usageFromRows, type UsageByKey } from '../../shared/invoice/usagePort.js';
import { RollupUsage } from '../../shared/store/rollupUsage.js';
import { withServices } from '../context.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const units = z.union([z.string().regex(/^-?\d+$/), z.number().int()]).transform((v) => BigInt(v));
const usageFileSchema = z.array(
  z.strictObject({
    resourceId: z
      .string()
      .min(1)
      .transform((s) => s.toLowerCase()),
    day: z.string().regex(DAY, 'must be YYYY-MM-DD'),
    appId: z.string().min(1),
    basis: z.enum(['meter', 'provisioned', 'ftHosting']),
    meterId: z
      .string()
      .min(1)
      .transform((s) => s.toLowerCase())
      .optional(),
    modelFamily: z.string().min(1),
    tokenKind: z.enum(['input', 'cachedInput', 'output']).optional(),
    units,
    estimateNanos: units,
    activeHourMask: z.number().int().min(0).max(0xffffff).optional(),
  }),
);

async function usageFile(path: string): Promise<UsageByKey> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new UserError(`--usage ${path}: ${(error as Error).message}`);
  }
  const parsed = usageFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(`--usage ${path}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  return usageFromRows(parsed.data);
}

/**
 * `reconcile` reads the usage side per (resource, meter, day, app) from the rollups (`usageSource`);
 * `--usage <file.json>` overrides it.
 */
export function registerReconcile(
  program: Command,
  usageSource: (services: Services) => UsageByKey = (services) => new RollupUsage(services.database),
): void {
  program
    .command('reconcile')
    .description(
      'the imported bill against recorded usage per resource, meter and day (exit 0 all matched, 1 otherwise)',
    )
    .requiredOption('--from <day>', 'first UTC day, YYYY-MM-DD')
    .requiredOption('--to <day>', 'last UTC day, YYYY-MM-DD (inclusive)')
    .option('--format <format>', 'table, json or csv', 'table')
    .option('--usage <file>', 'usage rows as JSON instead of the rollups (an override; see docs/invoice.md)')
    .action(async (options: { from: string; to: string; format: string; usage?: string }) => {
      if (!DAY.test(options.from)) throw new UserError(`--from: must be YYYY-MM-DD, got "${options.from}"`);
      if (!DAY.test(options.to)) throw new UserError(`--to: must be YYYY-MM-DD, got "${options.to}"`);
      if (options.to < options.from) throw new UserError('--to: must not be before --from');
      if (!['table', 'json', 'csv'].includes(options.format))
        throw new UserError(`--format: must be table, json or csv, got "${options.format}"`);
      const end = addDays(options.to, 1);
      const fromFile = options.usage === undefined ? undefined : await usageFile(options.usage);
      await withServices(async (services) => {
        const port = fromFile ?? usageSource(services);
        const result = await reconcileStored(services.database, services.settings, options.from, end, port);
        process.stdout.write(formatReconcile(result, options.format as ReconcileFormat));
        process.exitCode = result.allMatched ? 0 : 1;
      });
    });
}
