import { request as httpsRequest, createServer, type Agent } from 'node:https';
import { Agent as HttpsAgent } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { loopbackCertificate } from '../../local/tls.js';
import { mulberry32 } from '../../shared/producer/seededRandom.js';
import { closeServer } from '../../local/closeServer.js';

/**
 * What the proxy does to a document request it picks:
 * - throttle: 429 with `x-ms-retry-after-ms` (the SDK waits and retries on its own);
 * - unavailable: 503;
 * - timeout: a 408 after a delay, as a gateway gives up;
 * - reset: the socket is destroyed before the request reaches Cosmos;
 * - lostResponse: the request reaches Cosmos and is applied, then the socket dies before the answer.
 */
export type FaultKind = 'throttle' | 'unavailable' | 'timeout' | 'reset' | 'lostResponse';

export const ALL_FAULTS: readonly FaultKind[] = [
  'throttle',
  'unavailable',
  'timeout',
  'reset',
  'lostResponse',
];

export interface FaultProxyOptions {
  /** The Cosmos stand-in's endpoint, `https://127.0.0.1:<port>/`. */
  readonly target: string;
  /** PEM to trust for the target. */
  readonly targetCa: string;
  /** The RNG seed: the same seed and request order pick the same faults. */
  readonly seed: number;
  /** Share (0..1) of document requests that fail. */
  readonly failureRate?: number;
  readonly kinds?: readonly FaultKind[];
  readonly retryAfterMs?: number;
  readonly timeoutDelayMs?: number;
}

export interface FaultProxyStats {
  requests: number;
  documentRequests: number;
  /** Every document request as `METHOD /path`, queries marked ` (query)`: what a test can count by kind. */
  readonly documentLog: string[];
  readonly injected: Record<FaultKind, number>;
}

export interface FaultProxy {
  /** Use as COSMOS_ENDPOINT; its certificate is `loopbackCertificate().cert`, the stand-ins' own. */
  readonly url: string;
  readonly stats: FaultProxyStats;
  setFailureRate(rate: number): void;
  setKinds(kinds: readonly FaultKind[]): void;
  close(): Promise<void>;
}

/** Seedable: Math.random would make a failing run impossible to replay. */
export const seededRandom = mulberry32;

/** Document operations: point reads and writes, queries, and the bulk/batch endpoint all live under `/docs`. */
const isDocumentPath = (url: string): boolean => /\/colls\/[^/]+\/docs(\/|$|\?)/.test(url);

/** An HTTPS man-in-the-middle for the Cosmos stand-in that fails a seeded share of document requests. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const random = seededRandom(options.seed);
  const target = new URL(options.target);
  const upstreamAgent: Agent = new HttpsAgent({ ca: options.targetCa, keepAlive: true });
  let failureRate = options.failureRate ?? 0;
  let kinds = [...(options.kinds ?? ALL_FAULTS)];
  const retryAfterMs = options.retryAfterMs ?? 5;
  const timeoutDelayMs = options.timeoutDelayMs ?? 20;
  const stats: FaultProxyStats = {
    requests: 0,
    documentRequests: 0,
    documentLog: [],
    injected: { throttle: 0, unavailable: 0, timeout: 0, reset: 0, lostResponse: 0 },
  };
  const timers = new Set<NodeJS.Timeout>();

  const pickFault = (url: string): FaultKind | undefined => {
    if (!isDocumentPath(url)) return undefined;
    stats.documentRequests++;
    if (kinds.length === 0 || random() >= failureRate) return undefined;
    return kinds[Math.floor(random() * kinds.length)];
  };

  const forward = (req: IncomingMessage, body: Buffer, onResponse: (upstream: IncomingMessage) => void) => {
    const upstream = httpsRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
        agent: upstreamAgent,
      },
      onResponse,
    );
    upstream.on('error', () => req.socket.destroy());
    upstream.end(body);
  };

  const reply = (res: ServerResponse, status: number, code: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify({ code, message: `fault proxy: injected ${status}` }));
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    stats.requests++;
    if (isDocumentPath(req.url ?? '/')) {
      const query = req.headers['x-ms-documentdb-isquery'] === undefined ? '' : ' (query)';
      stats.documentLog.push(`${req.method ?? ''} ${(req.url ?? '/').split('?')[0] ?? ''}${query}`);
    }
    const fault = pickFault(req.url ?? '/');
    if (fault !== undefined) stats.injected[fault]++;
    switch (fault) {
      case 'throttle':
        reply(res, 429, 'TooManyRequests', {
          'x-ms-retry-after-ms': String(retryAfterMs),
          'x-ms-substatus': '3200',
        });
        return;
      case 'unavailable':
        reply(res, 503, 'ServiceUnavailable');
        return;
      case 'timeout': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!res.destroyed) reply(res, 408, 'RequestTimeout');
        }, timeoutDelayMs);
        timers.add(timer);
        return;
      }
      case 'reset':
        req.socket.destroy();
        return;
      case 'lostResponse':
        forward(req, body, (upstream) => {
          upstream.resume();
          upstream.on('end', () => req.socket.destroy());
        });
        return;
      case undefined:
        forward(req, body, (upstream) => {
          res.writeHead(upstream.statusCode ?? 502, upstream.headers);
          upstream.pipe(res);
        });
    }
  };

  const { key, cert } = await loopbackCertificate();
  const server = createServer({ key, cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `https://127.0.0.1:${port}/`,
    stats,
    setFailureRate: (rate) => {
      failureRate = rate;
    },
    setKinds: (next) => {
      kinds = [...next];
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      await closeServer(server);
      upstreamAgent.destroy();
    },
  };
}
