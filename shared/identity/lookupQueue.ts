/** A key as `send` receives it: `queuedAt` is when a caller first asked for it (for per-key budgets). */
export interface QueuedKey<K> {
  readonly key: K;
  readonly queuedAt: number;
}

export interface LookupQueueOptions<K, V> {
  /** Keys per `send`; as soon as this many are queued they go out together. */
  readonly batchSize: number;
  /**
   * How long a partial batch waits for more keys before it is sent. Each caller that adds keys restarts
   * the wait, so callers arriving one after another (concurrent ingest batches, each reading the `apps`
   * cache first) share a batch; `maxLingerMs` bounds the total wait.
   */
  readonly lingerMs: number;
  /** The longest a partial batch waits however often keys arrive (default 10 × `lingerMs`). */
  readonly maxLingerMs?: number;
  /** `send` calls in flight at once; queued keys wait (and keep filling batches) for a free slot. */
  readonly maxInFlight: number;
  /**
   * Answers one batch of distinct keys. A key missing from the answer is missing for its callers too.
   * Should not reject: a rejection rejects every caller waiting on a key of that batch.
   */
  readonly send: (batch: readonly QueuedKey<K>[]) => Promise<ReadonlyMap<K, V>>;
}

export interface LookupQueue<K, V> {
  /** Resolves once every key of this call has been answered, whichever batches carried them. */
  lookup(keys: readonly K[]): Promise<Map<K, V>>;
}

interface Entry<V> {
  readonly queuedAt: number;
  readonly answer: Promise<V | undefined>;
  settle(value: V | undefined): void;
  fail(error: unknown): void;
}

/**
 * Coalesces lookups from concurrent callers into full batches: keys are queued, every `batchSize` of
 * them are sent at once, and a remainder lingers until no keys have arrived for `lingerMs` (at most
 * `maxLingerMs`), so keys arriving meanwhile share its batch. A key already queued or in flight is not asked twice; later callers wait for the same answer.
 */
export function createLookupQueue<K, V>(options: LookupQueueOptions<K, V>): LookupQueue<K, V> {
  const batchSize = Math.max(1, options.batchSize);
  const maxInFlight = Math.max(1, options.maxInFlight);
  const lingerMs = Math.max(0, options.lingerMs);
  const maxLingerMs = Math.max(lingerMs, options.maxLingerMs ?? 10 * lingerMs);
  const entries = new Map<K, Entry<V>>();
  const queued: K[] = [];
  let inFlight = 0;
  let linger: ReturnType<typeof setTimeout> | undefined;
  let lingerOver = false;
  let lingerStartedAt = 0;

  const newEntry = (): Entry<V> => {
    let settle: (value: V | undefined) => void = () => undefined;
    let fail: (error: unknown) => void = () => undefined;
    const answer = new Promise<V | undefined>((resolve, reject) => {
      settle = resolve;
      fail = reject;
    });
    return { queuedAt: Date.now(), answer, settle, fail };
  };

  const dispatch = (keys: readonly K[]) => {
    inFlight++;
    const batch = keys.map((key) => ({ key, queuedAt: entries.get(key)?.queuedAt ?? Date.now() }));
    const finish = (each: (entry: Entry<V>, key: K) => void) => {
      for (const key of keys) {
        const entry = entries.get(key);
        entries.delete(key);
        if (entry) each(entry, key);
      }
    };
    // A microtask first, so a `send` that throws synchronously fails its callers like one that rejects.
    void Promise.resolve()
      .then(() => options.send(batch))
      .then(
        (answers) => {
          finish((entry, key) => {
            entry.settle(answers.get(key));
          });
        },
        (error: unknown) => {
          finish((entry) => {
            entry.fail(error);
          });
        },
      )
      .finally(() => {
        inFlight--;
        pump();
      });
  };

  function pump(arrived = false): void {
    while (inFlight < maxInFlight && (queued.length >= batchSize || (queued.length > 0 && lingerOver))) {
      dispatch(queued.splice(0, batchSize));
    }
    if (queued.length === 0) {
      clearTimeout(linger);
      linger = undefined;
      lingerOver = false;
      return;
    }
    if (lingerOver || (linger !== undefined && !arrived)) return;
    const now = Date.now();
    if (linger === undefined) lingerStartedAt = now;
    clearTimeout(linger);
    linger = setTimeout(
      () => {
        linger = undefined;
        lingerOver = true;
        pump();
      },
      Math.min(lingerMs, lingerStartedAt + maxLingerMs - now),
    );
  }

  return {
    async lookup(keys) {
      const asked = new Map<K, Promise<V | undefined>>();
      let added = false;
      for (const key of keys) {
        if (asked.has(key)) continue;
        let entry = entries.get(key);
        if (entry === undefined) {
          entry = newEntry();
          entries.set(key, entry);
          queued.push(key);
          added = true;
        }
        asked.set(key, entry.answer);
      }
      if (asked.size === 0) return new Map();
      pump(added);
      const answers = await Promise.all(
        [...asked].map(async ([key, answer]) => [key, await answer] as const),
      );
      const out = new Map<K, V>();
      for (const [key, value] of answers) if (value !== undefined) out.set(key, value);
      return out;
    },
  };
}
