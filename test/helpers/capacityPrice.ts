import type { CapacityPrice } from '../../shared/pricing/capacityPrices.js';

/**
 * An hourly capacity price, the eastus catalog's PTU global meter (`Provisioned Managed Global Unit`,
 * 1.0 per PTU-hour, retail_aoai_meter_catalog_eastus_2025-08_derived.json) unless given.
 */
export const testCapacityPrice = (over: Partial<CapacityPrice> = {}): CapacityPrice => ({
  kind: 'provisioned',
  deploymentType: 'global',
  family: null,
  region: 'eastus',
  meterId: '433e638d-598a-5b5f-acbc-27dbbda88216',
  meterName: 'Provisioned Managed Global Unit',
  currency: 'USD',
  retailPrice: '1',
  effectiveStartDate: '2024-11-01T00:00:00.000Z',
  effectiveEndDate: null,
  ...over,
});
