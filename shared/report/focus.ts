import { nanosToDecimal } from '../cost/money.js';
import { NO_BUSINESS_UNIT, pricingOf } from './buildReport.js';
import { csvDocument, csvNumber, type CsvCell } from './csv.js';
import type { StoredAllocations } from '../invoice/cosmosAllocations.js';
import { allocationRows, armResourceName } from './focusBilled.js';
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
  'ResourceId',
  'ResourceName',
  'ServiceCategory',
  'ServiceName',
  'SkuId',
  'SkuPriceId',
  'Tags',
  'x_Requests',
  'x_UnpricedRequests',
  'x_Pricing',
  'x_UnpricedReason',
  'x_PromptTokens',
  'x_CachedTokens',
  'x_CompletionTokens',
  'x_ReasoningTokens',
  // [billed basis, issue 16] Microsoft's own column for the meter, and which basis the row is on.
  'x_SkuMeterId',
  'x_CostBasis',
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
  /** The billed basis: days a bill covers are the allocations' rows; other slices stay estimates. */
  readonly allocations?: StoredAllocations;
}

/** Nano-units → a plain decimal with at most 9 decimals and no trailing zeros (`1.5`, `0`). */
export function plainDecimal(nanos: bigint): string {
  return nanosToDecimal(nanos).replace(/\.?0+$/, '');
}

export function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

export function monthBounds(day: string): { start: string; end: string } {
  const date = new Date(`${day.slice(0, 7)}-01T00:00:00Z`);
  const start = date.toISOString().slice(0, 10);
  date.setUTCMonth(date.getUTCMonth() + 1);
  return { start, end: date.toISOString().slice(0, 10) };
}

export const iso = (day: string) => `${day}T00:00:00Z`;

function description(s: FocusSlice, appName: string): string {
  const unpriced = s.unpricedRequests > 0 ? `; ${s.unpricedRequests} unpriced, not in the cost` : '';
  return (
    `Azure OpenAI ${s.model} (${s.deploymentType}) for ${appName}: ${s.requests} requests, ` +
    `${s.promptTokens} input tokens (${s.cachedTokens} cached), ${s.completionTokens} output tokens${unpriced}`
  );
}

/** Rollups written before they kept reasons only know that the requests are unpriced. */
export const UNKNOWN_REASON = 'no price for these requests yet; `chargeback backfill` prices them';

function unpricedReason(s: FocusSlice): string {
  return s.unpricedReasons !== undefined && s.unpricedReasons.length > 0
    ? s.unpricedReasons.join('; ')
    : UNKNOWN_REASON;
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
    const pricing = pricingOf(s);
    // Nothing priced: the cost is unknown, so the cost columns stay empty (never 0) and x_ says why.
    const cost = pricing === 'unpriced' ? '' : plainDecimal(s.costNanos);
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
      ResourceId: s.resourceId ?? '',
      ResourceName: s.resourceId ? armResourceName(s.resourceId) : '',
      ServiceCategory: 'AI and Machine Learning',
      ServiceName: 'Azure OpenAI',
      SkuId: meters,
      SkuPriceId: meters,
      Tags: JSON.stringify(tags),
      x_Requests: String(s.requests),
      x_UnpricedRequests: String(s.unpricedRequests),
      x_Pricing: pricing,
      x_UnpricedReason: pricing === 'priced' ? '' : unpricedReason(s),
      x_PromptTokens: String(s.promptTokens),
      x_CachedTokens: String(s.cachedTokens),
      x_CompletionTokens: String(s.completionTokens),
      x_ReasoningTokens: String(s.reasoningTokens),
      x_SkuMeterId: meters,
      x_CostBasis: 'estimate',
    };
  });
}

/** Columns we fill with numbers: written as numbers, every other column as (neutralised) text. */
const NUMERIC = new Set<FocusColumn>([
  'BilledCost',
  'ContractedCost',
  'EffectiveCost',
  'ListCost',
  'ConsumedQuantity',
  'PricingQuantity',
  'x_Requests',
  'x_UnpricedRequests',
  'x_PromptTokens',
  'x_CachedTokens',
  'x_CompletionTokens',
  'x_ReasoningTokens',
]);

const focusCell = (column: FocusColumn, value: string): CsvCell =>
  NUMERIC.has(column) && value !== '' ? csvNumber(value) : value;

export function focusCsv(slices: readonly FocusSlice[], options: FocusOptions): string {
  const billed = options.allocations;
  // On the billed basis the billed slices' money is in the allocation rows, once.
  const estimated = billed === undefined ? slices : slices.filter((s) => !('estimated' in s) || s.estimated);
  const rows = [
    ...focusRows(estimated, options),
    ...(billed === undefined ? [] : allocationRows(billed.keys, slices, options)),
  ];
  return csvDocument(
    FOCUS_COLUMNS,
    rows.map((row) => FOCUS_COLUMNS.map((c) => focusCell(c, row[c]))),
  );
}
