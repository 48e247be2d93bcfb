import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { classifyMeter, UNRECOGNISED_NAME } from '../../../shared/pricing/meterName.js';
import { toPriceDocs } from '../../../shared/pricing/priceRows.js';
import type { RetailPriceItem } from '../../../shared/pricing/types.js';
import { unrecognisedMetersWarning } from '../../../shared/pricing/unrecognisedMeters.js';
import { partnerItems, partnerNames } from '../../helpers/partnerMeters.js';

// Real meters the parser leaves unrecognised (docs/unparsed-meters.md): the refresh names them.

const SEEN = '2026-01-01T00:00:00.000Z';
const snapshot = JSON.parse(
  readFileSync(new URL('../../../samples/retail-prices-snapshot.json', import.meta.url), 'utf8'),
) as RetailPriceItem[];

const unrecognised = (item: Parameters<typeof classifyMeter>[0]) => {
  const result = classifyMeter(item);
  return !result.priced && result.reason === UNRECOGNISED_NAME;
};

describe('toPriceDocs names the meters it could not read', () => {
  it('says nothing when every name is read (the samples snapshot)', () => {
    const { skipped, warnings } = toPriceDocs(snapshot, 'USD', SEEN);
    expect(skipped.get(UNRECOGNISED_NAME)).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('keeps the count and adds one warning naming each meter, its product, unit and region', () => {
    // Two real Cohere embedding meters without a direction word, each captured in one region.
    const { skipped, warnings } = toPriceDocs([...snapshot, ...partnerItems()], 'USD', SEEN);
    expect(skipped.get(UNRECOGNISED_NAME)).toBe(2);
    expect(warnings).toEqual([
      '2 meters (2 distinct names) have an unrecognised name and were not stored; their requests stay ' +
        'unpriced until the parser reads them (docs/unparsed-meters.md lists the known ones): ' +
        '"Embed v4 Img Glbl Tokens" (Cohere Models, 1K, northeurope); ' +
        '"Embed v4 Txt Glbl Tokens" (Cohere Models, 1K, norwayeast)',
    ]);
  });
});

describe('unrecognisedMetersWarning', () => {
  // The real unrecognised partner names, put in regions of our own: the name is what is listed.
  const names = partnerNames().filter(unrecognised);
  const inRegion = (region: string) =>
    names.map((item) => ({ ...item, armRegionName: region }) satisfies Partial<RetailPriceItem>);

  it('lists each name once, the most widespread first, and says in how many regions', () => {
    const [first, second] = names;
    if (first === undefined || second === undefined) throw new Error('fixture changed');
    const warning = unrecognisedMetersWarning([
      { ...second, armRegionName: 'eastus' },
      { ...first, armRegionName: 'eastus' },
      { ...first, armRegionName: 'SwedenCentral' },
      { ...first, armRegionName: 'swedencentral' },
    ]);
    expect(warning).toBe(
      '4 meters (2 distinct names) have an unrecognised name and were not stored; their requests stay ' +
        'unpriced until the parser reads them (docs/unparsed-meters.md lists the known ones): ' +
        `"${first.meterName}" (${first.productName}, ${first.unitOfMeasure}, 2 regions); ` +
        `"${second.meterName}" (${second.productName}, ${second.unitOfMeasure}, eastus)`,
    );
  });

  it('lists at most the given number of names and counts the rest', () => {
    expect(names.length).toBeGreaterThan(3);
    const warning = unrecognisedMetersWarning([...inRegion('eastus'), ...inRegion('westeurope')], 3) ?? '';
    expect(warning).toMatch(
      new RegExp(`^${String(names.length * 2)} meters \\(${String(names.length)} distinct names\\)`),
    );
    expect(warning.match(/, 2 regions\)/g)).toHaveLength(3);
    expect(warning).toMatch(new RegExp(`; and ${String(names.length - 3)} more$`));
  });

  it('is null when there is nothing to name', () => {
    expect(unrecognisedMetersWarning([])).toBeNull();
  });
});
