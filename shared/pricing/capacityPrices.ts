import { z } from 'zod';

import type { DeploymentType } from '../events/types.js';
import { classifyCapacityMeter, type CapacityKind } from './capacityMeter.js';
import { checkRetailPrice, priceDocSchema, storedItemFields } from './priceRows.js';
import type { RetailPriceItem } from './types.js';

/** The partition of the `prices` container that holds capacity prices, apart from every token family. */
export const CAPACITY_PK = 'capacity';

/**
 * A stored capacity price: the same fields as a token price document, under its own `docType`, so
 * the token book's query (`docType = 'price'`) can never read one and price a request with it.
 */
export const capacityDocSchema = priceDocSchema.extend({ docType: z.literal('capacityPrice') });
export type CapacityDoc = z.infer<typeof capacityDocSchema>;

/** An hourly price of provisioned capacity or fine-tuned hosting, in one region, from one date. */
export interface CapacityPrice {
  readonly kind: CapacityKind;
  readonly deploymentType: DeploymentType;
  /** The base model family of a hosting price; null for PTU. */
  readonly family: string | null;
  readonly region: string;
  readonly meterId: string;
  readonly meterName: string;
  readonly currency: string;
  /** Per hour (per PTU and hour for provisioned), exact decimal text. */
  readonly retailPrice: string;
  readonly effectiveStartDate: string;
  readonly effectiveEndDate: string | null;
}

/** Whether an item is a capacity meter (kept or refused): the token book never sees those. */
export function isCapacityItem(item: RetailPriceItem): boolean {
  return classifyCapacityMeter(item).kind !== 'none';
}

/** Items → capacity documents; a refused meter or price is counted by reason and warned about. */
export function toCapacityDocs(
  items: readonly RetailPriceItem[],
  currency: string,
  seenAt: string,
): { docs: CapacityDoc[]; skipped: Map<string, number>; warnings: string[] } {
  const docs: CapacityDoc[] = [];
  const skipped = new Map<string, number>();
  const warnings: string[] = [];
  const skip = (reason: string, warning: string) => {
    skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
    warnings.push(warning);
  };
  for (const item of items) {
    const classified = classifyCapacityMeter(item);
    if (classified.kind === 'none') continue;
    const label = `${item.meterName} (${item.meterId}, ${item.armRegionName}, from ${item.effectiveStartDate})`;
    if (classified.kind === 'refused') {
      skip('capacity meter refused', `${label}: ${classified.reason}; not stored`);
      continue;
    }
    const price = checkRetailPrice(item.retailPrice);
    if (!price.ok) {
      skip('retailPrice not representable', `${label}: retailPrice ${price.problem}; not stored`);
      continue;
    }
    if (price.rounded)
      warnings.push(`${label}: retailPrice ${String(item.retailPrice)} stored rounded to ${price.text}`);
    docs.push({
      ...storedItemFields(item, price, currency, seenAt),
      pk: CAPACITY_PK,
      docType: 'capacityPrice',
    });
  }
  return { docs, skipped, warnings };
}

/**
 * Documents → prices, classified and checked again on load (as the token book is), so a classifier
 * fix applies to what is stored and a document the rules now refuse is left out, with a warning.
 */
export function toCapacityPrices(
  docs: readonly CapacityDoc[],
  warn?: (message: string) => void,
): CapacityPrice[] {
  const prices: CapacityPrice[] = [];
  for (const doc of docs) {
    const classified = classifyCapacityMeter(doc);
    if (classified.kind !== 'capacity') {
      if (classified.kind === 'refused') warn?.(`capacity price ${doc.id}: ${classified.reason}; left out`);
      continue;
    }
    const price = checkRetailPrice(doc.retailPrice);
    if (!price.ok) {
      warn?.(`capacity price ${doc.id}: retailPrice ${price.problem}; left out`);
      continue;
    }
    prices.push({
      ...classified.meter,
      region: doc.region,
      meterId: doc.meterId,
      meterName: doc.meterName,
      currency: doc.currency,
      retailPrice: price.text,
      effectiveStartDate: doc.effectiveStartDate,
      effectiveEndDate: doc.effectiveEndDate,
    });
  }
  return prices;
}
