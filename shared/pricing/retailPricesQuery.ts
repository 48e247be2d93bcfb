import { DependencyError } from '../errors.js';
import { PARTNER_PUBLISHERS } from './partnerPublishers.js';

// The URLs the client requests: the first page's query and the NextPageLinks it agrees to follow.
// Kept apart from the paging loop so the exact filter is easy to read and to test.

/** serviceName of the AOAI meters since 2025; the meter ids did not change with the rename. */
export const FOUNDRY_SERVICE_NAME = 'Foundry Models';
/** serviceName before 2025; tried only when the current name yields nothing. */
export const LEGACY_SERVICE_NAME = 'Cognitive Services';
/** The preview version is the documented superset (full meter set) and compares filter values case-sensitively. */
export const RETAIL_PRICES_API_VERSION = '2023-01-01-preview';

/**
 * The `$filter` for the consumption meters of one service name: Azure OpenAI's and those of the other
 * publishers whose meters we read (partnerPublishers.ts).
 * - `priceType` is the documented filter field for the items' `type` (`Consumption` excludes the
 *   PTU reservations, whose prices are whole-term totals).
 * - `contains(productName, 'OpenAI')` keeps every AOAI product ("Azure OpenAI", "… GPT5", "… Reasoning",
 *   "… PP FT GPT4s"); one `contains` per partner keeps its product ("Azure Deepseek Models", "Azure Kimi").
 *   The rest of Foundry / Cognitive Services (Speech, Vision, Fireworks, Flux…) is never fetched: under
 *   the legacy service name, dropping the product test would fetch all of Cognitive Services.
 * - Regions only when asked: by default the price book must cover every region an event can come from.
 */
export function foundryCatalogFilter(serviceName: string, regions: readonly string[] = []): string {
  const products = ['OpenAI', ...PARTNER_PUBLISHERS.map((publisher) => publisher.productWord)];
  const parts = [
    `serviceName eq ${odataString(serviceName)}`,
    `priceType eq 'Consumption'`,
    `(${products.map((word) => `contains(productName, ${odataString(word)})`).join(' or ')})`,
  ];
  if (regions.length > 0) {
    parts.push(`(${regions.map((region) => `armRegionName eq ${odataString(region)}`).join(' or ')})`);
  }
  return parts.join(' and ');
}

/** An OData string literal: single quotes, an embedded quote doubled. */
function odataString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

// encodeURIComponent leaves ' ( ) * ! as they are; the API's own links percent-encode quotes, so do we.
function encodeQueryValue(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*!]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** The first page's URL; `$filter` keeps its literal `$` as in the documented examples, values are %-encoded. */
export function firstPageUrl(base: URL, currency: string, filter: string): string {
  const query = [
    `api-version=${encodeQueryValue(RETAIL_PRICES_API_VERSION)}`,
    `currencyCode=${encodeQueryValue(odataString(currency))}`,
    `$filter=${encodeQueryValue(filter)}`,
  ];
  return `${base.origin}${base.pathname}?${query.join('&')}`;
}

/**
 * NextPageLink is followed as given (the API writes `https://prices.azure.com:443/...`), but only to the
 * configured origin: a page must not be able to send the client elsewhere. URL.origin drops default ports.
 */
export function checkedNextPageLink(link: string, current: string, base: URL): string {
  let resolved: URL;
  try {
    resolved = new URL(link, current);
  } catch {
    throw new DependencyError('retailPrices', `NextPageLink is not a URL: ${link.slice(0, 200)}`);
  }
  if (resolved.origin !== base.origin) {
    throw new DependencyError(
      'retailPrices',
      `refusing to follow NextPageLink to ${resolved.origin}: it is not the configured origin ${base.origin}`,
    );
  }
  // Absolute links go out exactly as the server wrote them; only a relative one needs resolving.
  return URL.canParse(link) ? link : resolved.href;
}
