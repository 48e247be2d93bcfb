import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { HttpRequest, HttpResponse, InvocationContext, type HttpHandler } from '@azure/functions';
import { chromium, type Browser } from 'playwright-core';

/**
 * Serves HTTP function handlers on 127.0.0.1 by path, each called as the host calls it (a GET
 * `HttpRequest` and a new `InvocationContext`); any other path is a 404.
 */
export async function serveFunctions(
  routes: Readonly<Record<string, HttpHandler>>,
): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const handler = routes[url.pathname];
    if (handler === undefined) {
      res.writeHead(404).end();
      return;
    }
    const request = new HttpRequest({
      url: url.toString(),
      method: 'GET',
      query: Object.fromEntries(url.searchParams),
    });
    const context = new InvocationContext({ functionName: url.pathname, invocationId: randomUUID() });
    void Promise.resolve(handler(request, context)).then(async (init) => {
      const response = new HttpResponse(init);
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => (headers[name] = value));
      res.writeHead(response.status, headers).end(await response.text());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/**
 * Headless Chromium with the flags this closed network needs: without the background-networking
 * ones, Chromium keeps trying hosts it cannot reach.
 */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
