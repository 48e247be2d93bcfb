import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';

import type { RetailPriceItem } from '../shared/pricing/types.js';
import { compileFilter, FilterSyntaxError, type ItemPredicate } from './retailPricesFilter.js';
import { loopbackCertificate } from './tls.js';
import { closeServer } from './closeServer.js';

/** A scripted failure for the Nth request received (1-based, counting every request). */
export type RetailPricesFault =
  | { readonly request: number; readonly status: number; readonly retryAfter?: string }
  | { readonly request: number; readonly hang: true };

export interface RetailPricesStandInOptions {
  /**
   * Served in order, in full API item shape (extra fields such as tierMinimumUnits are sent as given).
   * Read once at start: later changes to the array are not served.
   */
  readonly items: readonly RetailPriceItem[];
  /** 0 (default): any free port. `npm run local` uses a fixed, documented one. */
  readonly port?: number;
  /** Items per page; the real API sends 100. */
  readonly pageSize?: number;
  /** The only currencyCode served (no conversion); default USD. */
  readonly currency?: string;
  /**
   * Serve every item under this serviceName. The shipped snapshot keeps each item's name from when it was
   * captured (mostly 'Cognitive Services'); today's API has all of them under 'Foundry Models', ids unchanged.
   */
  readonly serveAsServiceName?: string;
  readonly faults?: readonly RetailPricesFault[];
  /** Host written into NextPageLink; default 127.0.0.1. Another one lets a test send the client elsewhere. */
  readonly nextLinkHost?: string;
  /** Rewrites each 200 body before it is sent, e.g. to put `7.5e-05` on the wire as Python-made JSON does. */
  readonly transformBody?: (body: string, request: number) => string;
}

export interface RetailPricesRequestLog {
  readonly count: number;
  /** Path and query of each request exactly as received (still percent-encoded). */
  readonly urls: readonly string[];
}

export interface RetailPricesStandIn {
  /** The full endpoint, `https://127.0.0.1:<port>/api/retail/prices`, as RETAIL_PRICES_URL. */
  readonly url: string;
  /** PEM to trust (it is its own CA). */
  readonly cert: string;
  readonly requests: RetailPricesRequestLog;
  close(): Promise<void>;
}

const PATH = '/api/retail/prices';
/** Distinct queries whose filtered catalog is kept; a refresh pages through one or two. */
const MAX_CACHED_QUERIES = 16;

/** A local HTTPS server speaking the Retail Prices wire format, on 127.0.0.1 and a free port. */
export async function startRetailPricesStandIn(
  options: RetailPricesStandInOptions,
): Promise<RetailPricesStandIn> {
  const { key, cert } = await loopbackCertificate();
  const pageSize = options.pageSize ?? 100;
  const currency = options.currency ?? 'USD';
  const urls: string[] = [];
  let port = 0;
  // Relabelled once, not per request. Items are fixed, so a query's result is too: it is filtered on its
  // first page and later pages are sliced from it (filtering the whole catalog per page made a 30,000-item
  // refresh mostly stand-in time).
  const serviceName = options.serveAsServiceName;
  const served: readonly RetailPriceItem[] =
    serviceName === undefined ? [...options.items] : options.items.map((item) => ({ ...item, serviceName }));
  const matchedByQuery = new Map<string, readonly RetailPriceItem[]>();

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    urls.push(req.url ?? '');
    const n = urls.length;
    const fault = options.faults?.find((f) => f.request === n);
    if (fault !== undefined) {
      if ('hang' in fault) return; // never answered; close() drops the socket
      const headers: Record<string, string> =
        fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter };
      sendError(res, fault.status, `scripted fault for request ${n}`, headers);
      return;
    }
    if (req.method !== 'GET') {
      sendError(res, 405, 'only GET is supported');
      return;
    }
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    if ((q === -1 ? url : url.slice(0, q)) !== PATH) {
      sendError(res, 404, 'not found');
      return;
    }
    const rawQuery = q === -1 ? '' : url.slice(q + 1);

    let params: Map<string, string>;
    let cacheKey: string;
    let cached: readonly RetailPriceItem[] | undefined;
    let predicate: ItemPredicate = () => true;
    try {
      params = parseQuery(rawQuery);
      const filter = params.get('$filter');
      // Values compare exactly from 2023-01-01-preview on, ignoring case before (as documented).
      const apiVersion = params.get('api-version');
      const caseSensitive = apiVersion !== undefined && apiVersion >= '2023-01-01';
      // Everything that decides which items match; JSON keeps the parts apart whatever they contain.
      cacheKey = JSON.stringify([filter ?? null, caseSensitive, params.get('currencyCode') ?? null]);
      cached = matchedByQuery.get(cacheKey);
      if (cached === undefined && filter !== undefined) {
        predicate = compileFilter(filter, caseSensitive);
      }
    } catch (error) {
      const message =
        error instanceof FilterSyntaxError ? `invalid $filter: ${error.message}` : 'malformed query';
      sendError(res, 400, message);
      return;
    }
    const requested = params.get('currencyCode');
    if (requested !== undefined && requested !== `'${currency}'`) {
      sendError(res, 400, `this stand-in serves only currencyCode='${currency}', got ${requested}`);
      return;
    }
    const skipText = params.get('$skip') ?? '0';
    if (!/^\d+$/.test(skipText)) {
      sendError(res, 400, '$skip must be a non-negative integer');
      return;
    }
    const skip = Number(skipText);

    let matched = cached;
    if (matched === undefined) {
      matched = served.filter((item) => predicate({ ...item }));
      if (matchedByQuery.size >= MAX_CACHED_QUERIES) {
        const oldest = matchedByQuery.keys().next();
        if (oldest.done !== true) matchedByQuery.delete(oldest.value);
      }
      matchedByQuery.set(cacheKey, matched);
    }
    const page = matched.slice(skip, skip + pageSize);
    const nextSkip = skip + pageSize;
    const nextPageLink =
      nextSkip < matched.length
        ? nextLink(rawQuery, options.nextLinkHost ?? '127.0.0.1', port, nextSkip)
        : null;
    let body = JSON.stringify({
      BillingCurrency: currency,
      CustomerEntityId: 'Default',
      CustomerEntityType: 'Retail',
      Items: page,
      NextPageLink: nextPageLink,
      Count: page.length,
    });
    if (options.transformBody) body = options.transformBody(body, n);
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(body);
  };

  const server = createServer({ key, cert }, handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `https://127.0.0.1:${port}${PATH}`,
    cert,
    requests: {
      get count() {
        return urls.length;
      },
      urls,
    },
    close: () => closeServer(server),
  };
}

/** Decodes like ASP.NET does (`+` is a space); keys too, so `%24filter` and `$filter` are the same. */
function parseQuery(rawQuery: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const decode = (s: string): string => decodeURIComponent(s.replaceAll('+', ' '));
    params.set(decode(eq === -1 ? part : part.slice(0, eq)), eq === -1 ? '' : decode(part.slice(eq + 1)));
  }
  return params;
}

/** The request's own query with `$skip` replaced, behind an explicit port as the real API writes `:443`. */
function nextLink(rawQuery: string, host: string, port: number, skip: number): string {
  const kept = rawQuery.split('&').filter((part) => part !== '' && !/^(\$|%24)skip(=|$)/i.test(part));
  return `https://${host}:${port}${PATH}?${[...kept, `$skip=${skip}`].join('&')}`;
}

// The real API's error body shape is not in our references; this one only has to be JSON and say why.
function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  res
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
    .end(JSON.stringify({ Error: { Code: String(status), Message: message } }));
}
