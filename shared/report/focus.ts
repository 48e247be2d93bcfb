import { stringify } from 'csv-stringify/sync';

import { nanosToDecimal } from '../cost/money.js';
import { NO_BUSINESS_UNIT } from './buildReport.js';
import type { UsageSlice } from './types.js';

/**
 * FOCUS 1.x columns that apply to metered AOAI tokens, in spec order, then our `x_` extensions
 * (FOCUS reserves the `x_` prefix for provider-specific columns). docs/focus.md has the mapping.
 */
export const FOCUS_COLUMNS = [
  'BilledCost',
  'BillingCurrency',
  'BillingPeriodEnd',
  'BillingPeriodStart',
  'ChargeCategory',
  'ChargeClass',
  'ChargeDescription',
  'ChargeFrequency',
  'ChargePeriodEnd',
  'ChargePeriodStart',
  'ConsumedQuantity',
  'ConsumedUnit',
  'ContractedCost',
  'EffectiveCost',
  'InvoiceIssuerName',
  'ListCost',
  'PricingCategory',
  'PricingQuantity',
  'PricingUnit',
  'ProviderName',
  'PublisherName',
  'RegionId',
  'ServiceCategory',
  'ServiceName',
  'SkuId',
  'SkuPriceId',
  'Tags',
  'x_Requests',
  'x_UnpricedRequests',
  'x_PromptTokens',
  'x_CachedTokens',
  'x_CompletionTokens',
  'x_ReasoningTokens',
] as const;

export type FocusColumn = (typeof FOCUS_COLUMNS)[number];
export type FocusRow = Record<FocusColumn, string>;

/** A rollup slice: it carries the meters that priced it and its region (null when mixed). */
export type FocusSlice = UsageSlice;

export interface FocusOptions {
  readonly currency: string;
  /** Finance's business-unit overrides (appId → unit): the same mapping the reports use. */
  readonly units?: ReadonlyMap<string, string | null>;
  /**
   * Costs are retail prices unless PRICE_OVERRIDES applied negotiated rates; then the list price is
   * not known from rollups and ListCost stays empty rather than repeating the discounted amount.
   */
  readonly listCostKnown: boolean;
}

/** Nano-units → a plain decimal with at most 9 decimals and no trailing zeros (`1.5`, `0`). */
export function plainDecimal(nanos: bigint): string {
  return nanosToDecimal(nanos).replace(/\.?0+$/, '');
}

function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

function monthBounds(day: string): { start: string; end: string } {
  const date = new Date(`${day.slice(0, 7)}-01T00:00:00Z`);
  const start = date.toISOString().slice(0, 10);
  date.setUTCMonth(date.getUTCMonth() + 1);
  return { start, end: date.toISOString().slice(0, 10) };
}

const iso = (day: string) => `${day}T00:00:00Z`;

function description(s: FocusSlice, appName: string): string {
  const unpriced = s.unpricedRequests > 0 ? `; ${s.unpricedRequests} unpriced, not in the cost` : '';
  return (
    `Azure OpenAI ${s.model} (${s.deploymentType}) for ${appName}: ${s.requests} requests, ` +
    `${s.promptTokens} input tokens (${s.cachedTokens} cached), ${s.completionTokens} output tokens${unpriced}`
  );
}

/** Pure: one FOCUS row per rollup slice (day × app × model × deployment type), sorted stably. */
export function focusRows(slices: readonly FocusSlice[], options: FocusOptions): FocusRow[] {
  const sorted = [...slices].sort(
    (a, b) =>
      a.day.localeCompare(b.day) ||
      a.appId.localeCompare(b.appId) ||
      a.model.localeCompare(b.model) ||
      a.deploymentType.localeCompare(b.deploymentType),
  );
  return sorted.map((s) => {
    const cost = plainDecimal(s.costNanos);
    const unit = options.units?.has(s.appId) === true ? (options.units.get(s.appId) ?? null) : s.businessUnit;
    const month = monthBounds(s.day);
    const meters = [...new Set(s.meterIds ?? [])].sort().join(' ');
    const tags = {
      appId: s.appId,
      appName: s.appDisplayName,
      businessUnit: unit ?? NO_BUSINESS_UNIT,
      model: s.model,
      deploymentType: s.deploymentType,
    };
    return {
      BilledCost: cost,
      BillingCurrency: options.currency,
      BillingPeriodEnd: iso(month.end),
      BillingPeriodStart: iso(month.start),
      ChargeCategory: 'Usage',
      ChargeClass: '',
      ChargeDescription: description(s, s.appDisplayName ?? s.appId),
      ChargeFrequency: 'Usage-Based',
      ChargePeriodEnd: iso(nextDay(s.day)),
      ChargePeriodStart: iso(s.day),
      ConsumedQuantity: String(s.totalTokens),
      ConsumedUnit: 'Tokens',
      ContractedCost: cost,
      EffectiveCost: cost,
      InvoiceIssuerName: 'Microsoft',
      ListCost: options.listCostKnown ? cost : '',
      PricingCategory: 'Standard',
      PricingQuantity: String(s.totalTokens),
      PricingUnit: 'Tokens',
      ProviderName: 'Microsoft',
      PublisherName: 'Microsoft',
      RegionId: s.region ?? '',
      ServiceCategory: 'AI and Machine Learning',
      ServiceName: 'Azure OpenAI',
      SkuId: meters,
      SkuPriceId: meters,
      Tags: JSON.stringify(tags),
      x_Requests: String(s.requests),
      x_UnpricedRequests: String(s.unpricedRequests),
      x_PromptTokens: String(s.promptTokens),
      x_CachedTokens: String(s.cachedTokens),
      x_CompletionTokens: String(s.completionTokens),
      x_ReasoningTokens: String(s.reasoningTokens),
    };
  });
}

export function focusCsv(slices: readonly FocusSlice[], options: FocusOptions): string {
  const rows = focusRows(slices, options);
  return stringify([[...FOCUS_COLUMNS], ...rows.map((row) => FOCUS_COLUMNS.map((c) => row[c]))]);
}
