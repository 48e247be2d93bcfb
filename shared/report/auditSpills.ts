import { QUARANTINE_PREFIX, type ReplayFailures, type SpillStore } from '../pipeline/backfill/spills.js';
import type { Audit } from './audit.js';

/** What the spill check reads: BlobSpill. */
export interface SpillHealthSource extends Pick<SpillStore, 'list' | 'read'> {
  listQuarantined(): Promise<string[]>;
  replayFailures(name: string): Promise<ReplayFailures>;
}

export interface SpillNote {
  readonly name: string;
  /** Replays that failed for a reason other than the store. */
  readonly failures: number;
  readonly lastFailure: string | null;
}

export interface SpillHealth {
  /** Waiting spills whose replay has failed for a reason other than the store: quarantined if it goes on. */
  readonly failing: readonly SpillNote[];
  /** Spills backfill gave up replaying: their events are in no record until someone acts. */
  readonly quarantined: readonly SpillNote[];
}

/** Reads every spill's replay-failure count (one metadata read each: spills are few). */
export async function checkSpills(spill: SpillHealthSource): Promise<SpillHealth> {
  const notes = async (names: readonly string[]) => {
    const found = await Promise.all(
      names.map(async (name): Promise<SpillNote | undefined> => {
        // Replayed and removed since the listing.
        const failures = await spill.replayFailures(name).catch(() => undefined);
        return failures && { name, failures: failures.count, lastFailure: failures.last };
      }),
    );
    return found.filter((note): note is SpillNote => note !== undefined);
  };
  const [waiting, quarantined] = await Promise.all([
    spill.list().then(notes),
    spill.listQuarantined().then(notes),
  ]);
  return { failing: waiting.filter((n) => n.failures > 0), quarantined };
}

/**
 * The spills whose events audit keys: waiting and quarantined ones, the latter under their original
 * names (which carry the day), so their events count as spilled rather than missing.
 */
export function spillsWithQuarantined(spill: SpillHealthSource): Pick<SpillStore, 'list' | 'read'> {
  const quarantined = new Set<string>();
  return {
    async list() {
      const [waiting, aside] = await Promise.all([spill.list(), spill.listQuarantined()]);
      const originals = aside.map((name) => name.slice(QUARANTINE_PREFIX.length));
      for (const name of originals) quarantined.add(name);
      return [...waiting, ...originals];
    },
    read: (name) => spill.read(quarantined.has(name) ? `${QUARANTINE_PREFIX}${name}` : name),
  };
}

/** A quarantined spill holds events no record has: the books cannot balance until it is replayed. */
export function withSpillHealth(audit: Audit, health: SpillHealth): Audit {
  return { ...audit, spillHealth: health, balanced: audit.balanced && health.quarantined.length === 0 };
}

/** Lines for the audit table. */
export function spillHealthLines(health: SpillHealth | undefined): string[] {
  if (health === undefined) return [];
  const line = (n: SpillNote) => `  ${n.name}: ${n.failures} failed replays; last: ${n.lastFailure ?? '?'}`;
  return [
    ...(health.quarantined.length > 0
      ? [
          `QUARANTINED spills (replay kept failing for a reason other than the store; see docs/reliability.md):`,
          ...health.quarantined.map(line),
        ]
      : []),
    ...(health.failing.length > 0
      ? ['spills whose replay is failing (not a store failure):', ...health.failing.map(line)]
      : []),
  ];
}
