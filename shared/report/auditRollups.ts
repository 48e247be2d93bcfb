import type { Database } from '@azure/cosmos';
import pMap from 'p-map';

import { CosmosRollups } from '../store/cosmosRollups.js';
import { RollupSource } from '../store/rollupSource.js';
import { sliceKey } from './rollupMath.js';
import type { UsageSlice } from './types.js';

/** One slice whose stored rollup is not what its records give. */
export interface RollupDifference {
  /** The usage partition `<appId>|<day>`. */
  readonly group: string;
  readonly day: string;
  readonly appId: string;
  readonly model: string;
  readonly deploymentType: string;
  /** The stored document, when there is one. */
  readonly id: string | null;
  readonly problem: string;
}

export interface RollupCheck {
  /** (app, day) groups compared: every group with records or rollups in the range. */
  readonly groups: number;
  /** Slices that differ in groups no marker names: the rollups disagree with the records. */
  readonly differing: number;
  /** Groups that differ but were marked dirty again during the audit: a write is still landing. */
  readonly pending: number;
  /** The first differing slices (by day, app, model), up to 20. */
  readonly first: readonly RollupDifference[];
}

const COMPARED = [
  'requests',
  'promptTokens',
  'cachedTokens',
  'completionTokens',
  'reasoningTokens',
  'totalTokens',
  'costNanos',
  'unpricedRequests',
  'appDisplayName',
  'businessUnit',
  'region',
  'meterIds',
  // [billed basis, issue 16]
  'resourceId',
  'meters',
  'provisioned',
  'tokenKinds',
] as const;

/** A visible stored slice, or a visible document that holds none. */
export type StoredSlice =
  (UsageSlice & { readonly id: string }) | { readonly id: string; readonly error: string };

const show = (value: unknown) =>
  JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));

/**
 * Pure: the visible slices of one group against `rollUp` of its records. Compared by key parts, not
 * id, so slices under an older id scheme are judged by what they hold, and a slice stored twice is found.
 */
export function compareGroup(
  group: string,
  stored: readonly StoredSlice[],
  computed: readonly UsageSlice[],
): RollupDifference[] {
  const day = group.slice(group.lastIndexOf('|') + 1);
  const appId = group.slice(0, group.lastIndexOf('|'));
  const diff = (key: { model: string; deploymentType: string }, id: string | null, problem: string) => ({
    group,
    day,
    appId,
    model: key.model,
    deploymentType: key.deploymentType,
    id,
    problem,
  });
  const out: RollupDifference[] = [];
  const expected = new Map(computed.map((s) => [sliceKey(s), s]));
  const seen = new Set<string>();
  for (const s of stored) {
    if ('error' in s) {
      out.push(diff({ model: '', deploymentType: '' }, s.id, s.error));
      continue;
    }
    const key = sliceKey(s);
    const want = expected.get(key);
    if (seen.has(key)) out.push(diff(s, s.id, 'stored twice (counted twice by reports)'));
    else if (want === undefined) out.push(diff(s, s.id, 'stored, but no record supports it'));
    else {
      const field = COMPARED.find((f) => show(s[f] ?? null) !== show(want[f] ?? null));
      if (field !== undefined)
        out.push(diff(s, s.id, `${field} is ${show(s[field])}, the records give ${show(want[field])}`));
    }
    seen.add(key);
  }
  for (const [key, want] of expected)
    if (!seen.has(key)) out.push(diff(want, null, `missing: the records give ${want.requests} requests`));
  return out;
}

/**
 * `audit`'s rollup check: brings the range's rollups up to date the way a report does, then compares every (app, day) group with records or rollups in the range
 * against a recomputation from its records (one query per partition, the refresher's own `rollUp`).
 * Groups a marker created during the audit names are reported as pending, not as differences.
 */
export async function checkRollups(
  database: Database,
  range: { readonly from: string; readonly to: string },
  recordGroups: Iterable<string>,
): Promise<RollupCheck> {
  const rollups = new CosmosRollups(database);
  const before = await rollups.pendingMarkers();
  // What a report does first. A deferred marker (backfill's safety net, left for half an hour after
  // its run) stays: its groups must already be right, so they are compared as they are.
  await rollups.refresh(before, new Date(), range);
  const stored = await rollups.readStored(range.from, range.to);
  const byGroup = new Map<string, StoredSlice[]>();
  for (const slice of [...stored.slices, ...stored.unreadable, ...stored.strays])
    byGroup.set(slice.pk, [...(byGroup.get(slice.pk) ?? []), slice]);
  const groups = [...new Set([...recordGroups, ...byGroup.keys()])].sort(byDayThenApp);
  const source = new RollupSource(database);
  const found = await pMap(
    groups,
    async (group) => compareGroup(group, byGroup.get(group) ?? [], await source.slicesOf(group)),
    { concurrency: 8 },
  );
  // Only a marker created during the audit excuses a difference: its write landed after the recompute.
  const seen = new Set(before.map((m) => m.id));
  const dirty = new Set(
    (await rollups.pendingMarkers()).filter((m) => !seen.has(m.id)).flatMap((m) => m.groups),
  );
  const differences = found.flat().filter((d) => !dirty.has(d.group));
  return {
    groups: groups.length,
    differing: differences.length,
    pending: new Set(
      found
        .flat()
        .filter((d) => dirty.has(d.group))
        .map((d) => d.group),
    ).size,
    first: differences.slice(0, 20),
  };
}

function byDayThenApp(a: string, b: string): number {
  const [dayA, dayB] = [a.slice(a.lastIndexOf('|') + 1), b.slice(b.lastIndexOf('|') + 1)];
  return dayA === dayB ? (a < b ? -1 : a > b ? 1 : 0) : dayA < dayB ? -1 : 1;
}

/** One line naming a difference, for the verdict. */
export function describeDifference(d: RollupDifference): string {
  return `${d.day} app ${d.appId} model ${JSON.stringify(d.model)} ${d.deploymentType}${
    d.id === null ? '' : ` (rollup ${d.id})`
  }: ${d.problem}`;
}
