import type { DeploymentType } from '../events/types.js';

/** Every token kind a meter can price; the text kinds keep their old names (`input`, `cachedInput`, `output`). */
export const TOKEN_KINDS = [
  'input',
  'cachedInput',
  'output',
  'audioInput',
  'cachedAudioInput',
  'audioOutput',
  'imageInput',
  'cachedImageInput',
  'imageOutput',
] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

/** One row of the Retail Prices API, the fields we rely on (see reference/api-shapes/retail_*). */
export interface RetailPriceItem {
  readonly currencyCode?: string;
  readonly retailPrice: number;
  readonly unitPrice?: number;
  readonly armRegionName: string;
  readonly location?: string;
  readonly effectiveStartDate: string;
  readonly effectiveEndDate?: string;
  readonly meterId: string;
  readonly meterName: string;
  readonly productId?: string;
  readonly skuId?: string;
  readonly productName: string;
  readonly skuName?: string;
  readonly armSkuName?: string;
  readonly serviceName?: string;
  readonly unitOfMeasure: string;
  readonly type?: string;
  readonly isPrimaryMeterRegion?: boolean;
}

/** A per-token meter we can price standard requests with. */
export interface TokenMeter {
  /** Normalized model family, lower-case, hyphen-separated: `gpt-4o-mini`, `gpt-35-turbo`, `o3-mini`, `text-embedding-3-large`. */
  readonly family: string;
  /** Four-digit MMDD version, or null for a versionless meter (`GPT 5 Mini Inpt Glbl 1M`). */
  readonly version: string | null;
  readonly kind: TokenKind;
  readonly deploymentType: DeploymentType;
  /** Tokens per unit of `retailPrice`: 1000 or 1000000. */
  readonly unitSize: 1000 | 1000000;
}

export type MeterClassification =
  { readonly priced: true; readonly meter: TokenMeter } | { readonly priced: false; readonly reason: string };
