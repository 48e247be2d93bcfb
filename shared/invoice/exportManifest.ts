import { z } from 'zod';

import { UserError } from '../errors.js';

/**
 * The `manifest.json` Cost Management writes beside each export run (documented in
 * tutorial-export-acm-data.md, "Manifest file"; read the same way by the FinOps toolkit's
 * msexports_ExecuteETL pipeline). Only the fields the import uses are checked.
 */
const manifestSchema = z.object({
  manifestVersion: z.string().optional(),
  exportConfig: z.object({
    exportName: z.string().optional(),
    type: z.string().min(1),
    dataVersion: z.string().optional(),
  }),
  runInfo: z.object({
    runId: z.string().min(1),
    submittedTime: z.string().min(1),
    startDate: z.string().regex(/^\d{4}-\d{2}-\d{2}/, 'must start with a YYYY-MM-DD date'),
    endDate: z.string().optional(),
  }),
  blobs: z.array(z.object({ blobName: z.string().min(1), dataRowCount: z.number().optional() })).default([]),
});

export type ExportManifest = z.infer<typeof manifestSchema>;

export function parseManifest(text: string, where: string): ExportManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${where}: not JSON (${(error as Error).message})`);
  }
  const result = manifestSchema.safeParse(json);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new UserError(`${where}: not a Cost Management export manifest (${issues})`);
  }
  return result.data;
}

/** Only FOCUS cost exports carry the columns the reconciliation reads. */
export const isFocusExport = (manifest: ExportManifest): boolean =>
  manifest.exportConfig.type.toLowerCase() === 'focuscost';

/** The invoice month an export run covers: the month of `runInfo.startDate`. */
export const manifestPeriod = (manifest: ExportManifest): string => manifest.runInfo.startDate.slice(0, 7);
