// Reads a Retail Prices meter as a per-token price for standard requests, or says why it is not one.
// Fails closed: a name that does not parse is `unrecognised name`, never a guess. An unknown modifier
// in front of the direction word (`5.4 newtier inp Gl`) lands in the family, where no event model
// matches it, so it cannot undercharge either.

import { EXCLUSIONS, joinPairs, UNIT_SIZE_WORDS } from './meterVocabulary.js';
import { classifyImageMeter } from './imageMeter.js';
import { splitNameWords } from './nameWords.js';
import { classifyPartnerMeter } from './partnerMeter.js';
import { publisherOfProduct, type Publisher } from './partnerPublishers.js';
import { parseTokenMeter, UNRECOGNISED_NAME } from './tokenMeterWords.js';
import type { MeterClassification, RetailPriceItem } from './types.js';

export { normalizeFamily, versionFromModelName } from './modelFamily.js';

export type MeterFields = Pick<
  RetailPriceItem,
  'meterName' | 'skuName' | 'productName' | 'unitOfMeasure' | 'type'
>;

export { UNRECOGNISED_NAME } from './tokenMeterWords.js';

/** The product is neither Azure OpenAI's nor one of the partners in partnerPublishers.ts. */
export const PUBLISHER_NOT_PRICED = 'publisher not priced';

/**
 * A per-token (or DALL-E per-image) meter for standard requests, or `{ priced: false, reason }` with a short reason such as
 * `batch meter`, `priority processing meter`, `non-token unit 1/Hour` or `unrecognised name`.
 */
export function classifyMeter(item: MeterFields): MeterClassification {
  const words = joinPairs(splitNameWords(item.meterName));
  const image = classifyImageMeter(words, item.unitOfMeasure, item.type, item.productName);
  if (image !== undefined) return image;
  // Azure OpenAI's products are named "…OpenAI…" (also `Azure OpenAI OSS Models`); another publisher's
  // product names the publisher, whose meters name models their own way.
  const publisher = /openai/i.test(item.productName) ? undefined : publisherOfProduct(item.productName);
  const reason = exclusion(item, words, publisher);
  if (reason !== null) return { priced: false, reason };
  // exclusion() let through only names whose last word is `Tokens`; the rest is model and markers.
  const size = unitSize(item.unitOfMeasure);
  if (publisher !== undefined) return classifyPartnerMeter(words.slice(0, -1), size, publisher);
  const meter = parseTokenMeter(words.slice(0, -1), size);
  return meter === null ? { priced: false, reason: UNRECOGNISED_NAME } : { priced: true, meter };
}

/** `1K` → 1000, `1M` → 1000000; null for every other unit (hours, images, calls, GB, sessions). */
function unitSize(unitOfMeasure: string): 1000 | 1000000 | null {
  return UNIT_SIZE_WORDS.get(unitOfMeasure.replace(/\s+/g, '').toLowerCase()) ?? null;
}

function exclusion(
  item: MeterFields,
  words: readonly string[],
  publisher: Publisher | undefined,
): string | null {
  const type = item.type ?? 'Consumption';
  // Reservations price a whole PTU term; their product is not even named "OpenAI".
  if (/reservation/i.test(type) || /reservation/i.test(item.productName)) return 'reservation meter';
  if (type !== 'Consumption') return `non-consumption type ${type}`;
  if (publisher === undefined && !/openai/i.test(item.productName)) return PUBLISHER_NOT_PRICED;
  const rule = EXCLUSIONS.find((candidate) => words.some((word) => candidate.words.has(word)));
  if (rule !== undefined) return rule.reason;
  if (unitSize(item.unitOfMeasure) === null) return `non-token unit ${item.unitOfMeasure}`;
  // The last word names what is counted: `Tokens`, or `Calls`, `Pages`, `Characters`… even per 1K.
  const counted = words.at(-1) ?? '';
  return counted === 'tokens' ? null : `non-token meter ${counted}`;
}
