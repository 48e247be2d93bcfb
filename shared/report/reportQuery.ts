import { z } from 'zod';

import { periodDays } from './period.js';
import type { ReportGrouping } from './types.js';

/** A report period spans at most this many days, `from` and `to` inclusive: a leap year. */
export const MAX_PERIOD_DAYS = 366;
/** The same bound as the largest `to − from` in days (what audit's range check compares). */
export const MAX_RANGE_DAYS = MAX_PERIOD_DAYS - 1;
export const RANGE_TOO_LONG = `the period may span at most ${MAX_PERIOD_DAYS} days (from and to inclusive); split longer ones`;

const GROUPINGS = ['app', 'businessUnit', 'model'] as const;
const BY_ERROR = 'must be app, businessUnit or model, or two of them separated by a comma (app,model)';

/** `app`, `app,model`, `businessUnit, model`: one or two distinct groupings, the outer first. */
const bySchema = z
  .string()
  .default('app')
  .transform((text, ctx): ReportGrouping[] => {
    const parts = text.split(',').map((p) => p.trim());
    const known = parts.filter((p): p is ReportGrouping => (GROUPINGS as readonly string[]).includes(p));
    if (known.length !== parts.length || parts.length > 2 || new Set(parts).size !== parts.length) {
      ctx.addIssue({ code: 'invalid_value', values: [...GROUPINGS], message: BY_ERROR });
      return z.NEVER;
    }
    return known;
  });

/** Report parameters, validated the same way for the CLI, the HTTP function and the page. */
export const reportQuerySchema = z
  .object({
    from: z.iso.date({ error: 'must be a date as YYYY-MM-DD' }),
    to: z.iso.date({ error: 'must be a date as YYYY-MM-DD' }),
    by: bySchema,
    format: z
      .enum(['table', 'csv', 'json', 'focus'], { error: 'must be table, csv, json or focus' })
      .default('table'),
    compare: z.enum(['previous'], { error: 'must be previous' }).optional(),
    basis: z.enum(['estimate', 'billed'], { error: 'must be estimate or billed' }).default('estimate'),
  })
  .superRefine((q, ctx) => {
    if (q.from > q.to)
      ctx.addIssue({ code: 'custom', path: ['to'], message: `must not be before from (${q.from})` });
    else if (periodDays(q.from, q.to) > MAX_PERIOD_DAYS)
      ctx.addIssue({ code: 'custom', path: ['to'], message: RANGE_TOO_LONG });
    if (q.compare !== undefined && q.format === 'focus')
      ctx.addIssue({
        code: 'custom',
        path: ['compare'],
        message: 'FOCUS rows are single days; compare with table, csv or json',
      });
  });

export type ReportQuery = z.infer<typeof reportQuerySchema>;

export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.map(String).join('.') || 'query'}: ${i.message}`).join('; ');
}
