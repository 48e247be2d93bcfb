import type { TokenCredential } from '@azure/identity';
import {
  AuthenticationHandler,
  Client,
  HTTPMessageHandler,
  ResponseType,
  TelemetryHandler,
  type Context,
  type FetchOptions,
  type Middleware,
} from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import { Agent } from 'undici';
import { ensureError } from '../errors.js';

export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

export type GraphReply =
  | { readonly ok: true; readonly status: number; readonly retryAfter: string | null; readonly body: unknown }
  | { readonly ok: false; readonly reason: string };

export interface GraphTransport {
  post(path: string, body: unknown, timeoutMs: number): Promise<GraphReply>;
  close(): Promise<void>;
}

/** Defers building the real credential to the first token request, so constructing never probes IMDS. */
export function lazyCredential(factory: () => TokenCredential): TokenCredential {
  let credential: TokenCredential | undefined;
  return { getToken: (scopes, options) => (credential ??= factory()).getToken(scopes, options) };
}

/** Counts HTTP requests and keeps the socket-level cause (ECONNREFUSED, cert errors) the SDK would drop. */
class TransportHandler implements Middleware {
  private next: Middleware | undefined;
  constructor(private readonly onRequest: () => void) {}
  async execute(context: Context): Promise<void> {
    if (!this.next) throw new Error('TransportHandler needs a next middleware');
    this.onRequest();
    try {
      await this.next.execute(context);
    } catch (error) {
      const e = ensureError(error);
      const cause = e.cause instanceof Error ? e.cause : undefined;
      const code = cause && 'code' in cause && typeof cause.code === 'string' ? cause.code : cause?.message;
      throw new Error(code ? `${e.message} (${code})` : e.message, { cause: error });
    }
  }
  setNext(next: Middleware): void {
    this.next = next;
  }
}

/**
 * The chain is built by hand instead of the SDK default (Auth → Retry → Redirect → Telemetry → HTTP):
 * its RetryHandler waits up to 180 s per Retry-After, three times, invisibly to us, while throttling
 * must be spent against our own budget and must see inner 429s, which it never does. Redirects do not
 * apply to these GETs. Telemetry stays: it adds the client-request-id that support cases ask for.
 */
export function createGraphTransport(options: {
  baseUrl: string;
  credential: TokenCredential | undefined;
  trustedCa: string | undefined;
  onRequest: () => void;
}): GraphTransport {
  const host = new URL(options.baseUrl);
  const agent = options.trustedCa ? new Agent({ connect: { ca: options.trustedCa } }) : undefined;
  const middleware: Middleware[] = [];
  if (options.credential) {
    const provider = new TokenCredentialAuthenticationProvider(options.credential, { scopes: [GRAPH_SCOPE] });
    middleware.push(new AuthenticationHandler(provider));
  }
  middleware.push(new TelemetryHandler(), new TransportHandler(options.onRequest), new HTTPMessageHandler());
  // The SDK hands fetchOptions to the global fetch (Node's bundled undici), which takes this dispatcher
  // at runtime; npm undici's types and Node's undici-types only disagree on paper, hence Object.assign.
  const fetchOptions: FetchOptions = {};
  if (agent) Object.assign(fetchOptions, { dispatcher: agent });
  const client = Client.initWithMiddleware({
    baseUrl: host.origin,
    // The SDK only attaches the token to graph.microsoft.com and these hostnames, and only over https.
    customHosts: new Set([host.hostname]),
    fetchOptions,
    middleware,
  });

  async function post(path: string, body: unknown, timeoutMs: number): Promise<GraphReply> {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      controller.abort(new Error(`graph timeout after ${timeoutMs} ms`));
    }, timeoutMs);
    // The race also bounds a token request that hangs before fetch ever sees the signal.
    const aborted = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => {
        reject(ensureError(controller.signal.reason));
      });
    });
    try {
      const exchange = async (): Promise<GraphReply> => {
        const raw: unknown = await client
          .api(path)
          .responseType(ResponseType.RAW)
          .option('signal', controller.signal)
          .post(body);
        if (!(raw instanceof Response)) return { ok: false, reason: 'graph client returned no response' };
        const text = await raw.text();
        return {
          ok: true,
          status: raw.status,
          retryAfter: raw.headers.get('Retry-After'),
          body: parseJson(text),
        };
      };
      return await Promise.race([exchange(), aborted]);
    } catch (error) {
      if (controller.signal.aborted) return { ok: false, reason: `graph timeout after ${timeoutMs} ms` };
      return { ok: false, reason: `graph request failed: ${ensureError(error).message}` };
    } finally {
      clearTimeout(timer);
    }
  }

  return { post, close: async () => agent?.close() };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
