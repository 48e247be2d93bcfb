/** Turns anything thrown into an Error, so callers can rely on `.message`. */
export function ensureError(value: unknown): Error {
  if (value instanceof Error) return value;
  if (typeof value === 'string') return new Error(value);
  try {
    return new Error(JSON.stringify(value));
  } catch {
    return new Error(String(value));
  }
}

/** A bad setting or argument: the user must fix something. Never retried. */
export class UserError extends Error {
  override readonly name = 'UserError';
}

/** A dependency (Cosmos, Graph, Retail Prices, Blob, ARM) failed after its retries. */
export class DependencyError extends Error {
  override readonly name = 'DependencyError';
  constructor(
    readonly dependency: 'cosmos' | 'graph' | 'retailPrices' | 'blob' | 'eventhub' | 'arm',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${dependency}: ${message}`, options);
  }
}

/**
 * The store failed and the spill failed too: the batch is saved nowhere. The Event Hub host must
 * deliver it again (the function's retry is unlimited); the CLI exits 4 ("nothing saved").
 */
export class NothingSavedError extends Error {
  override readonly name = 'NothingSavedError';
  constructor(
    readonly events: number,
    readonly storeProblem: string,
    spillProblem: string,
    options?: { cause?: unknown },
  ) {
    super(
      `nothing saved: ${events} events are neither stored nor spilled (store: ${storeProblem}; spill: ${spillProblem})`,
      options,
    );
  }
}

/**
 * A dependency failed (Cosmos, Blob…): waiting and replaying fixes it. Anything else thrown at a batch
 * is the pipeline's own failure, which a replay alone will not fix (docs/reliability.md, "Spills").
 */
export function isStoreFailure(error: unknown): boolean {
  return error instanceof DependencyError;
}

/**
 * The store answered and refused a document (400, 413): not an outage, so waiting will not help. A
 * batch that meets it is still spilled whole, and backfill quarantines a spill that keeps meeting it.
 */
export class RejectedWriteError extends Error {
  override readonly name = 'RejectedWriteError';
}
