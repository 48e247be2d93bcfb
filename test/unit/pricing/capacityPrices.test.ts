import { describe, expect, it } from 'vitest';

import { classifyBookMeter } from '../../../shared/pricing/batchMeter.js';
import { classifyCapacityMeter } from '../../../shared/pricing/capacityMeter.js';
import { capacityPriceAt } from '../../../shared/pricing/capacityPriceAt.js';
import {
  capacityDocSchema,
  toCapacityDocs,
  toCapacityPrices,
} from '../../../shared/pricing/capacityPrices.js';
import { priceDocSchema } from '../../../shared/pricing/priceRows.js';
import type { RetailPriceItem } from '../../../shared/pricing/types.js';
import { readApiShape } from '../../helpers/apiShapes.js';
import { testCapacityPrice } from '../../helpers/capacityPrice.js';

const item = (file: string) => readApiShape(file) as RetailPriceItem;
const PTU_GLOBAL = item('retail_aoai_ptu_provisioned_managed_global_eastus.json');
const RESERVATION = item('retail_ptu_reservation_global_1month_eastus.json');

/** The eastus catalog's items (a field subset), completed with the fields its .src.txt gives for all. */
const catalog = (
  readApiShape('retail_aoai_meter_catalog_eastus_2025-08_derived.json') as {
    items: Omit<RetailPriceItem, 'armRegionName'>[];
  }
).items.map((i): RetailPriceItem => ({ ...i, armRegionName: 'eastus', type: 'Consumption' }));
const named = (meterName: string) => {
  const found = catalog.find((i) => i.meterName === meterName);
  if (found === undefined) throw new Error(`${meterName} is not in the catalog`);
  return found;
};

describe('capacity meters', () => {
  it('reads the real hourly PTU meters of each deployment type, model-independent', () => {
    expect(classifyCapacityMeter(PTU_GLOBAL)).toEqual({
      kind: 'capacity',
      meter: { kind: 'provisioned', deploymentType: 'global', family: null },
    });
    expect(classifyCapacityMeter(named('Provisioned Managed Data Zone Unit'))).toMatchObject({
      meter: { kind: 'provisioned', deploymentType: 'datazone' },
    });
    expect(classifyCapacityMeter(named('Provisioned Managed Regional Unit'))).toMatchObject({
      meter: { kind: 'provisioned', deploymentType: 'regional' },
    });
  });

  it('reads the fine-tuned hosting hours per base model family and deployment type', () => {
    expect(classifyCapacityMeter(named('gpt-4.1-mini-ft hosting global Unit'))).toEqual({
      kind: 'capacity',
      meter: { kind: 'ftHosting', deploymentType: 'global', family: 'gpt-4.1-mini' },
    });
    expect(classifyCapacityMeter(named('o4-mini-ft hosting regional Unit'))).toMatchObject({
      meter: { kind: 'ftHosting', deploymentType: 'regional', family: 'o4-mini' },
    });
  });

  it('reads the `-FT-Hstng-` spelling of other regions and months', () => {
    const spellings = (
      readApiShape('retail_aoai_meter_spellings_2024-2025_derived.json') as {
        sources: { items: { meterName: string; unitOfMeasure: string }[] }[];
      }
    ).sources.flatMap((source) => source.items);
    const spelt = (meterName: string) => {
      const found = spellings.find((i) => i.meterName === meterName);
      if (found === undefined) throw new Error(`${meterName} is not in the spellings fixture`);
      return classifyCapacityMeter({ ...found, type: 'Consumption' });
    };
    expect(spelt('gpt-4o-mini-0718-FT-Hstng-glbl Unit')).toEqual({
      kind: 'capacity',
      meter: { kind: 'ftHosting', deploymentType: 'global', family: 'gpt-4o-mini' },
    });
    expect(spelt('gpt-4o-0806-FT-Hstng-regnl Unit')).toMatchObject({
      meter: { kind: 'ftHosting', deploymentType: 'regional', family: 'gpt-4o' },
    });
  });

  it('finds every hourly PTU and hosting meter of the eastus catalog, and nothing else', () => {
    const kept = catalog.filter((i) => classifyCapacityMeter(i).kind === 'capacity').map((i) => i.meterName);
    expect(kept.sort()).toEqual([
      'Provisioned Managed Data Zone Unit',
      'Provisioned Managed Global Unit',
      'Provisioned Managed Regional Unit',
      'gpt-4.1-ft hosting global Unit',
      'gpt-4.1-ft hosting regional Unit',
      'gpt-4.1-mini-ft hosting global Unit',
      'gpt-4.1-mini-ft hosting regional Unit',
      'gpt-4.1-nano-ft hosting global Unit',
      'gpt-4.1-nano-ft hosting regional Unit',
      'o4-mini-ft hosting global Unit',
      'o4-mini-ft hosting regional Unit',
    ]);
    // None of them can ever price a request: the token classifier refuses every one.
    for (const name of kept) expect(classifyBookMeter(named(name)).priced).toBe(false);
  });

  it('refuses, with the reason, a capacity meter that is not an hourly list price', () => {
    expect(classifyCapacityMeter(RESERVATION)).toEqual({
      kind: 'refused',
      reason: 'capacity meter of type Reservation, not an hourly list price',
    });
    expect(classifyCapacityMeter({ ...PTU_GLOBAL, unitOfMeasure: '1/Month' })).toEqual({
      kind: 'refused',
      reason: 'capacity meter per "1/Month", not per hour',
    });
    // The legacy commitment meters are not capacity meters of any current SKU.
    expect(classifyCapacityMeter(named('Provisioned Throughput Units')).kind).toBe('none');
    expect(classifyCapacityMeter(named('Provisioned Throughput - Available Unit')).kind).toBe('none');
  });
});

