import { randomUUID } from 'node:crypto';

import type { Container } from '@azure/cosmos';
import { z } from 'zod';

import { usagePartitionKey } from '../pipeline/record.js';
import type { BulkRetryOptions } from './bulkCreate.js';
import { bulkCreate } from './bulkCreate.js';

/**
 * One marker per completed write (an ingest batch, a backfill round) listing the (app, day) groups it
 * touched. Markers are immutable and uniquely named, so the refresher may delete exactly the markers
 * it read: a write that completes later creates a new marker, which survives (docs/rollups.md).
 */
export interface DirtyMarker {
  readonly id: string;
  /** = id: markers spread over partitions instead of heating one. */
  readonly pk: string;
  readonly docType: 'dirty';
  /** Usage partition keys `<appId>|<day>`, each the partition of the records to recompute. */
  readonly groups: readonly string[];
  readonly markedAt: string;
  /** A deferred marker: refreshers leave it alone until then (backfill's safety net, see applyUpdates). */
  readonly notBefore?: string;
}

const markerSchema = z.object({
  id: z.string(),
  pk: z.string(),
  docType: z.literal('dirty'),
  groups: z.array(z.string()).optional(),
  markedAt: z.string().optional(),
  notBefore: z.string().optional(),
});

/** A stored marker; one from before batch markers (one per app-day, no `groups`) names its own pk. */
export function parseMarker(raw: unknown): DirtyMarker {
  const m = markerSchema.parse(raw);
  return {
    id: m.id,
    pk: m.pk,
    docType: 'dirty',
    groups: m.groups ?? [m.pk],
    markedAt: m.markedAt ?? '',
    ...(m.notBefore === undefined ? {} : { notBefore: m.notBefore }),
  };
}

/** The day of a group `<appId>|<day>` (appIds are GUIDs, so the last `|` is the separator). */
export function dayOfGroup(group: string): string {
  return group.slice(group.lastIndexOf('|') + 1);
}

/**
 * A new marker naming some of `marker`'s groups, for when a range-limited refresh settled the rest.
 * It stands for the same writes (they completed before `marker` was read), so it keeps `markedAt`.
 */
export function splitMarker(marker: DirtyMarker, groups: readonly string[]): DirtyMarker {
  const id = `dirty|${randomUUID()}`;
  return { id, pk: id, docType: 'dirty', groups: [...groups], markedAt: marker.markedAt };
}

/** Groups per marker: 1,000 keys are ~50 KB, far below Cosmos's 2 MB item limit. */
const GROUPS_PER_MARKER = 1_000;

export function buildMarkers(
  groups: readonly { day: string; appId: string }[],
  at: Date,
  notBefore?: Date,
): DirtyMarker[] {
  const distinct = [...new Set(groups.map(({ appId, day }) => usagePartitionKey(appId, day)))].sort();
  const markers: DirtyMarker[] = [];
  for (let start = 0; start < distinct.length; start += GROUPS_PER_MARKER) {
    // Random, never derived from content: a create that met an older, unread marker of the same
    // groups would be a 409, and the refresher deleting that older one would lose this write.
    const id = `dirty|${randomUUID()}`;
    const slice = distinct.slice(start, start + GROUPS_PER_MARKER);
    markers.push({
      id,
      pk: id,
      docType: 'dirty',
      groups: slice,
      markedAt: at.toISOString(),
      ...(notBefore === undefined ? {} : { notBefore: notBefore.toISOString() }),
    });
  }
  return markers;
}

/** Marks groups dirty with one small create per batch, not one upsert per (app, day). */
export async function markDirty(
  container: Container,
  groups: readonly { day: string; appId: string }[],
  retry: BulkRetryOptions,
  notBefore?: Date,
): Promise<void> {
  if (groups.length === 0) return;
  await bulkCreate(container, buildMarkers(groups, new Date(), notBefore), retry);
}
