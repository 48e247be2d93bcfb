import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { UserError } from '../errors.js';
import { isGuid } from '../events/guid.js';
import {
  batchResponseSchema,
  buildBatch,
  classifySubResponse,
  GRAPH_BATCH_LIMIT,
  throttledOrUnavailable,
  type SubOutcome,
} from './graphBatch.js';
import { createGraphTransport, lazyCredential, type GraphTransport } from './graphClient.js';
import { createLookupQueue, type QueuedKey } from './lookupQueue.js';
import type { Directory, DirectoryResult } from './types.js';

export interface GraphDirectoryOptions {
  /** Graph host without version, e.g. `https://graph.microsoft.com`; the client adds `/v1.0`. */
  readonly baseUrl: string;
  /** `default`: DefaultAzureCredential (or `credentialFactory`), built at the first lookup. `none`: no token. */
  readonly auth: 'default' | 'none';
  readonly credentialFactory?: () => TokenCredential;
  /** Per HTTP request, token acquisition included; the request is aborted when it runs out. */
  readonly timeoutMs?: number;
  /**
   * Total time one lookup may spend waiting on Retry-After before throttled apps become unavailable.
   * Counted per app from the first lookup that asked for it.
   */
  readonly throttleBudgetMs?: number;
  /** Tries per app, the first included. */
  readonly maxAttempts?: number;
  /** `$batch` requests in flight at once. */
  readonly maxConcurrentBatches?: number;
  /** How long a partly filled `$batch` waits for apps from further lookups (restarted by each; 10× at most). */
  readonly lingerMs?: number;
  /** Extra PEM to trust for baseUrl (local stand-ins); production uses the default trust store. */
  readonly trustedCa?: string;
}

export interface GraphDirectory extends Directory {
  /** HTTP requests sent so far (one per `$batch`, retries included). */
  readonly stats: { readonly requests: number };
  /** Releases the TLS agent made for `trustedCa`. */
  close(): Promise<void>;
}

const BACKOFF_WITHOUT_RETRY_AFTER_MS = 1_000;
// Overlapping ingest batches reach the directory tens of ms apart (each reads the `apps` cache first),
// more on a busy machine; a partial $batch waits until none has come for 100 ms, 1 s at most: paid
// only once per app never seen before, next to a Graph round trip of a few hundred ms.
const DEFAULT_LINGER_MS = 100;

/**
 * Graph adapter: lookups arriving close together share `$batch` requests, so N new apps cost about
 * ceil(N / 20) of them (see lookupQueue). Throttling (inner or outer 429, 503/504 with Retry-After) is
 * retried for the throttled apps only, while their lookup's budget allows the wait. Everything else that
 * fails is `unavailable`, so the caller retries later.
 */
