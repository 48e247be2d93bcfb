// A meter whose name the parser cannot read is left out of the book, so its requests stay `unpriced`
// although Azure serves the meter. A count alone hides which spelling is new: the refresh names them.

import type { RetailPriceItem } from './types.js';

/** How many distinct names one warning lists; the rest are counted. */
export const UNRECOGNISED_NAMES_LISTED = 20;

type Unrecognised = Pick<RetailPriceItem, 'meterName' | 'productName' | 'unitOfMeasure' | 'armRegionName'>;

/**
 * One line naming the distinct unrecognised meters (name, product, unit, in how many regions), the
 * most widespread first, or null when there are none. The items are the ones counted as
 * `unrecognised name`: one per region and price window, so the count stays what `skipped` says.
 */
export function unrecognisedMetersWarning(
  items: readonly Unrecognised[],
  listed = UNRECOGNISED_NAMES_LISTED,
): string | null {
  if (items.length === 0) return null;
  const byName = new Map<string, { item: Unrecognised; regions: Set<string> }>();
  for (const item of items) {
    const key = `${item.productName}\n${item.meterName}\n${item.unitOfMeasure}`;
    const seen = byName.get(key) ?? { item, regions: new Set<string>() };
    seen.regions.add(item.armRegionName.toLowerCase());
    byName.set(key, seen);
  }
  const names = [...byName.values()].sort(
    (a, b) =>
      b.regions.size - a.regions.size ||
      a.item.productName.localeCompare(b.item.productName) ||
      a.item.meterName.localeCompare(b.item.meterName),
  );
  const shown = names.slice(0, listed).map(({ item, regions }) => {
    const where = regions.size === 1 ? ([...regions][0] ?? '') : `${String(regions.size)} regions`;
    return `"${item.meterName}" (${item.productName}, ${item.unitOfMeasure}, ${where})`;
  });
  const more = names.length > listed ? `; and ${String(names.length - listed)} more` : '';
  return (
    `${String(items.length)} meters (${String(names.length)} distinct names) have an unrecognised name ` +
    `and were not stored; their requests stay unpriced until the parser reads them ` +
    `(docs/unparsed-meters.md lists the known ones): ${shown.join('; ')}${more}`
  );
}
