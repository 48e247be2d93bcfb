import type { Container } from '@azure/cosmos';

import type { BulkRetryOptions } from './bulkCreate.js';
import { bulkUpsert } from './bulkCreate.js';

export interface DirtyMarker {
  readonly id: string;
  readonly pk: string;
  readonly docType: 'dirty';
  readonly appId: string;
  readonly day: string;
  readonly markedAt: string;
}

export function dirtyMarkerId(appId: string, day: string): string {
  return `dirty|${appId}|${day}`;
}

/**
 * Every write upserts the marker, which changes its ETag: the rollup refresher deletes a marker
 * only if its ETag is unchanged since it started, so a write it did not see keeps the group dirty.
 */
export async function markDirty(
  container: Container,
  groups: readonly { day: string; appId: string }[],
  retry: BulkRetryOptions,
): Promise<void> {
  const markedAt = new Date().toISOString();
  const markers: DirtyMarker[] = groups.map(({ day, appId }) => ({
    id: dirtyMarkerId(appId, day),
    pk: `${appId}|${day}`,
    docType: 'dirty',
    appId,
    day,
    markedAt,
  }));
  await bulkUpsert(container, markers, retry);
}
