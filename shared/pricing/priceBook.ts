import { createHash } from 'node:crypto';

import type { DeploymentType } from '../events/types.js';
import type { MeterKind, TokenMeter } from './types.js';

/** One versioned price: a token meter in one region, in force from `effectiveStartDate`. */
export interface PriceRow extends TokenMeter {
  readonly meterId: string;
  readonly meterName: string;
  readonly region: string;
  readonly currency: string;
  /** Retail price per `unitSize` tokens, exact decimal text as received. */
  readonly retailPrice: string;
  readonly effectiveStartDate: string;
  readonly effectiveEndDate: string | null;
}

type Lookup =
  | { readonly ok: true; readonly row: PriceRow }
  | { readonly ok: false; readonly reason: string; readonly ambiguous?: true };

const keyOf = (family: string, deploymentType: DeploymentType, region: string) =>
  `${family}|${deploymentType}|${region}`;

/** Where a meter that names no deployment type is filed: it competes with any meter that names one. */
const ANY_DEPLOYMENT: readonly DeploymentType[] = ['global', 'datazone', 'regional'];

/** The in-memory price book: rows indexed by family, deployment type and region. */
export class PriceBook {
  private readonly byKey = new Map<string, PriceRow[]>();
  /** Per meter key (family, type, region, kind, version): rows newest first, dates parsed once. */
  private readonly meters = new Map<string, readonly DatedRow[]>();
  private readonly inputVersions = new Map<string, readonly (string | null)[]>();
  private readonly nonText = new Map<string, boolean>();
  private readonly publishers = new Map<string, string | undefined>();
  private versionMemo: string | undefined;
  private lastAt = '';
  private lastAtMs = Number.NaN;

  constructor(
    rows: readonly PriceRow[],
    readonly currency: string,
    readonly refreshedAt: string,
  ) {
    for (const row of rows)
      for (const filed of row.anyDeployment
        ? ANY_DEPLOYMENT.map((t) => ({ ...row, deploymentType: t }))
        : [row]) {
        const key = keyOf(filed.family, filed.deploymentType, filed.region);
        const list = this.byKey.get(key) ?? [];
        list.push(filed);
        this.byKey.set(key, list);
      }
    // Newest first, so the first row in force at a time is the latest effectiveStartDate ≤ that time.
    for (const list of this.byKey.values())
      list.sort((a, b) => b.effectiveStartDate.localeCompare(a.effectiveStartDate));
  }

  /**
   * A hash of the rows themselves, not of when they were read: a refresh that brings nothing new
   * keeps it, so backfill does not try the same unpriced records again (repriceFingerprint.ts).
   */
  get version(): string {
    if (this.versionMemo === undefined) {
      const rows = [...this.byKey.values()].flat().map((row) => JSON.stringify(row));
      rows.sort();
      this.versionMemo = createHash('sha256').update(rows.join('\n')).digest('hex').slice(0, 16);
    }
    return this.versionMemo;
  }

  get size(): number {
    let n = 0;
    for (const list of this.byKey.values()) n += list.length;
    return n;
  }

  /** Versions (null = versionless) with an input meter for this family, type and region. */
  versions(family: string, deploymentType: DeploymentType, region: string): (string | null)[] {
    const key = keyOf(family, deploymentType, region);
    let versions = this.inputVersions.get(key);
    if (versions === undefined) {
      const rows = this.byKey.get(key) ?? [];
      versions = [...new Set(rows.filter((r) => r.kind === 'input').map((r) => r.version))];
      this.inputVersions.set(key, versions);
    }
    return [...versions];
  }

  /** The publisher of the family's meters here, if they are another publisher's (partnerPublishers.ts). */
  publisherOf(family: string, deploymentType: DeploymentType, region: string): string | undefined {
    const key = keyOf(family, deploymentType, region);
    if (!this.publishers.has(key)) {
      const row = (this.byKey.get(key) ?? []).find((r) => r.publisher !== undefined);
      this.publishers.set(key, row?.publisher);
    }
    return this.publishers.get(key);
  }

  /** Whether the family has audio or image token meters here: its usage must say how many of each. */
  hasNonTextMeters(family: string, deploymentType: DeploymentType, region: string): boolean {
    const key = keyOf(family, deploymentType, region);
    let found = this.nonText.get(key);
    if (found === undefined) {
      found = (this.byKey.get(key) ?? []).some((r) => /^(cached)?(audio|image)/i.test(r.kind));
      this.nonText.set(key, found);
    }
    return found;
  }

  /** The meter of one kind and version in force at `at` (ISO UTC). */
  find(
    family: string,
    version: string | null,
    deploymentType: DeploymentType,
    region: string,
    kind: MeterKind,
    at: string,
  ): Lookup {
    const dated = this.meterRows(family, version, deploymentType, region, kind);
    return this.inForce(dated, family, version, deploymentType, region, kind, at);
  }

