import { readFileSync } from 'node:fs';

import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';

import {
  startRetailPricesStandIn,
  type RetailPricesStandIn,
  type RetailPricesStandInOptions,
} from '../../local/retailPricesStandIn.js';
import { DependencyError } from '../../shared/errors.js';
import {
  foundryCatalogFilter,
  checkedNextPageLink,
  fetchFoundryCatalog,
  type FetchFoundryCatalogOptions,
} from '../../shared/pricing/retailPricesClient.js';
import { parseRetryAfter } from '../../shared/pricing/retailPricesHttp.js';
import type { RetailPriceItem } from '../../shared/pricing/types.js';
import { readApiShape } from '../helpers/apiShapes.js';
import { partnerItems } from '../helpers/partnerMeters.js';

const referenceItem = (name: string): RetailPriceItem => readApiShape(`${name}.json`) as RetailPriceItem;
const snapshot = JSON.parse(
  readFileSync(new URL('../../samples/retail-prices-snapshot.json', import.meta.url), 'utf8'),
) as RetailPriceItem[];

// Real items, re-labelled only in the fields a case needs.
const gpt4oInput = referenceItem('retail_aoai_gpt4o_0806_input_global_eastus');
const miniBatch = referenceItem('retail_aoai_gpt4o_mini_0718_batch_input_global_eastus'); // 7.5e-05 on disk

