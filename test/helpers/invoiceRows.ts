import type { InvoiceLine } from '../../shared/invoice/invoiceLine.js';
import type { UsageRow } from '../../shared/invoice/usagePort.js';

/** Bill lines and usage rows for the allocation tests: one resource, one day, two apps. */
// Real Retail meters (test/fixtures/api-shapes/retail_aoai_meter_catalog_eastus_2025-08_derived.json).
export const INPUT = {
  meterId: 'babc1534-2115-5f32-98cb-29d58a11eb80',
  meterName: 'gpt-4o-0806-Inp-glbl Tokens',
};
export const PTU = {
  meterId: '433e638d-598a-5b5f-acbc-27dbbda88216',
  meterName: 'Provisioned Managed Global Unit',
};
export const RES =
  '/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/ai/providers/microsoft.cognitiveservices/accounts/aoai-east';
export const APP_A = '11111111-1111-4111-8111-111111111111';
export const APP_B = '22222222-2222-4222-8222-222222222222';
export const DAY = '2025-08-14';

export const line = (over: Partial<InvoiceLine>): InvoiceLine => ({
  billingPeriod: '2025-08',
  resourceId: RES,
  resourceName: 'aoai-east',
  ...INPUT,
  meterKind: 'tokens',
  day: DAY,
  currency: 'USD',
  quantity: '1000000',
  effectiveCostNanos: 2_250_000_000n,
  billedCostNanos: 2_250_000_000n,
  listCostNanos: 2_500_000_000n,
  correctionRows: 0,
  rows: 1,
  reservation: false,
  ...over,
});

export const use = (over: Partial<UsageRow>): UsageRow => ({
  resourceId: RES,
  day: DAY,
  appId: APP_A,
  basis: 'meter',
  meterId: INPUT.meterId,
  modelFamily: 'gpt-4o',
  tokenKind: 'input',
  units: 500_000n,
  estimateNanos: 1_250_000_000n,
  ...over,
});