  /**
   * `find` for one family, version, type and region, kind by kind, without building a string key per
   * call: the pricer keeps one per resolved key (most events of a day share a few dozen keys).
   */
  finder(
    family: string,
    version: string | null,
    deploymentType: DeploymentType,
    region: string,
  ): (kind: MeterKind, at: string) => Lookup {
    const byKind = new Map<MeterKind, readonly DatedRow[]>();
    return (kind, at) => {
      let dated = byKind.get(kind);
      if (dated === undefined) {
        dated = this.meterRows(family, version, deploymentType, region, kind);
        byKind.set(kind, dated);
      }
      return this.inForce(dated, family, version, deploymentType, region, kind, at);
    };
  }

  private inForce(
    dated: readonly DatedRow[],
    family: string,
    version: string | null,
    deploymentType: DeploymentType,
    region: string,
    kind: MeterKind,
    at: string,
  ): Lookup {
    // Built only for a failure: this runs three times per event.
    const label = () => `${family} ${version ?? '(versionless)'} ${kind} ${deploymentType} ${region}`;
    if (dated.length === 0) return { ok: false, reason: `no ${label()} meter` };
    const atMs = this.timeOf(at);
    const found = dated.find((r) => r.startMs <= atMs);
    if (!found) return { ok: false, reason: `no ${label()} meter in force at ${at}` };
    const inForce = found.row;
    if (found.endMs !== null && atMs > found.endMs) {
      return { ok: false, reason: `${label()} meter ended ${inForce.effectiveEndDate ?? ''}` };
    }
    // Two meters with the same key and start but different prices (`gpt-35-turbo-4k-…` and `-16k-…`,
    // whose context markers are not part of the family) must not be picked between by catalog order;
    // for another publisher, no two meters in force at all (isRival).
    if (found.rivals.length > 0) {
      const inForceRivals = found.rivals.filter(
        (r) => r.startMs <= atMs && (r.endMs === null || atMs <= r.endMs),
      );
      const rivals = [...new Map(inForceRivals.map((r) => [r.row.meterId, r.row])).values()];
      if (rivals.length > 0 && inForce.publisher !== undefined) {
        const names = [inForce, ...rivals].map((r) => `${r.meterName} ${r.meterId} (${r.retailPrice})`);
        const reason = `ambiguous: ${names.length} meters in force for ${label()}: ${names.join(', ')}`;
        return { ok: false, reason, ambiguous: true };
      }
      if (rivals.length > 0) {
        const names = [inForce, ...rivals].map((r) => `${r.meterName} (${r.retailPrice})`).join(', ');
        return { ok: false, reason: `ambiguous meter for ${label()}: ${names}`, ambiguous: true };
      }
    }
    return { ok: true, row: inForce };
  }

  /** The kinds of one event are looked up at the same time: parse it once. */
  private timeOf(at: string): number {
    if (at !== this.lastAt) {
      this.lastAt = at;
      this.lastAtMs = Date.parse(at);
    }
    return this.lastAtMs;
  }

  private meterRows(
    family: string,
    version: string | null,
    deploymentType: DeploymentType,
    region: string,
    kind: MeterKind,
  ): readonly DatedRow[] {
    const key = `${keyOf(family, deploymentType, region)}|${kind}|${version ?? ''}`;
    let rows = this.meters.get(key);
    if (rows === undefined) {
      const dated = (this.byKey.get(keyOf(family, deploymentType, region)) ?? [])
        .filter((r) => r.kind === kind && r.version === version)
        .map((row) => ({
          row,
          startMs: Date.parse(row.effectiveStartDate),
          endMs: row.effectiveEndDate === null ? null : Date.parse(row.effectiveEndDate),
        }));
      rows = dated.map((r) => ({ ...r, rivals: dated.filter((o) => isRival(r, o)) }));
      this.meters.set(key, rows);
    }
    return rows;
  }
}

/**
 * Whether `other` competes with `own` for the same key. Azure OpenAI: another meter starting with it at
 * another price (the rule the 512-meter eastus catalog is checked against). Another publisher: any other
 * meter, whenever it starts and whatever its price: its family comes from a looser rule (a prefix and
 * the meter's own words), so two meters of one key may well price two models, and neither is chosen.
 */
function isRival(own: Dated, other: Dated): boolean {
  if (other.row.meterId === own.row.meterId) return false;
  if (own.row.publisher !== undefined) return true;
  return other.startMs === own.startMs && other.row.retailPrice !== own.row.retailPrice;
}

interface Dated {
  readonly row: PriceRow;
  readonly startMs: number;
  readonly endMs: number | null;
}

/** A row with its dates parsed, and the rows that start with it at another price (ambiguity). */
interface DatedRow extends Dated {
  readonly rivals: readonly Dated[];
}