export function createGraphDirectory(options: GraphDirectoryOptions): GraphDirectory {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const throttleBudgetMs = options.throttleBudgetMs ?? 10_000;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 4);
  const concurrency = Math.max(1, options.maxConcurrentBatches ?? 4);
  const base = parseBaseUrl(options.baseUrl);
  if (options.auth === 'none' && options.credentialFactory) {
    throw new UserError('graph directory: credentialFactory needs auth "default"');
  }
  let requests = 0;
  const stats = {
    get requests() {
      return requests;
    },
  };
  let transport: GraphTransport | undefined;
  // Built on first use as well: nothing here may touch the network or a credential until a lookup.
  const getTransport = (): GraphTransport =>
    (transport ??= createGraphTransport({
      baseUrl: base,
      credential:
        options.auth === 'default'
          ? lazyCredential(options.credentialFactory ?? (() => new DefaultAzureCredential()))
          : undefined,
      trustedCa: options.trustedCa,
      onRequest: () => {
        requests += 1;
      },
    }));

  async function sendBatch(appIds: readonly string[]): Promise<Map<string, SubOutcome>> {
    const reply = await getTransport().post('/$batch', buildBatch(appIds), timeoutMs);
    const everyApp = (outcome: SubOutcome) => new Map(appIds.map((appId) => [appId, outcome]));
    if (!reply.ok) return everyApp({ kind: 'unavailable', reason: reply.reason });
    if (reply.status !== 200) {
      return everyApp(throttledOrUnavailable(reply.status, reply.retryAfter, reply.body));
    }
    const parsed = batchResponseSchema.safeParse(reply.body);
    if (!parsed.success) {
      return everyApp({ kind: 'unavailable', reason: 'graph $batch returned an unexpected body' });
    }
    // Sub-responses arrive in any order; ids are the 1-based positions buildBatch gave them.
    const byId = new Map(appIds.map((appId, index) => [String(index + 1), appId]));
    const out = new Map<string, SubOutcome>();
    for (const sub of parsed.data.responses) {
      const appId = byId.get(sub.id);
      if (appId !== undefined && !out.has(appId)) out.set(appId, classifySubResponse(sub, appId));
    }
    const lacking: SubOutcome = { kind: 'unavailable', reason: 'graph $batch response lacked this request' };
    for (const appId of appIds) if (!out.has(appId)) out.set(appId, lacking);
    return out;
  }

  async function resolveBatch(batch: readonly QueuedKey<string>[]): Promise<Map<string, DirectoryResult>> {
    const results = new Map<string, DirectoryResult>();
    const deadlines = new Map(batch.map(({ key, queuedAt }) => [key, queuedAt + throttleBudgetMs]));
    let pending = batch.map(({ key }) => key);
    for (let attempt = 1; pending.length > 0; attempt++) {
      const throttled: string[] = [];
      let waitMs = 0;
      let status = 429;
      for (const [appId, outcome] of await sendBatch(pending)) {
        if (outcome.kind !== 'throttled') {
          results.set(appId, outcome);
          continue;
        }
        throttled.push(appId);
        status = outcome.status;
        waitMs = Math.max(
          waitMs,
          outcome.retryAfterMs ?? BACKOFF_WITHOUT_RETRY_AFTER_MS * 2 ** (attempt - 1),
        );
      }
      const now = Date.now();
      const retry: string[] = [];
      for (const appId of throttled) {
        // Apps of several lookups share a batch: each keeps the budget of the lookup that asked first.
        const left = (deadlines.get(appId) ?? now) - now;
        if (attempt < maxAttempts && waitMs <= left) {
          retry.push(appId);
          continue;
        }
        const why =
          attempt >= maxAttempts
            ? `after ${attempt} attempts`
            : `retry-after ${waitMs} ms exceeds the budget`;
        results.set(appId, { kind: 'unavailable', reason: `graph ${status} throttled: ${why}` });
      }
      if (retry.length > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
      pending = retry;
    }
    return results;
  }

  const queue = createLookupQueue<string, DirectoryResult>({
    batchSize: GRAPH_BATCH_LIMIT,
    lingerMs: options.lingerMs ?? DEFAULT_LINGER_MS,
    maxInFlight: concurrency,
    send: resolveBatch,
  });

  async function lookup(appIds: readonly string[]): Promise<Map<string, DirectoryResult>> {
    const results = new Map<string, DirectoryResult>();
    const valid: string[] = [];
    for (const appId of appIds) {
      // Callers validate already; a non-GUID cannot name any app, so it is answered without a request.
      if (isGuid(appId)) valid.push(appId.toLowerCase());
      else results.set(appId, { kind: 'notFound' });
    }
    const resolved = await queue.lookup(valid);
    for (const appId of appIds) {
      const result = resolved.get(appId.toLowerCase());
      if (result && !results.has(appId)) results.set(appId, result);
    }
    return results;
  }

  return { lookup, stats, close: async () => transport?.close() };
}

function parseBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UserError(`GRAPH_BASE_URL: not a URL: ${value}`);
  }
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new UserError(`GRAPH_BASE_URL: give the host only (the client adds /v1.0): ${value}`);
  }
  return url.origin;
}
