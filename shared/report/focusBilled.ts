import type { KeyAllocation } from '../invoice/billedShares.js';
import { NO_BUSINESS_UNIT } from './buildReport.js';
import { iso, monthBounds, nextDay, plainDecimal, type FocusOptions, type FocusRow } from './focus.js';
import type { UsageSlice } from './types.js';

/** The account name: the last segment of its ARM id. */
export const armResourceName = (resourceId: string): string => resourceId.split('/').pop() ?? resourceId;

/**
 * Pure: the billed basis's FOCUS rows, one per allocation share (billed key × app, or the
 * unallocated / idle row), carrying the bill's own BilledCost and EffectiveCost shares, its meter
 * and its resource, so they join back to Microsoft's export on ResourceId + x_SkuMeterId + day.
 */
export function allocationRows(
  keys: readonly KeyAllocation[],
  slices: readonly UsageSlice[],
  options: FocusOptions,
): FocusRow[] {
  const names = new Map(slices.map((s) => [s.appId, s]));
  const sorted = [...keys].sort(
    (a, b) =>
      a.day.localeCompare(b.day) ||
      a.resourceId.localeCompare(b.resourceId) ||
      a.meterId.localeCompare(b.meterId),
  );
  return sorted.flatMap((key) =>
    [...key.shares]
      .sort((a, b) => a.label.localeCompare(b.label))
      .map((share) => {
        const app = share.appId === null ? undefined : names.get(share.appId);
        const unit =
          share.appId === null
            ? share.label
            : options.units?.has(share.appId) === true
              ? (options.units.get(share.appId) ?? null)
              : (app?.businessUnit ?? null);
        const month = monthBounds(key.day);
        const effective = plainDecimal(share.effectiveNanos);
        const tags = {
          appId: share.appId,
          appName: share.appId === null ? share.label : (app?.appDisplayName ?? null),
          businessUnit: unit ?? NO_BUSINESS_UNIT,
          meterKind: key.meterKind,
        };
        return {
          BilledCost: plainDecimal(share.billedNanos),
          BillingCurrency: key.currency || options.currency,
          BillingPeriodEnd: iso(month.end),
          BillingPeriodStart: iso(month.start),
          ChargeCategory: 'Usage',
          ChargeClass: '',
          ChargeDescription: `${key.meterName} on ${armResourceName(key.resourceId)}, allocated to ${share.label}`,
          ChargeFrequency: 'Usage-Based',
          ChargePeriodEnd: iso(nextDay(key.day)),
          ChargePeriodStart: iso(key.day),
          ConsumedQuantity: '',
          ConsumedUnit: '',
          ContractedCost: effective,
          EffectiveCost: effective,
          InvoiceIssuerName: 'Microsoft',
          ListCost: '',
          PricingCategory: 'Standard',
          PricingQuantity: '',
          PricingUnit: '',
          ProviderName: 'Microsoft',
          PublisherName: 'Microsoft',
          RegionId: '',
          ResourceId: key.resourceId,
          ResourceName: key.resourceName || armResourceName(key.resourceId),
          ServiceCategory: 'AI and Machine Learning',
          ServiceName: 'Azure OpenAI',
          SkuId: key.meterId,
          SkuPriceId: key.meterId,
          Tags: JSON.stringify(tags),
          x_Requests: '',
          x_UnpricedRequests: '',
          x_Pricing: 'priced',
          x_UnpricedReason: '',
          x_PromptTokens: '',
          x_CachedTokens: '',
          x_CompletionTokens: '',
          x_ReasoningTokens: '',
          x_SkuMeterId: key.meterId,
          x_CostBasis: 'billed',
        };
      }),
  );
}
