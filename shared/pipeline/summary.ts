import type { FieldIssue } from '../events/types.js';
import type { UsageRecord } from './record.js';

export type EventOutcome =
  | { readonly outcome: 'recorded' | 'pending'; readonly id: string; readonly record: UsageRecord }
  | { readonly outcome: 'duplicate'; readonly id: string }
  | {
      readonly outcome: 'deadLettered';
      readonly id: string;
      readonly reasons: readonly FieldIssue[];
      /** The same bad event was dead-lettered before: still one dead letter. */
      readonly redelivered: boolean;
    };

export interface BatchSummary {
  readonly received: number;
  readonly recorded: number;
  readonly pending: number;
  readonly duplicates: number;
  readonly deadLettered: number;
  readonly unpriced: number;
  readonly identity: Readonly<Record<string, number>>;
  /** Pricing counters, e.g. `deploymentConflicts` (an event's deploymentType against the inventory). */
  readonly pricing?: Readonly<Record<string, number>>;
  readonly outcomes: readonly EventOutcome[];
}

export function summarize(
  outcomes: readonly EventOutcome[],
  identity: Readonly<Record<string, number>>,
  pricing?: Readonly<Record<string, number>>,
): BatchSummary {
  const count = (name: EventOutcome['outcome']) => outcomes.filter((o) => o.outcome === name).length;
  const unpriced = outcomes.filter(
    (o) => (o.outcome === 'recorded' || o.outcome === 'pending') && o.record.costStatus === 'unpriced',
  ).length;
  return {
    received: outcomes.length,
    recorded: count('recorded'),
    pending: count('pending'),
    duplicates: count('duplicate'),
    deadLettered: count('deadLettered'),
    unpriced,
    identity,
    ...(pricing === undefined || Object.keys(pricing).length === 0 ? {} : { pricing }),
    outcomes,
  };
}

/** One log line per batch; counts always add up to `received`. */
export function formatSummary(summary: BatchSummary): string {
  const identity = Object.entries(summary.identity)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
  return (
    `received=${summary.received} recorded=${summary.recorded} pending=${summary.pending} ` +
    `duplicates=${summary.duplicates} deadLettered=${summary.deadLettered} unpriced=${summary.unpriced}` +
    (identity === '' ? '' : ` identity[${identity}]`) +
    Object.entries(summary.pricing ?? {})
      .map(([name, value]) => ` ${name}=${value}`)
      .join('')
  );
}

/** Adds two summaries' counts (the CLI ingests a file as many batches). */
export function addCounts(a: Totals, b: Totals): Totals {
  return {
    received: a.received + b.received,
    recorded: a.recorded + b.recorded,
    pending: a.pending + b.pending,
    duplicates: a.duplicates + b.duplicates,
    deadLettered: a.deadLettered + b.deadLettered,
    unpriced: a.unpriced + b.unpriced,
  };
}

export type Totals = Pick<
  BatchSummary,
  'received' | 'recorded' | 'pending' | 'duplicates' | 'deadLettered' | 'unpriced'
>;

export const ZERO_TOTALS: Totals = {
  received: 0,
  recorded: 0,
  pending: 0,
  duplicates: 0,
  deadLettered: 0,
  unpriced: 0,
};