function copies(count: number, serviceName: string): RetailPriceItem[] {
  return Array.from({ length: count }, (_, i) => ({
    ...gpt4oInput,
    serviceName,
    meterId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  }));
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function standIn(options: RetailPricesStandInOptions): Promise<RetailPricesStandIn> {
  const server = await startRetailPricesStandIn(options);
  cleanups.push(() => server.close());
  return server;
}

function clientOptions(server: RetailPricesStandIn, extra: Partial<FetchFoundryCatalogOptions> = {}) {
  const dispatcher = new Agent({ connect: { ca: server.cert } });
  cleanups.push(() => dispatcher.close());
  const logs: string[] = [];
  const options: FetchFoundryCatalogOptions = {
    url: server.url,
    currency: 'USD',
    dispatcher,
    baseDelayMs: 5,
    maxDelayMs: 20,
    log: (msg) => logs.push(msg),
    ...extra,
  };
  return { options, logs };
}

describe('fetchFoundryCatalog against the Retail Prices stand-in', () => {
  it('follows NextPageLink (explicit port) through every page', async () => {
    const links: unknown[] = [];
    const server = await standIn({
      items: copies(250, 'Foundry Models'),
      pageSize: 100,
      transformBody: (body) => {
        links.push((JSON.parse(body) as { NextPageLink: unknown }).NextPageLink);
        return body;
      },
    });
    const seenPages: number[] = [];
    const catalog = await fetchFoundryCatalog({
      ...clientOptions(server).options,
      onPage: (p) => void seenPages.push(p.items.length),
    });

    expect(catalog.items).toHaveLength(250);
    expect(new Set(catalog.items.map((i) => i.meterId)).size).toBe(250);
    expect(catalog).toMatchObject({ serviceName: 'Foundry Models', pages: 3, requests: 3 });
    expect(seenPages).toEqual([100, 100, 50]);
    expect(links[0]).toBe(
      `${server.url}${server.requests.urls[0]?.slice('/api/retail/prices'.length)}&$skip=100`,
    );
    expect(links[2]).toBeNull();
    expect(server.requests.urls[2]).toMatch(/&\$skip=200$/);
  });

  it('accepts a NextPageLink that spells out the default port, and only the configured origin', () => {
    const base = new URL('https://prices.azure.com/api/retail/prices');
    const first = 'https://prices.azure.com/api/retail/prices?$filter=x';
    const next = 'https://prices.azure.com:443/api/retail/prices?$filter=x&$skip=100';
    expect(checkedNextPageLink(next, first, base)).toBe(next);
    expect(() => checkedNextPageLink('https://prices.azure.com:8443/api/retail/prices', first, base)).toThrow(
      /refusing to follow NextPageLink to https:\/\/prices.azure.com:8443/,
    );
    expect(() => checkedNextPageLink('http://prices.azure.com/api/retail/prices', first, base)).toThrow(
      /refusing/,
    );
  });

  it('encodes the query exactly and the stand-in evaluates it', async () => {
    const speech = { ...gpt4oInput, productName: 'Speech', meterId: 'speech', serviceName: 'Foundry Models' };
    const reservation = { ...gpt4oInput, type: 'Reservation', meterId: 'ri', serviceName: 'Foundry Models' };
    const server = await standIn({ items: [...copies(2, 'Foundry Models'), speech, reservation] });
    const catalog = await fetchFoundryCatalog(clientOptions(server).options);

    expect(catalog.items.map((i) => i.meterId)).not.toContain('speech');
    expect(catalog.items.map((i) => i.meterId)).not.toContain('ri');
    expect(catalog.filter).toBe(
      "serviceName eq 'Foundry Models' and priceType eq 'Consumption' and (" +
        "contains(productName, 'OpenAI') or contains(productName, 'Deepseek') or " +
        "contains(productName, 'Llama') or contains(productName, 'Mistral') or " +
        "contains(productName, 'Phi') or contains(productName, 'Grok') or " +
        "contains(productName, 'Kimi') or contains(productName, 'Cohere') or contains(productName, 'Qwen'))",
    );
    expect(server.requests.urls[0]).toBe(
      '/api/retail/prices?api-version=2023-01-01-preview&currencyCode=%27USD%27' +
        '&$filter=serviceName%20eq%20%27Foundry%20Models%27%20and%20priceType%20eq%20%27Consumption%27' +
        '%20and%20%28contains%28productName%2C%20%27OpenAI%27%29%20or%20contains%28productName%2C%20%27Deepseek%27%29' +
        '%20or%20contains%28productName%2C%20%27Llama%27%29%20or%20contains%28productName%2C%20%27Mistral%27%29' +
        '%20or%20contains%28productName%2C%20%27Phi%27%29%20or%20contains%28productName%2C%20%27Grok%27%29' +
        '%20or%20contains%28productName%2C%20%27Kimi%27%29%20or%20contains%28productName%2C%20%27Cohere%27%29' +
        '%20or%20contains%28productName%2C%20%27Qwen%27%29%29',
    );
  });

  it("fetches the partner publishers' products too, and no other Foundry product", async () => {
    // Real items (retail_foundry_partner_models_items_2025-2026.json), one per publisher, beside real
    // products that are not fetched: Fireworks (named as in the 2026-06 capture) and Speech.
    const partners = ['R1 Inp glbl Tokens', 'Grok-4 Inp glbl Tokens', 'Llama 3.3 70B Inp glbl Tokens']
      .map((name) => partnerItems().find((item) => item.meterName === name))
      .filter((item): item is RetailPriceItem => item !== undefined);
    const fireworks = { ...gpt4oInput, productName: 'Azure Fireworks Models', meterId: 'fw' };
    const speech = { ...gpt4oInput, productName: 'Speech', meterId: 'speech' };
    const server = await standIn({
      items: [...copies(1, 'Foundry Models'), ...partners, fireworks, speech],
      serveAsServiceName: 'Foundry Models',
    });
    const catalog = await fetchFoundryCatalog(clientOptions(server).options);

    expect(partners).toHaveLength(3);
    expect(catalog.items.map((item) => item.productName).sort()).toEqual([
      'Azure Deepseek Models',
      'Azure Grok Models',
      'Azure Llama Models',
      'Azure OpenAI',
    ]);
  });

  it('narrows to the given regions only when asked', async () => {
    const items = [
      ...copies(2, 'Foundry Models'),
      { ...gpt4oInput, serviceName: 'Foundry Models', armRegionName: 'swedencentral', meterId: 'se' },
      { ...gpt4oInput, serviceName: 'Foundry Models', armRegionName: 'japaneast', meterId: 'jp' },
    ];
    const server = await standIn({ items });
    const all = await fetchFoundryCatalog(clientOptions(server).options);
    const some = await fetchFoundryCatalog(
      clientOptions(server, { regions: ['swedencentral', 'japaneast'] }).options,
    );

    expect(all.items).toHaveLength(4);
    expect(some.items.map((i) => i.meterId).sort()).toEqual(['jp', 'se']);
    expect(decodeURIComponent(server.requests.urls[1] ?? '')).toContain(
      " and (armRegionName eq 'swedencentral' or armRegionName eq 'japaneast')",
    );
  });

  it('waits out a 429 with Retry-After, then succeeds', async () => {
    const server = await standIn({
      items: copies(3, 'Foundry Models'),
      faults: [{ request: 1, status: 429, retryAfter: '1' }],
    });
    const { options, logs } = clientOptions(server);
    const started = Date.now();
    const catalog = await fetchFoundryCatalog(options);

    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(catalog).toMatchObject({ pages: 1, requests: 2 });
    expect(catalog.items).toHaveLength(3);
    expect(logs.join('\n')).toMatch(/HTTP 429 .*attempt 1\/6, retrying in 1000 ms/);
  });

  it('retries a 503 once, then succeeds', async () => {
    const server = await standIn({
      items: copies(3, 'Foundry Models'),
      faults: [{ request: 1, status: 503 }],
    });
    const catalog = await fetchFoundryCatalog(clientOptions(server).options);
    expect(catalog).toMatchObject({ pages: 1, requests: 2 });
    expect(server.requests.count).toBe(2);
  });

  it('gives up a request that hangs past the timeout and retries it', async () => {
    const server = await standIn({
      items: copies(150, 'Foundry Models'),
      faults: [{ request: 2, hang: true }],
    });
    const { options, logs } = clientOptions(server, { timeoutMs: 300 });
    const catalog = await fetchFoundryCatalog(options);

    expect(catalog.items).toHaveLength(150);
    expect(catalog).toMatchObject({ pages: 2, requests: 3 });
    expect(logs.join('\n')).toContain('no complete answer within 300 ms');
    expect(server.requests.urls[1]).toBe(server.requests.urls[2]);
  });

  it('stops after maxAttempts with an error naming the URL and the last status', async () => {
    const faults = [1, 2, 3].map((request) => ({ request, status: 503 }));
    const server = await standIn({ items: copies(1, 'Foundry Models'), faults });
    const failure = fetchFoundryCatalog(clientOptions(server, { maxAttempts: 3 }).options);
    await expect(failure).rejects.toThrow(DependencyError);
    await expect(failure).rejects.toThrow(
      `gave up on ${server.url} after 3 attempts; last failure: HTTP 503`,
    );
  });

  it('does not retry a 400', async () => {
    const server = await standIn({ items: [], faults: [{ request: 1, status: 400 }] });
    await expect(fetchFoundryCatalog(clientOptions(server).options)).rejects.toThrow(/answered HTTP 400/);
    expect(server.requests.count).toBe(1);
  });

  it("falls back to 'Cognitive Services' when 'Foundry Models' is empty, and says so", async () => {
    const speech = { ...gpt4oInput, productName: 'Speech', meterId: 'speech' }; // a non-AOAI product there
    const server = await standIn({ items: [...copies(3, 'Cognitive Services'), speech] });
    const { options, logs } = clientOptions(server);
    const catalog = await fetchFoundryCatalog(options);

    expect(catalog).toMatchObject({ serviceName: 'Cognitive Services', pages: 2, requests: 2 });
    expect(catalog.items).toHaveLength(3);
    expect(catalog.filter).toBe(foundryCatalogFilter('Cognitive Services'));
    expect(logs.join('\n')).toContain(
      "the first page for serviceName 'Foundry Models' is empty (filter: serviceName eq 'Foundry Models'",
    );
    expect(logs.join('\n')).toContain("falling back to the legacy serviceName 'Cognitive Services'");
  });

  it('throws a clear error when both service names are empty', async () => {
    const server = await standIn({ items: copies(2, 'Virtual Machines') });
    await expect(fetchFoundryCatalog(clientOptions(server).options)).rejects.toThrow(
      /no Foundry Models meters at .* under either service name .*filters tried: serviceName eq 'Foundry Models'.* \| serviceName eq 'Cognitive Services'/,
    );
  });

  it('parses exponent-notation and numeric-string prices exactly', async () => {
    const server = await standIn({
      items: [{ ...miniBatch, serviceName: 'Foundry Models' }],
      transformBody: (body) =>
        body
          .replace('"retailPrice":0.000075', '"retailPrice": 7.5e-05')
          .replace('"unitPrice":0.000075', '"unitPrice":"7.5e-05"'),
    });
    const [item] = (await fetchFoundryCatalog(clientOptions(server).options)).items;
    expect(item?.retailPrice).toBe(0.000075);
    expect(item?.unitPrice).toBe(0.000075);
    expect(String(item?.retailPrice)).toBe('0.000075');
  });

  it('names the bad field of an invalid page', async () => {
    const server = await standIn({
      items: copies(1, 'Foundry Models'),
      transformBody: (body) => body.replace('"retailPrice":0.0025', '"retailPrice":"n/a"'),
    });
    await expect(fetchFoundryCatalog(clientOptions(server).options)).rejects.toThrow(
      /Items\[0\]\.retailPrice: must be a number/,
    );
  });

  it('refuses a NextPageLink to another origin', async () => {
    const server = await standIn({ items: copies(150, 'Foundry Models'), nextLinkHost: 'localhost' });
    await expect(fetchFoundryCatalog(clientOptions(server).options)).rejects.toThrow(
      /refusing to follow NextPageLink to https:\/\/localhost:\d+/,
    );
    expect(server.requests.count).toBe(1);
  });

  it('reads the shipped snapshot as the current API would serve it', async () => {
    const server = await standIn({ items: snapshot, serveAsServiceName: 'Foundry Models' });
    const catalog = await fetchFoundryCatalog(clientOptions(server).options);
    const expected = snapshot.filter((i) => i.type === 'Consumption' && i.productName.includes('OpenAI'));
    expect(catalog.items.map((i) => i.meterId)).toEqual(expected.map((i) => i.meterId));
    expect(catalog.items.some((i) => i.type === 'Reservation')).toBe(false);
    expect(catalog.items.length).toBeGreaterThan(70);
  });
});

describe('the Retail Prices stand-in', () => {
  interface WirePage {
    readonly Items: readonly RetailPriceItem[];
    readonly NextPageLink: string | null;
    readonly Count: number;
  }

  /** GETs one page without the client's checks; the envelope's keys in wire order too. */
  async function page(server: RetailPricesStandIn, url: string) {
    const dispatcher = new Agent({ connect: { ca: server.cert } });
    cleanups.push(() => dispatcher.close());
    const response = await request(url, { dispatcher });
    const text = await response.body.text();
    expect(response.statusCode, text).toBe(200);
    const body = JSON.parse(text) as WirePage & Record<string, unknown>;
    return { body, keys: Object.keys(body) };
  }

  const filterUrl = (server: RetailPricesStandIn, filter: string, apiVersion = '2023-01-01-preview') =>
    `${server.url}?api-version=${apiVersion}&currencyCode=%27USD%27&$filter=${encodeURIComponent(filter)}`;

  it('pages each query from its own filtered result, whatever other queries come in between', async () => {
    const speech = Array.from({ length: 50 }, (_, i) => ({
      ...gpt4oInput,
      productName: 'Speech',
      meterId: `speech-${i}`,
    }));
    const server = await standIn({ items: [...speech, ...copies(150, 'Cognitive Services')] });
    const first = await page(server, filterUrl(server, "contains(productName, 'OpenAI')"));
    const other = await page(server, filterUrl(server, "productName eq 'Speech'"));
    const second = await page(server, first.body.NextPageLink ?? 'no NextPageLink');

    expect(first.keys).toEqual([
      'BillingCurrency',
      'CustomerEntityId',
      'CustomerEntityType',
      'Items',
      'NextPageLink',
      'Count',
    ]);
    expect(first.body).toMatchObject({ BillingCurrency: 'USD', CustomerEntityType: 'Retail', Count: 100 });
    expect(first.body.NextPageLink).toMatch(/&\$skip=100$/);
    expect(other.body.Items.map((i) => i.meterId)).toEqual(speech.map((i) => i.meterId));
    expect(second.body.Count).toBe(50);
    expect(second.body.NextPageLink).toBeNull();
    expect([...first.body.Items, ...second.body.Items].map((i) => i.meterId)).toEqual(
      copies(150, 'Cognitive Services').map((i) => i.meterId),
    );
  });

  it('keeps case-sensitive and case-insensitive evaluations of one filter apart', async () => {
    const server = await standIn({
      items: copies(3, 'Foundry Models'),
      serveAsServiceName: 'Foundry Models',
    });
    const filter = "serviceName eq 'foundry models'";

    const exact = await page(server, filterUrl(server, filter));
    const folded = await page(server, filterUrl(server, filter, '2021-10-01-preview'));
    const again = await page(server, filterUrl(server, filter));

    expect(exact.body.Count).toBe(0);
    expect(folded.body.Count).toBe(3);
    expect(folded.body.Items.every((i) => i.serviceName === 'Foundry Models')).toBe(true);
    expect(again.body.Count).toBe(0);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
