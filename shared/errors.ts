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
