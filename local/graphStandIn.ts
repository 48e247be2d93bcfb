import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  entityBody,
  errorAnswer,
  faultAnswer,
  OK_HEADERS,
  parseBatch,
  parseServicePrincipalUrl,
  type Answer,
} from './graphWire.js';
import { loopbackCertificate } from './tls.js';
import { closeServer } from './closeServer.js';

/** A directory entry; `$select` picks from these properties (extra ones such as alternativeNames allowed). */
export interface StandInServicePrincipal {
  readonly id: string;
  readonly appId: string;
  readonly displayName: string | null;
  readonly servicePrincipalType?: string | null;
  readonly tags?: readonly string[];
  readonly appOwnerOrganizationId?: string | null;
  readonly [property: string]: unknown;
}

/** Per-app faults, applied to that app's sub-requests (inside `$batch` or as a plain GET). */
export interface AppFault {
  /** Inner 429 once, with this Retry-After (seconds), then normal answers. */
  readonly throttleOnce?: number;
  /** Inner 429 every time, with this Retry-After (seconds). */
  readonly throttleAlways?: number;
  /** Answer with this 5xx status, without Retry-After. */
  readonly fail5xx?: number;
  /** Hold the HTTP response this long: a batch answers only when all of its parts are ready. */
  readonly hangMs?: number;
}

/** Fault for whole HTTP requests, before any parsing; `times` (default: every request) counts requests. */
export interface RequestFault {
  readonly status?: number;
  readonly retryAfterSeconds?: number;
  readonly hangMs?: number;
  readonly times?: number;
}

export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly body: string;
  readonly authorization: string | undefined;
}

export interface StandInRequests {
  total: number;
  batches: number;
  subRequests: number;
  gets: number;
  readonly received: ReceivedRequest[];
}

export interface GraphStandIn {
  /** Host URL without version, as GRAPH_BASE_URL takes it. */
  readonly url: string;
  /** PEM to trust for `url`. */
  readonly cert: string;
  readonly requests: StandInRequests;
  setFault(fault: RequestFault | undefined): void;
  setAppFault(appId: string, fault: AppFault | undefined): void;
  upsert(servicePrincipal: StandInServicePrincipal): void;
  resetRequests(): void;
  close(): Promise<void>;
}

export interface GraphStandInOptions {
  readonly servicePrincipals?: readonly StandInServicePrincipal[];
  readonly faults?: Readonly<Record<string, AppFault>>;
  /** 0 (default): any free port. `npm run local` uses a fixed, documented one. */
  readonly port?: number;
}

/** A local HTTPS server speaking Graph v1.0 for `GET servicePrincipals(appId='…')` and `POST $batch`. */
export async function startGraphStandIn(options: GraphStandInOptions = {}): Promise<GraphStandIn> {
  const directory = new Map((options.servicePrincipals ?? []).map((sp) => [sp.appId.toLowerCase(), sp]));
  const faults = new Map(Object.entries(options.faults ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const requests: StandInRequests = { total: 0, batches: 0, subRequests: 0, gets: 0, received: [] };
  const timers = new Set<NodeJS.Timeout>();
  let requestFault: RequestFault | undefined;

  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  function answer(method: string, url: string): Answer {
    if (method !== 'GET') {
      return errorAnswer(
        405,
        'Request_BadRequest',
        'Specified HTTP method is not allowed for the request target.',
      );
    }
    const { path, appId: key, select } = parseServicePrincipalUrl(url);
    if (key === undefined)
      return errorAnswer(400, 'BadRequest', `Resource not found for the segment '${path}'.`);
    const appId = key.toLowerCase();
    const fault = faults.get(appId);
    const hangMs = fault?.hangMs ?? 0;
    if (fault?.throttleOnce !== undefined) {
      faults.set(appId, { ...fault, throttleOnce: undefined });
      return faultAnswer(429, fault.throttleOnce, hangMs);
    }
    if (fault?.throttleAlways !== undefined) return faultAnswer(429, fault.throttleAlways, hangMs);
    if (fault?.fail5xx !== undefined) return faultAnswer(fault.fail5xx, undefined, hangMs);
    const sp = directory.get(appId);
    if (!sp) {
      const text = `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`;
      return errorAnswer(404, 'Request_ResourceNotFound', text, hangMs);
    }
    return { status: 200, headers: OK_HEADERS, body: entityBody(sp, select), hangMs };
  }

  function batch(text: string): Answer {
    const steps = parseBatch(text);
    if (!steps) return errorAnswer(400, 'BadRequest', 'Invalid batch payload format.');
    if (steps.length > 20)
      return errorAnswer(400, 'BadRequest', 'Number of batch steps exceeds the maximum of 20.');
    if (new Set(steps.map((s) => s.id)).size !== steps.length) {
      return errorAnswer(400, 'BadRequest', 'Batch request ids must be unique.');
    }
    requests.batches += 1;
    requests.subRequests += steps.length;
    const answers = steps.map((s) => ({ id: s.id, ...answer(s.method, s.url) }));
    // Graph documents that sub-responses may come back in any order; reversing makes that certain.
    const responses = [...answers]
      .reverse()
      .map(({ id, status, headers, body }) => ({ id, status, headers, body }));
    const hangMs = Math.max(0, ...answers.map((a) => a.hangMs));
    return { status: 200, headers: OK_HEADERS, body: { responses }, hangMs };
  }

  function route(method: string, url: string, body: string): Answer {
    if (method === 'POST' && url === '/v1.0/$batch') return batch(body);
    if (!url.startsWith('/v1.0/')) return errorAnswer(400, 'BadRequest', 'Invalid version.');
    requests.gets += 1;
    return answer(method, url.slice('/v1.0'.length));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const method = req.method ?? '';
    const url = req.url ?? '/';
    requests.total += 1;
    requests.received.push({ method, url, body, authorization: req.headers.authorization });
    const fault = requestFault;
    if (fault?.times !== undefined)
      requestFault = fault.times > 1 ? { ...fault, times: fault.times - 1 } : undefined;
    await delay(fault?.hangMs ?? 0);
    const reply =
      fault?.status !== undefined
        ? faultAnswer(fault.status, fault.retryAfterSeconds)
        : route(method, url, body);
    await delay(reply.hangMs);
    if (res.destroyed) return;
    const ids = {
      'request-id': randomUUID(),
      'client-request-id': String(req.headers['client-request-id'] ?? ''),
    };
    res.writeHead(reply.status, { ...reply.headers, ...ids });
    res.end(JSON.stringify(reply.body));
  }

  const { key, cert } = await loopbackCertificate();
  const server = createServer({ key, cert }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      const reply = errorAnswer(500, 'generalException', String(error));
      if (!res.headersSent) res.writeHead(reply.status, reply.headers);
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `https://127.0.0.1:${port}`,
    cert,
    requests,
    setFault: (fault) => {
      requestFault = fault;
    },
    setAppFault: (appId, fault) => {
      if (fault) faults.set(appId.toLowerCase(), fault);
      else faults.delete(appId.toLowerCase());
    },
    upsert: (sp) => {
      directory.set(sp.appId.toLowerCase(), sp);
    },
    resetRequests: () => {
      Object.assign(requests, { total: 0, batches: 0, subRequests: 0, gets: 0 });
      requests.received.length = 0;
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      await closeServer(server);
    },
  };
}
