import { ensureError } from '../errors.js';
import type { EventSource } from '../events/types.js';
import { ingestBatch, type Spill } from './ingestBatch.js';
import type { IngestPorts } from './ports.js';
import type { FileEvent } from './readEvents.js';
import { addCounts, ZERO_TOTALS, type Totals } from './summary.js';

export interface StreamOptions {
  readonly batchSize?: number;
  /** Batches in flight at once: the store's bulk writes overlap with parsing the next batch. */
  readonly concurrency?: number;
  readonly onBatch?: (totals: Totals) => void;
}

export interface StreamResult {
  readonly totals: Totals;
  /** Batches the store could not take, spilled whole for `backfill`. */
  readonly spilled: {
    readonly name: string;
    readonly events: number;
    readonly reason: string;
    readonly storeFailure: boolean;
  }[];
  readonly read: number;
}

/** Feeds a stream of events through `ingestBatch` in batches, a few in flight, memory bounded. */
export async function ingestStream(
  events: AsyncIterable<FileEvent>,
  ports: IngestPorts,
  spill: Spill | undefined,
  options: StreamOptions = {},
): Promise<StreamResult> {
  const batchSize = options.batchSize ?? 500;
  const concurrency = options.concurrency ?? 4;
  let totals = ZERO_TOTALS;
  let read = 0;
  const spilled: StreamResult['spilled'] = [];
  const inFlight = new Set<Promise<void>>();
  let failure: Error | undefined;

  const run = (bodies: unknown[], sources: EventSource[]) => {
    const task = ingestBatch(bodies, sources, ports, spill).then(
      (result) => {
        if (result.status === 'spilled') {
          spilled.push({
            name: result.spill,
            events: result.received,
            reason: result.reason,
            storeFailure: result.storeFailure,
          });
        } else {
          totals = addCounts(totals, result.summary);
          options.onBatch?.(totals);
        }
      },
      (error: unknown) => {
        failure ??= ensureError(error);
      },
    );
    const tracked = task.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };

  let bodies: unknown[] = [];
  let sources: EventSource[] = [];
  for await (const event of events) {
    read++;
    bodies.push(event.body);
    sources.push(event.source);
    if (bodies.length >= batchSize) {
      run(bodies, sources);
      bodies = [];
      sources = [];
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
      if (failure !== undefined) break;
    }
  }
  if (bodies.length > 0 && failure === undefined) run(bodies, sources);
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure;
  return { totals, spilled, read };
}
