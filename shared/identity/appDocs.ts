import { z } from 'zod';

/** The shared identity cache entry in container `apps` (pk = appId), written by ingest. */
export const appCacheDocSchema = z.object({
  id: z.string(),
  pk: z.string(),
  docType: z.literal('app'),
  appId: z.string(),
  status: z.enum(['resolved', 'unknown']),
  displayName: z.string().nullable(),
  servicePrincipalType: z.string().nullable(),
  tags: z.array(z.string()),
  businessUnitFromTag: z.string().nullable(),
  resolvedAt: z.string(),
  lastSeen: z.string(),
});
export type AppCacheDoc = z.infer<typeof appCacheDocSchema>;

/** Finance's business-unit override (pk = appId), a separate document so cache refreshes never clobber it. */
export const appOverrideDocSchema = z.object({
  id: z.string(),
  pk: z.string(),
  docType: z.literal('override'),
  appId: z.string(),
  businessUnitOverride: z.string(),
  setAt: z.string(),
});
export type AppOverrideDoc = z.infer<typeof appOverrideDocSchema>;

export const overrideDocId = (appId: string) => `${appId}|override`;
