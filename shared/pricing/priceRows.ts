import { z } from 'zod';

import { attoToDecimal, toAttoRounded } from '../cost/money.js';
import { classifyBookMeter } from './batchMeter.js';
import { UNRECOGNISED_NAME } from './meterName.js';
import type { PriceRow } from './priceBook.js';
import type { RetailPriceItem } from './types.js';
import { unrecognisedMetersWarning } from './unrecognisedMeters.js';

/** A stored price: the Retail Prices item's own fields (re-classified on load, so parser fixes apply). */
export const priceDocSchema = z.object({
  id: z.string(),
  pk: z.string(),
  docType: z.literal('price'),
  meterId: z.string(),
  meterName: z.string(),
  skuName: z.string().optional(),
  productName: z.string(),
  unitOfMeasure: z.string(),
  type: z.string().optional(),
  region: z.string(),
  currency: z.string(),
  /** Decimal text with at most 18 decimals (the book's precision): see `checkRetailPrice`. */
  retailPrice: z.string(),
  /** The value as the API sent it, kept only when it had to be rounded to 18 decimals. */
  retailPriceReceived: z.string().optional(),
  effectiveStartDate: z.string(),
  effectiveEndDate: z.string().nullable(),
  serviceName: z.string().nullable(),
  firstSeen: z.string(),
});
export type PriceDoc = z.infer<typeof priceDocSchema>;

/** Cosmos ids may not contain `/ \ ? #`; meter ids are GUIDs and dates ISO, so `|` joins them safely. */
export function priceDocId(meterId: string, effectiveStartDate: string, currency: string): string {
  return `${meterId}|${effectiveStartDate}|${currency}`;
}

/**
 * Far above any token meter (the dearest is a few hundred per million tokens), and low enough that a
 * record's cost stays an exact integer of nano-units: a larger value is corruption, not a price.
 */
export const MAX_RETAIL_PRICE = 100_000;
const MAX_RETAIL_PRICE_ATTO = BigInt(MAX_RETAIL_PRICE) * 10n ** 18n;

export type PriceCheck =
  | { readonly ok: true; readonly text: string; readonly rounded: boolean }
  | { readonly ok: false; readonly problem: string };

/**
 * The book holds prices as integer atto-units (18 decimals). A value with more decimals (the float
 * artefact `7.000000000000001e-7`) is rounded half-even to 18, exactly, and the rounding reported;
 * one that is not a finite number, negative or above `MAX_RETAIL_PRICE` is refused.
 */
export function checkRetailPrice(value: number | string): PriceCheck {
  let read: { atto: bigint; exact: boolean };
  try {
    read = toAttoRounded(value);
  } catch (error) {
    return { ok: false, problem: (error as Error).message };
  }
  if (read.atto < 0n) return { ok: false, problem: `${String(value)} is negative` };
  if (read.atto > MAX_RETAIL_PRICE_ATTO)
    return { ok: false, problem: `${String(value)} is above ${MAX_RETAIL_PRICE}, not a token price` };
  if (read.exact) return { ok: true, text: String(value).trim(), rounded: false };
  // A price is never made 0 by rounding: an unknown price is unpriced, not free.
  if (read.atto === 0n) return { ok: false, problem: `${String(value)} rounds to 0 at 18 decimals` };
  return { ok: true, text: attoToDecimal(read.atto), rounded: true };
}

/**
 * What a price document keeps of a Retail Prices item, token or capacity price alike: the item's own
 * fields, the price as checked, and when the refresh first saw it.
 */
export function storedItemFields(
  item: RetailPriceItem,
  price: Extract<PriceCheck, { ok: true }>,
  currency: string,
  seenAt: string,
): Omit<PriceDoc, 'pk' | 'docType'> {
  const start = new Date(item.effectiveStartDate).toISOString();
  return {
    id: priceDocId(item.meterId, start, item.currencyCode ?? currency),
    meterId: item.meterId,
    meterName: item.meterName,
    ...(item.skuName === undefined ? {} : { skuName: item.skuName }),
    productName: item.productName,
    unitOfMeasure: item.unitOfMeasure,
    ...(item.type === undefined ? {} : { type: item.type }),
    region: item.armRegionName.toLowerCase(),
    currency: item.currencyCode ?? currency,
    // Shortest round-trip text of the JSON number: exactly what the API wrote, e.g. "7.5e-05" → "0.000075".
    retailPrice: price.text,
    ...(price.rounded ? { retailPriceReceived: String(item.retailPrice) } : {}),
    effectiveStartDate: start,
    effectiveEndDate:
      item.effectiveEndDate === undefined ? null : new Date(item.effectiveEndDate).toISOString(),
    serviceName: item.serviceName ?? null,
    firstSeen: seenAt,
  };
}

/**
 * Items → documents for the token meters we price; everything else is counted, not stored. Meters
 * with an unrecognised name are also named in one warning: they may be a new spelling of a model we price.
 */
export function toPriceDocs(
  items: readonly RetailPriceItem[],
  currency: string,
  seenAt: string,
): { docs: PriceDoc[]; skipped: Map<string, number>; warnings: string[] } {
  const docs: PriceDoc[] = [];
  const skipped = new Map<string, number>();
  const warnings: string[] = [];
  const unrecognised: RetailPriceItem[] = [];
  for (const item of items) {
    const classified = classifyBookMeter(item);
    if (!classified.priced) {
      skipped.set(classified.reason, (skipped.get(classified.reason) ?? 0) + 1);
      if (classified.reason === UNRECOGNISED_NAME) unrecognised.push(item);
      continue;
    }
    const label = `${item.meterName} (${item.meterId}, ${item.armRegionName}, from ${item.effectiveStartDate})`;
    const price = checkRetailPrice(item.retailPrice);
    if (!price.ok) {
      const reason = 'retailPrice not representable';
      skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
      warnings.push(`${label}: retailPrice ${price.problem}; not stored`);
      continue;
    }
    if (price.rounded) {
      warnings.push(
        `${label}: retailPrice ${String(item.retailPrice)} has more than 18 decimals; stored rounded half-even to ${price.text}`,
      );
    }
    docs.push({
      ...storedItemFields(item, price, currency, seenAt),
      pk: classified.meter.family,
      docType: 'price',
    });
  }
  const named = unrecognisedMetersWarning(unrecognised);
  if (named !== null) warnings.push(named);
  return { docs, skipped, warnings };
}

/**
 * Documents → rows of the in-memory book (re-classified; a row the parser no longer prices is dropped).
 * Prices are checked again: a document stored before the check existed (create-only, so a refresh never
 * rewrites it) is rounded or dropped here by the same rule, and can never make pricing throw.
 */
export function toPriceRows(docs: readonly PriceDoc[], warn?: (message: string) => void): PriceRow[] {
  const rows: PriceRow[] = [];
  for (const doc of docs) {
    const classified = classifyBookMeter(doc);
    if (!classified.priced) continue;
    const price = checkRetailPrice(doc.retailPrice);
    if (!price.ok) {
      warn?.(`price ${doc.id}: retailPrice ${price.problem}; left out of the book`);
      continue;
    }
    rows.push({
      ...classified.meter,
      meterId: doc.meterId,
      meterName: doc.meterName,
      region: doc.region,
      currency: doc.currency,
      retailPrice: price.text,
      effectiveStartDate: doc.effectiveStartDate,
      effectiveEndDate: doc.effectiveEndDate,
    });
  }
  return rows;
}
