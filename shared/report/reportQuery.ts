import { z } from 'zod';

/** A sanity bound, not a business rule: multi-year reports are fine, a typo'd year 2962 is not. */
export const MAX_RANGE_DAYS = 3660;
export const RANGE_TOO_LONG = `the range may span at most ${MAX_RANGE_DAYS} days (ten years)`;

/** Report parameters, validated the same way for the CLI and the HTTP function. */
export const reportQuerySchema = z
  .object({
    from: z.iso.date({ error: 'must be a date as YYYY-MM-DD' }),
    to: z.iso.date({ error: 'must be a date as YYYY-MM-DD' }),
    by: z
      .enum(['app', 'businessUnit', 'model'], { error: 'must be app, businessUnit or model' })
      .default('app'),
    format: z
      .enum(['table', 'csv', 'json', 'focus'], { error: 'must be table, csv, json or focus' })
      .default('table'),
  })
  .superRefine((q, ctx) => {
    if (q.from > q.to)
      ctx.addIssue({ code: 'custom', path: ['to'], message: `must not be before from (${q.from})` });
    const days = (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000;
    if (days > MAX_RANGE_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: RANGE_TOO_LONG });
  });

export type ReportQuery = z.infer<typeof reportQuerySchema>;

export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.map(String).join('.') || 'query'}: ${i.message}`).join('; ');
}
