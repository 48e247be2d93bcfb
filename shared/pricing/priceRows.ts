import { z } from 'zod';

import { classifyBookMeter } from './batchMeter.js';
import type { PriceRow } from './priceBook.js';
import type { RetailPriceItem } from './types.js';

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
  retailPrice: z.string(),
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

/** Items → documents for the token meters we price; everything else is counted, not stored. */
export function toPriceDocs(
  items: readonly RetailPriceItem[],
  currency: string,
  seenAt: string,
): { docs: PriceDoc[]; skipped: Map<string, number> } {
  const docs: PriceDoc[] = [];
  const skipped = new Map<string, number>();
  for (const item of items) {
    const classified = classifyBookMeter(item);
    if (!classified.priced) {
      skipped.set(classified.reason, (skipped.get(classified.reason) ?? 0) + 1);
      continue;
    }
    const start = new Date(item.effectiveStartDate).toISOString();
    docs.push({
      id: priceDocId(item.meterId, start, item.currencyCode ?? currency),
      pk: classified.meter.family,
      docType: 'price',
      meterId: item.meterId,
      meterName: item.meterName,
      ...(item.skuName === undefined ? {} : { skuName: item.skuName }),
      productName: item.productName,
      unitOfMeasure: item.unitOfMeasure,
      ...(item.type === undefined ? {} : { type: item.type }),
      region: item.armRegionName.toLowerCase(),
      currency: item.currencyCode ?? currency,
      // Shortest round-trip text of the JSON number: exactly what the API wrote, e.g. "7.5e-05" → "0.000075".
      retailPrice: String(item.retailPrice),
      effectiveStartDate: start,
      effectiveEndDate:
        item.effectiveEndDate === undefined ? null : new Date(item.effectiveEndDate).toISOString(),
      serviceName: item.serviceName ?? null,
      firstSeen: seenAt,
    });
  }
  return { docs, skipped };
}

/** Documents → rows of the in-memory book (re-classified; a row the parser no longer prices is dropped). */
export function toPriceRows(docs: readonly PriceDoc[]): PriceRow[] {
  const rows: PriceRow[] = [];
  for (const doc of docs) {
    const classified = classifyBookMeter(doc);
    if (!classified.priced) continue;
    rows.push({
      ...classified.meter,
      meterId: doc.meterId,
      meterName: doc.meterName,
      region: doc.region,
      currency: doc.currency,
      retailPrice: doc.retailPrice,
      effectiveStartDate: doc.effectiveStartDate,
      effectiveEndDate: doc.effectiveEndDate,
    });
  }
  return rows;
}
