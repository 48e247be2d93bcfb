import type { TokenKind } from '../pricing/types.js';

/**
 * The usage side of the reconciliation, one row per (resource, day, app, meter or capacity basis,
 * model family, token kind), summed from the usage rollups: never one row per request.
 */
export interface UsageRow {
  /** Lower-cased ARM id of the Azure OpenAI account (the record's `resourceId`). */
  readonly resourceId: string;
  /** UTC day, `YYYY-MM-DD`. */
  readonly day: string;
  readonly appId: string;
  /**
   * `meter`: pay-as-you-go usage priced with `meterId`; `provisioned`: traffic on a provisioned (PTU)
   * deployment of the resource; `ftHosting`: traffic on a fine-tuned deployment (its hosting meter).
   */
  readonly basis: 'meter' | 'provisioned' | 'ftHosting';
  /** The Retail meter id, lower-cased: required for `meter`, the hosting meter for `ftHosting` when known. */
  readonly meterId?: string;
  /** Model family as the pricer names it (`gpt-4o`, `gpt-4.1-mini`): selects the PTU weights. */
  readonly modelFamily: string;
  readonly tokenKind?: TokenKind;
  /** Recorded units on that meter: tokens, or images on image meters. */
  readonly units: bigint;
  /** The list-price estimate of those units, nano-units (0 for provisioned traffic). */
  readonly estimateNanos: bigint;
  /** Bit h set when the app used the deployment in UTC hour h (capacity bases only; optional). */
  readonly activeHourMask?: number;
}

export interface UsageByKey {
  /** Every usage row with `from <= day < to` (UTC days). */
  read(from: string, to: string): AsyncIterable<UsageRow>;
}

/** An in-memory port, for tests and for `reconcile --usage <file.json>`. */
export function usageFromRows(rows: readonly UsageRow[]): UsageByKey {
  return {
    read: (from, to) => inRange(rows, from, to),
  };
}

async function* inRange(rows: readonly UsageRow[], from: string, to: string): AsyncGenerator<UsageRow> {
  await Promise.resolve();
  for (const row of rows) if (row.day >= from && row.day < to) yield row;
}
