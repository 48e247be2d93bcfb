import type { DeploymentType, NormalizedUsage } from '../../events/types.js';
import type { UsageRecord } from '../record.js';

/**
 * The usage a record was built from, with only the key parts its event carried: the others are
 * resolved again, so a DEPLOYMENTS fix applies. Model and deployment are always the event's, so
 * the model family and version are always resolved again. A record without `priceKeySources`
 * (written before it existed) counts as carrying none; a v1 event never carries a type or region.
 * `eventParts` overrides that guess for such a record.
 */
export function usageFromRecord(
  record: UsageRecord,
  eventParts?: { readonly deploymentType: DeploymentType | null; readonly region: string | null },
): NormalizedUsage {
  const sources = record.priceKeySources;
  const fromEvent = (part: 'deploymentType' | 'region') =>
    record.schema === 'v2' && sources !== undefined && sources[part] === undefined;
  return {
    id: record.id,
    requestId: record.requestId,
    schema: record.schema,
    eventTime: record.eventTime,
    appId: record.appId,
    tenantId: record.tenantId,
    subscriptionId: record.subscriptionId,
    model: record.model,
    deployment: record.deployment,
    deploymentType:
      eventParts?.deploymentType ?? (fromEvent('deploymentType') ? record.deploymentType : null),
    region: eventParts?.region ?? (fromEvent('region') ? record.region : null),
    operation: record.operation,
    stream: record.stream,
    statusCode: null,
    modelTimeMs: record.modelTimeMs,
    promptTokens: record.promptTokens,
    cachedTokens: record.cachedTokens,
    completionTokens: record.completionTokens,
    reasoningTokens: record.reasoningTokens,
    totalTokens: record.totalTokens,
    ...(record.tokenKinds === undefined ? {} : { tokenKinds: record.tokenKinds }),
    // An unpriced v2 record without kinds may predate them (the usage's audio tokens were not read):
    // the pricer then refuses a family with audio or image meters rather than bill them as text.
    ...(record.tokenKinds === undefined && record.schema === 'v2' && record.costStatus === 'unpriced'
      ? { kindsUnknown: true as const }
      : {}),
    ...(record.images === undefined ? {} : { images: record.images }),
    ...(record.speech === undefined ? {} : { speech: record.speech }),
    ...(record.durationSeconds === undefined ? {} : { durationSeconds: record.durationSeconds }),
  };
}
