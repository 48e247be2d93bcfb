import type { NormalizedUsage } from '../../shared/events/types.js';

/**
 * A normalized gpt-4o 0806 chat call for the pricing tests, without tokens unless given; the total
 * is prompt + completion, as the usage shapes define it.
 */
export function testUsage(fields: Partial<NormalizedUsage> = {}): NormalizedUsage {
  const merged: NormalizedUsage = {
    id: 'test',
    requestId: null,
    schema: 'v2',
    eventTime: '2025-09-15T12:00:00.000Z',
    appId: '5f8d2c1a-9b3e-4d7f-a6c2-1e0b9d8f7a65',
    tenantId: null,
    subscriptionId: null,
    model: 'gpt-4o-2024-08-06',
    deployment: null,
    deploymentType: null,
    region: null,
    operation: 'chat.completion',
    stream: null,
    statusCode: null,
    modelTimeMs: null,
    promptTokens: 0,
    cachedTokens: 0,
    completionTokens: 0,
    reasoningTokens: 0,
    totalTokens: 0,
    ...fields,
  };
  return { ...merged, totalTokens: merged.promptTokens + merged.completionTokens };
}
