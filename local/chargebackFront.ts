import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import azureFunctions, { type HttpHandler } from '@azure/functions';

import { chargebackPage } from '../functions/handlers/chargebackPage.js';
import { chargebackReport } from '../functions/handlers/chargebackReport.js';
import { sharedServices } from '../shared/app/lazyServices.js';
import { closeServer } from './closeServer.js';

// The package is CommonJS whose classes Node's ESM loader cannot see as named exports.
const { HttpRequest, HttpResponse, InvocationContext } = azureFunctions;

export interface ChargebackFront {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  pageUrl(from: string, to: string): string;
  close(): Promise<void>;
}

/** The Functions host's routes for the report and the page (routePrefix `api`). */
const ROUTES: Readonly<Record<string, { name: string; handler: HttpHandler }>> = {
  '/api/chargeback': { name: 'chargebackReport', handler: chargebackReport },
  '/api/chargeback/page': { name: 'chargebackPage', handler: chargebackPage },
};

async function serve(req: IncomingMessage, res: ServerResponse, base: string): Promise<void> {
  const url = new URL(req.url ?? '/', base);
  const route = ROUTES[url.pathname];
  if (route === undefined || req.method !== 'GET') {
    res.writeHead(route === undefined ? 404 : 405, { 'content-type': 'text/plain' }).end('not found\n');
    return;
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers))
    if (typeof value === 'string') headers[name] = value;
  // Exactly what the host hands a handler: an HttpRequest and an InvocationContext.
  const request = new HttpRequest({ method: 'GET', url: url.toString(), headers });
  const context = new InvocationContext({
    functionName: route.name,
    invocationId: randomUUID(),
    logHandler: (level, ...args) => {
      if (level === 'error' || level === 'warning')
        process.stderr.write(`${route.name}: ${args.map(String).join(' ')}\n`);
    },
  });
  const response = new HttpResponse(await route.handler(request, context));
  const out: Record<string, string> = {};
  response.headers.forEach((value, name) => (out[name] = value));
  res.writeHead(response.status, out).end(await response.text());
}

/**
 * A stand-in for `func start` for the two HTTP functions, on 127.0.0.1 (the demo and the browser
 * test; Core Tools cannot be installed on CI). The handlers build their services through
 * sharedServices(), so this sets the settings and primes it to trust the stand-ins' certificate.
 */
export async function startChargebackFront(
  env: Record<string, string>,
  trustedCa: string,
  options: { readonly closeServices?: boolean } = {},
): Promise<ChargebackFront> {
  Object.assign(process.env, env);
  const services = await sharedServices({ trustedCa });
  const server = createServer((req, res) => {
    serve(req, res, base).catch((error: unknown) => {
      process.stderr.write(
        `front: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error\n');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    pageUrl: (from, to) => `${base}/api/chargeback/page?${new URLSearchParams({ from, to }).toString()}`,
    async close() {
      await closeServer(server);
      if (options.closeServices !== false) await services.close();
    },
  };
}
