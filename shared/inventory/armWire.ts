// The ARM list shapes we read (Microsoft.CognitiveServices 2024-10-01: AccountListResult,
// DeploymentListResult, common-types systemData). Unknown fields are ignored, never required.
import { z } from 'zod';

import type { ObservedDeployment } from './types.js';

/** Account kinds that serve Azure OpenAI deployments; every other kind is skipped. */
export const AOAI_KINDS: ReadonlySet<string> = new Set(['OpenAI', 'AIServices']);

const systemDataSchema = z
  .object({ createdAt: z.string().nullish(), lastModifiedAt: z.string().nullish() })
  .nullish();

export const armAccountSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  kind: z.string().nullish(),
  location: z.string().nullish(),
  properties: z
    .object({
      endpoint: z.string().nullish(),
      endpoints: z.record(z.string(), z.string()).nullish(),
      customSubDomainName: z.string().nullish(),
    })

    .nullish(),
});
export type ArmAccount = z.infer<typeof armAccountSchema>;

export const armDeploymentSchema = z.object({
  id: z.string().nullish(),
  name: z.string().min(1),
  sku: z.object({ name: z.string().min(1), capacity: z.number().int().nullish() }),
  systemData: systemDataSchema,
  properties: z
    .object({
      model: z
        .object({ format: z.string().nullish(), name: z.string().nullish(), version: z.string().nullish() })

        .nullish(),
      provisioningState: z.string().nullish(),
    })

    .nullish(),
});
export type ArmDeployment = z.infer<typeof armDeploymentSchema>;

/** One page of a list: `value` and, when there is more, `nextLink` (null or absent at the end). */
export function listPageSchema<T extends z.ZodType>(item: T) {
  return z.object({ value: z.array(item), nextLink: z.string().min(1).nullish() });
}

/** The subscription GUID of an ARM id, lower-case; null when the id does not start with one. */
export function subscriptionOf(resourceId: string): string | null {
  const match = /^\/subscriptions\/([0-9a-f-]{36})\//i.exec(resourceId);
  return match?.[1]?.toLowerCase() ?? null;
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname.toLowerCase() || null;
  } catch {
    return null;
  }
}

/** Hosts from `properties.endpoint` and the values of `properties.endpoints`, lower-case, once each. */
export function accountHosts(account: ArmAccount): string[] {
  const urls = [account.properties?.endpoint ?? '', ...Object.values(account.properties?.endpoints ?? {})];
  const hosts = urls.map(hostOf).filter((h): h is string => h !== null);
  return [...new Set(hosts)].sort();
}

export function observedDeployment(deployment: ArmDeployment): ObservedDeployment {
  const modified = deployment.systemData?.lastModifiedAt;
  const at = modified === null || modified === undefined ? Number.NaN : Date.parse(modified);
  const createdText = deployment.systemData?.createdAt;
  const created = createdText === null || createdText === undefined ? Number.NaN : Date.parse(createdText);
  const model = deployment.properties?.model;
  return {
    name: deployment.name,
    sku: deployment.sku.name,
    capacity: deployment.sku.capacity ?? null,
    modelFormat: model?.format ?? null,
    modelName: model?.name ?? null,
    modelVersion: model?.version ?? null,
    provisioningState: deployment.properties?.provisioningState ?? null,
    lastModifiedAt: Number.isFinite(at) ? new Date(at).toISOString() : null,
    createdAt: Number.isFinite(created) ? new Date(created).toISOString() : null,
  };
}