describe('capacity price documents', () => {
  const seen = '2026-11-01T02:00:00.000Z';

  it('store each window under its own docType, which the token book schema rejects', () => {
    const { docs, skipped, warnings } = toCapacityDocs([PTU_GLOBAL, RESERVATION], 'USD', seen);
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({
      pk: 'capacity',
      docType: 'capacityPrice',
      meterId: '433e638d-598a-5b5f-acbc-27dbbda88216',
      retailPrice: '1',
      unitOfMeasure: '1/Hour',
      region: 'eastus',
      effectiveStartDate: '2024-11-01T00:00:00.000Z',
    });
    expect(capacityDocSchema.safeParse(docs[0]).success).toBe(true);
    expect(priceDocSchema.safeParse(docs[0]).success).toBe(false);
    expect(Object.fromEntries(skipped)).toEqual({ 'capacity meter refused': 1 });
    expect(warnings[0]).toContain('not an hourly list price; not stored');
  });

  it('are classified again on load, a document the rules now refuse left out with a warning', () => {
    const { docs } = toCapacityDocs([PTU_GLOBAL, named('gpt-4.1-ft hosting global Unit')], 'USD', seen);
    const [ptu, hosting] = docs;
    if (ptu === undefined || hosting === undefined) throw new Error('two documents expected');
    const warnings: string[] = [];
    const prices = toCapacityPrices([ptu, hosting, { ...ptu, id: 'old', unitOfMeasure: '1 Day' }], (w) =>
      warnings.push(w),
    );
    expect(prices.map((p) => [p.kind, p.family, p.retailPrice])).toEqual([
      ['provisioned', null, '1'],
      ['ftHosting', 'gpt-4.1', '1.7'],
    ]);
    expect(warnings).toEqual(['capacity price old: capacity meter per "1 Day", not per hour; left out']);
  });
});

describe('the hourly price in force', () => {
  const price = testCapacityPrice;
  const query = { kind: 'provisioned', deploymentType: 'global', region: 'eastus', family: null } as const;
  const at = Date.parse('2026-11-19T00:00:00Z');

  it('is the latest window started at that time, in that region and deployment type', () => {
    const prices = [
      price({}),
      price({ retailPrice: '1.2', effectiveStartDate: '2026-11-01T00:00:00.000Z' }),
      price({ retailPrice: '9', effectiveStartDate: '2026-12-01T00:00:00.000Z' }),
      price({ retailPrice: '7', region: 'westus' }),
      price({ retailPrice: '8', deploymentType: 'datazone' }),
    ];
    expect(capacityPriceAt(prices, query, at)).toMatchObject({ ok: true, price: { retailPrice: '1.2' } });
  });

  it('says why there is none: no meter, ended, or two meters at different prices', () => {
    expect(capacityPriceAt([], query, at)).toEqual({
      ok: false,
      reason: 'no hourly price for provisioned (PTU) global in eastus',
    });
    expect(capacityPriceAt([price({ effectiveEndDate: '2026-10-31T00:00:00.000Z' })], query, at)).toEqual({
      ok: false,
      reason: 'the hourly price for provisioned (PTU) global in eastus ended 2026-10-31T00:00:00.000Z',
    });
    const rival = price({ meterId: 'other', retailPrice: '2' });
    expect(capacityPriceAt([price({}), rival], query, at)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('ambiguous hourly price') as unknown,
    });
  });

  it('matches a hosting price by its base model family', () => {
    const hosting = price({ kind: 'ftHosting', family: 'gpt-4.1', retailPrice: '1.7' });
    const q = { ...query, kind: 'ftHosting', family: 'gpt-4.1' } as const;
    expect(capacityPriceAt([hosting], q, at)).toMatchObject({ ok: true });
    expect(capacityPriceAt([hosting], { ...q, family: 'gpt-4.1-mini' }, at)).toEqual({
      ok: false,
      reason: 'no hourly price for gpt-4.1-mini-ft hosting global in eastus',
    });
  });
});
