import diagnostics from 'node:diagnostics_channel';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Counts the HTTP requests a server in this process receives, by kind, without touching the server or
 * the client: Node publishes every incoming request on the `http.server.request.start` channel (HTTPS
 * servers included). No proxy, so the measured path is exactly the SDK's own.
 */
export interface RequestCounter {
  readonly total: number;
  snapshot(): Readonly<Record<string, number>>;
  close(): void;
}

interface RequestStart {
  readonly request: IncomingMessage;
  readonly server: Server;
}

export function countCosmosRequests(port: number): RequestCounter {
  const counts = new Map<string, number>();
  let total = 0;
  const onMessage = (message: unknown) => {
    const { request, server } = message as RequestStart;
    const address: AddressInfo | string | null = server.address();
    if (address === null || typeof address === 'string' || address.port !== port) return;
    total++;
    const kind = cosmosRequestKind(request);
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  };
  diagnostics.subscribe('http.server.request.start', onMessage);
  return {
    get total() {
      return total;
    },
    snapshot: () => Object.fromEntries(counts),
    close: () => {
      diagnostics.unsubscribe('http.server.request.start', onMessage);
    },
  };
}

/** `bulk usage`, `query apps`, `GET pkranges`…: enough to see what each batch costs in round trips. */
function cosmosRequestKind(request: IncomingMessage): string {
  const url = request.url ?? '/';
  const container = /\/colls\/([^/?]+)/.exec(url)?.[1] ?? '';
  const resource = /\/(docs|pkranges|colls|dbs)(?:\/[^/?]*)?\/?(?:\?.*)?$/.exec(url)?.[1] ?? 'other';
  const header = (name: string) => String(request.headers[name] ?? '').toLowerCase();
  let verb: string;
  if (header('x-ms-cosmos-is-batch-request') === 'true') verb = 'bulk';
  else if (header('x-ms-documentdb-isquery') === 'true' || header('content-type').includes('query+json'))
    verb = 'query';
  else verb = `${request.method ?? '?'} ${resource}`;
  return container === '' ? verb : `${verb} ${decodeURIComponent(container)}`;
}

/** Difference of two snapshots (counts only grow). */
export function diffCounts(
  after: Readonly<Record<string, number>>,
  before: Readonly<Record<string, number>>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(after)) {
    const delta = value - (before[key] ?? 0);
    if (delta > 0) out[key] = delta;
  }
  return out;
}
