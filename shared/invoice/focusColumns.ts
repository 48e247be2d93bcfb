/**
 * The FOCUS columns the import reads, as Microsoft's Cost Management FOCUS export names them
 * (cost-usage-details-focus.md: version 1.0/1.0r2 and 1.2-preview). 1.2 renamed `x_SkuMeterName`
 * to `SkuMeter` and `x_InvoiceId` to `InvoiceId`; both spellings are read.
 */
export const FOCUS = {
  billedCost: 'BilledCost',
  effectiveCost: 'EffectiveCost',
  listCost: 'ListCost',
  billingCurrency: 'BillingCurrency',
  billingPeriodStart: 'BillingPeriodStart',
  chargeCategory: 'ChargeCategory',
  chargeClass: 'ChargeClass',
  chargePeriodStart: 'ChargePeriodStart',
  consumedQuantity: 'ConsumedQuantity',
  consumedUnit: 'ConsumedUnit',
  pricingQuantity: 'PricingQuantity',
  pricingUnit: 'PricingUnit',
  pricingBlockSize: 'x_PricingBlockSize',
  listUnitPrice: 'ListUnitPrice',
  effectiveUnitPrice: 'x_EffectiveUnitPrice',
  commitmentDiscountId: 'CommitmentDiscountId',
  resourceId: 'ResourceId',
  resourceName: 'ResourceName',
  armResourceType: 'x_ResourceType',
  skuMeterId: 'x_SkuMeterId',
  skuMeter: 'SkuMeter',
  skuMeterName10: 'x_SkuMeterName',
} as const;

/** Columns without which no row can be reconciled; a file missing one is rejected whole. */
export const REQUIRED_COLUMNS: readonly string[] = [
  FOCUS.effectiveCost,
  FOCUS.billedCost,
  FOCUS.billingCurrency,
  FOCUS.billingPeriodStart,
  FOCUS.chargeCategory,
  FOCUS.chargePeriodStart,
  FOCUS.consumedQuantity,
  FOCUS.consumedUnit,
  FOCUS.pricingQuantity,
  FOCUS.pricingBlockSize,
  FOCUS.resourceId,
  FOCUS.armResourceType,
  FOCUS.skuMeterId,
];

/** The ARM resource type of Azure OpenAI and Foundry accounts. */
export const AOAI_RESOURCE_TYPE = 'microsoft.cognitiveservices/accounts';

/** A row as the readers hand it over: every value as text (numbers in their shortest decimal form), or null. */
export type FocusRecord = Readonly<Record<string, string | null>>;
