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

/**
 * Meters that price images, not tokens (DALL-E, unit `100` images): `perImage` for DALL-E 2, one per
 * quality and resolution for DALL-E 3 (LowRes is 1024×1024, HighRes the larger sizes).
 */
export const PER_IMAGE_KINDS = [
  'perImage',
  'perImageStandard',
  'perImageStandardHighRes',
  'perImageHd',
  'perImageHdHighRes',
] as const;
export type PerImageKind = (typeof PER_IMAGE_KINDS)[number];
/** What a meter prices: a kind of token, or an image. */
export type MeterKind = TokenKind | PerImageKind;
export const METER_KINDS = [...TOKEN_KINDS, ...PER_IMAGE_KINDS] as const;
/** Units per `retailPrice`: 1K or 1M tokens, or 100 images. */
export type UnitSize = 100 | 1000 | 1000000;

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
  readonly kind: MeterKind;
  readonly deploymentType: DeploymentType;
  /** Tokens per unit of `retailPrice` (1000 or 1000000), or images (100). */
  readonly unitSize: UnitSize;
  /**
   * Set for other publishers' meters (partnerPublishers.ts), absent for Azure OpenAI's: their price
   * lookup is stricter (one meter per kind whatever the price, no other date's meter; priceBook.ts).
   */
  readonly publisher?: string;
  /**
   * Another publisher's meter whose name gives no deployment type (`Phi-4-Input Tokens`): the book
   * files it under every type, so it prices a request only where no meter that names a type competes.
   */
  readonly anyDeployment?: true;
}

export type MeterClassification =
  { readonly priced: true; readonly meter: TokenMeter } | { readonly priced: false; readonly reason: string };
