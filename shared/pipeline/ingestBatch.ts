import { ensureError, isStoreFailure, NothingSavedError } from '../errors.js';
import type { EventSource } from '../events/types.js';
import type { IngestPorts } from './ports.js';
import { processBatch } from './processBatch.js';
import type { BatchSummary } from './summary.js';

/** Where a batch goes when the store cannot take it (blob storage in Azure, Azurite locally). */
export interface Spill {
  /** Stores the raw batch; returns its name. Throws if it cannot. */
  save(bodies: readonly unknown[], sources: readonly EventSource[], reason: string): Promise<string>;
}

export type IngestResult =
  | { readonly status: 'processed'; readonly summary: BatchSummary }
  | {
      readonly status: 'spilled';
      readonly spill: string;
      readonly reason: string;
      /** False when the batch failed for another reason than the store: waiting alone will not fix it. */
      readonly storeFailure: boolean;
      readonly received: number;
    };

/**
 * The entry point shared by the Event Hub function and `chargeback ingest`. If the store fails
 * after its retries, the batch is spilled whole before we return, so the host may checkpoint past
 * it; only if the spill fails too does this throw (`NothingSavedError`), and the host's retry policy
 * takes over. One event's failure never reaches here (processBatch dead-letters or unprices it); any
 * other failure that is not the store's is spilled too, so nothing is lost, with a reason that says so.
 */
export async function ingestBatch(
  bodies: readonly unknown[],
  sources: readonly EventSource[],
  ports: IngestPorts,
  spill: Spill | undefined,
): Promise<IngestResult> {
  try {
    return { status: 'processed', summary: await processBatch(bodies, sources, ports) };
  } catch (error) {
    if (spill === undefined) throw error;
    const reason = spillReason(error);
    let name: string;
    try {
      name = await spill.save(bodies, sources, reason);
    } catch (spillError) {
      throw new NothingSavedError(bodies.length, reason, ensureError(spillError).message, {
        cause: spillError,
      });
    }
    return {
      status: 'spilled',
      spill: name,
      reason,
      storeFailure: isStoreFailure(error),
      received: bodies.length,
    };
  }
}

/** Why a batch was spilled; `store failure:` versus `not a store failure:` tells backfill and audit which kind. */
export function spillReason(error: unknown): string {
  const message = ensureError(error).message;
  return isStoreFailure(error) ? `store failure: ${message}` : `not a store failure: ${message}`;
}
