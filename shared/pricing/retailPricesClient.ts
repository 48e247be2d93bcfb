import type { Dispatcher } from 'undici';

import { DependencyError, ensureError, UserError } from '../errors.js';
import { describeUrl, getJsonWithRetry, type RetryPolicy } from './retailPricesHttp.js';
import {
  foundryCatalogFilter,
  checkedNextPageLink,
  FOUNDRY_SERVICE_NAME,
  firstPageUrl,
  LEGACY_SERVICE_NAME,
} from './retailPricesQuery.js';
import { parseRetailPricesPage } from './retailPricesPage.js';
import type { RetailPriceItem } from './types.js';

export {
  foundryCatalogFilter,
  checkedNextPageLink,
  FOUNDRY_SERVICE_NAME,
  LEGACY_SERVICE_NAME,
  RETAIL_PRICES_API_VERSION,
} from './retailPricesQuery.js';

// A guard against a server that never stops paging: 2,000 pages of 100 is ten times today's catalog.
const MAX_PAGES = 2000;

export interface CatalogPage {
  readonly serviceName: string;
  /** 1-based, per service name. */
  readonly page: number;
  readonly items: readonly RetailPriceItem[];
}

export interface FetchFoundryCatalogOptions {
  /** RETAIL_PRICES_URL, without a query: the client adds api-version, currencyCode and $filter. */
  readonly url: string;
  /** PRICE_CURRENCY, an ISO 4217 code. */
  readonly currency: string;
  /** ARM region names to narrow to. Default: every region, since events may come from any of them. */
  readonly regions?: readonly string[];
  readonly dispatcher?: Dispatcher;
  /** Attempts per page, the first included; default 6. */
  readonly maxAttempts?: number;
  /** Per request, body included; default 30 s. */
  readonly timeoutMs?: number;
  /** First backoff ceiling (doubles per attempt, full jitter); default 1 s. */
  readonly baseDelayMs?: number;
  /** Backoff ceiling; default 30 s. */
  readonly maxDelayMs?: number;
  /** Longest Retry-After honoured; default 120 s. */
  readonly maxRetryAfterMs?: number;
  readonly log?: (msg: string) => void;
  /** Called after each validated page, e.g. to report progress. */
  readonly onPage?: (page: CatalogPage) => void | Promise<void>;
}

export interface FoundryCatalog {
  readonly items: RetailPriceItem[];
  /** The serviceName that produced the items. */
  readonly serviceName: string;
  /** The $filter that produced them, for the price book's provenance. */
  readonly filter: string;
  /** Pages read, including an empty first page that caused the fallback. */
  readonly pages: number;
  /** HTTP requests sent, retries included. */
  readonly requests: number;
}

/**
 * Fetches the Azure OpenAI and partner-publisher part of the Retail Prices catalog (foundryCatalogFilter),
 * every page, in `currency`. Falls back to the legacy serviceName when the current one yields nothing,
 * because a wrong filter answers 200 with no items.
 */
export async function fetchFoundryCatalog(options: FetchFoundryCatalogOptions): Promise<FoundryCatalog> {
  const base = checkedBaseUrl(options.url);
  const currency = checkedCurrency(options.currency);
  const regions = checkedRegions(options.regions ?? []);
  const log = options.log ?? (() => undefined);
  let requests = 0;
  const policy: RetryPolicy = {
    dispatcher: options.dispatcher,
    maxAttempts: positiveInt(options.maxAttempts ?? 6, 'maxAttempts'),
    timeoutMs: positiveInt(options.timeoutMs ?? 30_000, 'timeoutMs'),
    baseDelayMs: options.baseDelayMs ?? 1000,
    maxDelayMs: options.maxDelayMs ?? 30_000,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 120_000,
    log,
    onRequest: () => {
      requests++;
    },
  };

  let pages = 0;
  const tried: string[] = [];
  for (const serviceName of [FOUNDRY_SERVICE_NAME, LEGACY_SERVICE_NAME]) {
    const filter = foundryCatalogFilter(serviceName, regions);
    tried.push(filter);
    const first = firstPageUrl(base, currency, filter);
    const items: RetailPriceItem[] = [];
    let next: string | null = first;
    const seen = new Set<string>();
    for (let page = 1; next !== null; page++) {
      if (page > MAX_PAGES || seen.has(next)) {
        throw new DependencyError(
          'retailPrices',
          `paging did not end at ${describeUrl(next)} (page ${page})`,
        );
      }
      seen.add(next);
      const where = `${describeUrl(next)} (page ${page})`;
      const body = await getJsonWithRetry(next, policy);
      let parsed;
      try {
        parsed = parseRetailPricesPage(body, where);
      } catch (error) {
        throw new DependencyError('retailPrices', ensureError(error).message, { cause: error });
      }
      pages++;
      checkCurrency(parsed.billingCurrency, parsed.items, currency, where);
      if (page === 1 && parsed.items.length === 0) break;
      items.push(...parsed.items);
      await options.onPage?.({ serviceName, page, items: parsed.items });
      next = parsed.nextPageLink === null ? null : checkedNextPageLink(parsed.nextPageLink, next, base);
    }
    if (items.length > 0) {
      log(
        `Retail Prices: ${items.length} items for serviceName '${serviceName}' in ${pages} pages, ${requests} requests`,
      );
      return { items, serviceName, filter, pages, requests };
    }
    log(
      `Retail Prices: the first page for serviceName '${serviceName}' is empty (filter: ${filter}); ` +
        (serviceName === FOUNDRY_SERVICE_NAME
          ? `falling back to the legacy serviceName '${LEGACY_SERVICE_NAME}'`
          : 'giving up'),
    );
  }
  throw new DependencyError(
    'retailPrices',
    `no Foundry Models meters at ${describeUrl(base.href)} in ${currency} under either service name ` +
      `(a wrong $filter answers 200 with no items); filters tried: ${tried.join(' | ')}`,
  );
}

function checkCurrency(
  billing: string,
  items: readonly RetailPriceItem[],
  currency: string,
  where: string,
): void {
  const other = items.find((item) => item.currencyCode !== undefined && item.currencyCode !== currency);
  if (billing !== currency || other !== undefined) {
    // Prices in another currency than asked would be stored under the wrong label: refuse the page.
    throw new DependencyError(
      'retailPrices',
      `${where} is in ${other?.currencyCode ?? billing}, not the requested ${currency}`,
    );
  }
}

function checkedBaseUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError('RETAIL_PRICES_URL is not a URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new UserError('RETAIL_PRICES_URL must be an https:// URL');
  }
  if (parsed.search !== '' || parsed.hash !== '') {
    throw new UserError(
      'RETAIL_PRICES_URL must not carry a query: the client adds api-version, currencyCode, $filter',
    );
  }
  return parsed;
}

function checkedCurrency(currency: string): string {
  if (!/^[A-Z]{3}$/.test(currency))
    throw new UserError('PRICE_CURRENCY must be an ISO 4217 code such as "USD"');
  return currency;
}

function checkedRegions(regions: readonly string[]): readonly string[] {
  const bad = regions.find((region) => !/^[a-z0-9]+$/.test(region));
  if (bad !== undefined) throw new UserError(`"${bad}" is not an ARM region name such as "eastus"`);
  return regions;
}

function positiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new UserError(`${name} must be a positive integer`);
  return value;
}
