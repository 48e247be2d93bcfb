import type { MeterFields } from '../../shared/pricing/meterName.js';
import type { RetailPriceItem } from '../../shared/pricing/types.js';
import { readApiShape } from './apiShapes.js';

// The two fixtures of other publishers' Foundry Models meters (see their .src.txt): full Retail Prices
// items, and meter names only (productName, meterName, unitPrice, unitOfMeasure).

export const PARTNER_ITEMS_FILE = 'retail_foundry_partner_models_items_2025-2026.json';
export const PARTNER_NAMES_FILE = 'retail_foundry_partner_models_names_2025-2026_derived.json';

export function partnerItems(): RetailPriceItem[] {
  return readApiShape(PARTNER_ITEMS_FILE) as RetailPriceItem[];
}

interface NamesFixture {
  readonly sources: readonly { readonly items: readonly MeterFields[] }[];
}

export function partnerNames(): MeterFields[] {
  return (readApiShape(PARTNER_NAMES_FILE) as NamesFixture).sources.flatMap((source) => source.items);
}

/** The key of a meter in partner-meter-expectations.json and docs/unparsed-meters.md's table. */
export function partnerMeterKey(meter: MeterFields): string {
  return `${meter.productName} | ${meter.meterName} | ${meter.unitOfMeasure}`;
}

/** The one item of that name in that region (throws otherwise, so a test cannot pick the wrong one). */
export function partnerItem(meterName: string, region: string): RetailPriceItem {
  const found = partnerItems().filter(
    (item) => item.meterName === meterName && item.armRegionName === region,
  );
  if (found.length !== 1 || found[0] === undefined)
    throw new Error(`${found.length} items ${meterName} in ${region}`);
  return found[0];
}
