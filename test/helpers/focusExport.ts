import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { gzipSync } from 'node:zlib';

import { stringify } from 'csv-stringify/sync';
import { parquetWriteBuffer } from 'hyparquet-writer';

import { attoToDecimal, toAtto } from '../../shared/cost/money.js';

/**
 * FOCUS export rows as Cost Management writes them, built from real Retail meters. Columns are
 * a subset of Microsoft's FOCUS cost export (cost-usage-details-focus.md, versions 1.0r2 and
 * 1.2-preview); units follow the FinOps toolkit's PricingUnits.csv (UnitOfMeasure `1K` → block
 * 1000, distinct unit `Units`; `1/Hour` → `Units/Hour`; `1 Hour` → `Hours`; `100` → block 100).
 * See test/fixtures/focus/README.md.
 */
export interface CatalogMeter {
  readonly meterId: string;
  readonly meterName: string;
  readonly unitOfMeasure: string;
  readonly retailPrice: string;
}

// From test/fixtures/api-shapes/retail_aoai_meter_catalog_eastus_2025-08_derived.json.
export const METERS = {
  gpt4oInput: {
    meterId: 'babc1534-2115-5f32-98cb-29d58a11eb80',
    meterName: 'gpt-4o-0806-Inp-glbl Tokens',
    unitOfMeasure: '1K',
    retailPrice: '0.0025',
  },
  gpt4oOutput: {
    meterId: 'cd976e6c-41ab-5881-a90f-eff2e0c1d9b0',
    meterName: 'gpt-4o-0806-Outp-glbl Tokens',
    unitOfMeasure: '1K',
    retailPrice: '0.01',
  },
  ptuGlobal: {
    meterId: '433e638d-598a-5b5f-acbc-27dbbda88216',
    meterName: 'Provisioned Managed Global Unit',
    unitOfMeasure: '1/Hour',
    retailPrice: '1',
  },
  ftHosting: {
    meterId: '59f32370-857e-5bec-ab64-6192cc28c77e',
    meterName: 'gpt-4.1-ft hosting global Unit',
    unitOfMeasure: '1 Hour',
    retailPrice: '1.7',
  },
  dalle3: {
    meterId: '21648486-08c3-518c-9d8a-19b6c149dab4',
    meterName: 'Image-Dall-E-3 Std LowRes-regnl EP Images',
    unitOfMeasure: '100',
    retailPrice: '4',
  },
} as const satisfies Record<string, CatalogMeter>;

const UNITS: Record<string, { block: string; unit: string }> = {
  '1K': { block: '1000', unit: 'Units' },
  '1M': { block: '1000000', unit: 'Units' },
  '1/Hour': { block: '1', unit: 'Units/Hour' },
  '1 Hour': { block: '1', unit: 'Hours' },
  '100': { block: '100', unit: 'Units' },
};

export const SUBSCRIPTION = '00000000-0000-0000-0000-0000000000a1';
export const resourceId = (name: string): string =>
  `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-ai/providers/Microsoft.CognitiveServices/accounts/${name}`;

export interface RowSpec {
  readonly meter: CatalogMeter;
  readonly resource: string;
  readonly day: string;
  /** Consumed units: tokens, images, or unit-hours. */
  readonly quantity: string;
  /** Negotiated discount on the list price, percent. */
  readonly discountPercent?: number;
  readonly correction?: boolean;
  /** Invoice month when it differs from the day's month (corrections billed later). */
  readonly billingMonth?: string;
  /** Overrides PricingQuantity (to make the two quantity figures disagree). */
  readonly pricingQuantity?: string;
  readonly resourceType?: string;
  readonly reservationId?: string;
}

const ATTO = 10n ** 18n;
const mul = (a: string, b: string): string => attoToDecimal((toAtto(a) * toAtto(b)) / ATTO);
const div = (a: string, b: string): string => attoToDecimal((toAtto(a) * ATTO) / toAtto(b));

export type FocusVersion = '1.0r2' | '1.2-preview';

/** One FOCUS row; 1.0r2 names the meter `x_SkuMeterName`, 1.2 adds `SkuMeter` beside it. */
export function focusRow(spec: RowSpec, version: FocusVersion = '1.2-preview'): Record<string, string> {
  const units = UNITS[spec.meter.unitOfMeasure];
  if (units === undefined) throw new Error(`no unit mapping for ${spec.meter.unitOfMeasure}`);
  const month = spec.billingMonth ?? spec.day.slice(0, 7);
  const pricingQuantity = spec.pricingQuantity ?? div(spec.quantity, units.block);
  const list = spec.meter.retailPrice;
  const effectiveUnit = mul(list, attoToDecimal(ATTO - toAtto(spec.discountPercent ?? 0) / 100n));
  const listCost = mul(pricingQuantity, list);
  const effectiveCost = mul(pricingQuantity, effectiveUnit);
  const name = spec.resource.split('/').pop() ?? spec.resource;
  const [y, m] = month.split('-').map(Number) as [number, number];
  const end = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
  const next = new Date(Date.parse(`${spec.day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const row: Record<string, string> = {
    BilledCost: spec.reservationId ? '0' : effectiveCost,
    BillingAccountId: '/providers/Microsoft.Billing/billingAccounts/1234567',
    BillingCurrency: 'USD',
    BillingPeriodEnd: `${end}T00:00:00Z`,
    BillingPeriodStart: `${month}-01T00:00:00Z`,
    ChargeCategory: 'Usage',
    ChargeClass: spec.correction ? 'Correction' : '',
    ChargeDescription: spec.meter.meterName,
    ChargeFrequency: 'Usage-Based',
    ChargePeriodEnd: `${next}T00:00:00Z`,
    ChargePeriodStart: `${spec.day}T00:00:00Z`,
    CommitmentDiscountId: spec.reservationId ?? '',
    ConsumedQuantity: spec.quantity,
    ConsumedUnit: units.unit,
    EffectiveCost: effectiveCost,
    ListCost: listCost,
    ListUnitPrice: list,
    PricingCategory: spec.reservationId ? 'Committed' : 'Standard',
    PricingQuantity: pricingQuantity,
    PricingUnit: units.unit,
    ProviderName: 'Microsoft',
    RegionId: 'eastus',
    ResourceId: spec.resource,
    ResourceName: name,
    ResourceType: 'Azure OpenAI',
    ServiceName: 'Azure OpenAI',
    SubAccountId: `/subscriptions/${SUBSCRIPTION}`,
    x_EffectiveUnitPrice: effectiveUnit,
    x_PricingBlockSize: units.block,
    x_PricingUnitDescription: spec.meter.unitOfMeasure,
    x_ResourceType: spec.resourceType ?? 'microsoft.cognitiveservices/accounts',
    x_SkuMeterId: spec.meter.meterId,
    x_SkuMeterName: spec.meter.meterName,
  };
  return version === '1.2-preview' ? { ...row, SkuMeter: spec.meter.meterName } : row;
}

export function focusCsv(rows: readonly Record<string, string>[]): string {
  const first = rows[0];
  if (first === undefined) throw new Error('no rows');
  return stringify([...rows], { header: true, columns: Object.keys(first) });
}

/** Parquet as Cost Management writes it: money and quantities as DOUBLE, dates as timestamps. */
export function focusParquet(rows: readonly Record<string, string>[]): ArrayBuffer {
  const first = rows[0];
  if (first === undefined) throw new Error('no rows');
  const numeric = new Set([
    'BilledCost',
    'ConsumedQuantity',
    'EffectiveCost',
    'ListCost',
    'ListUnitPrice',
    'PricingQuantity',
    'x_EffectiveUnitPrice',
    'x_PricingBlockSize',
  ]);
  return parquetWriteBuffer({
    columnData: Object.keys(first).map((name) =>
      numeric.has(name)
        ? { name, data: rows.map((r) => Number(r[name])), type: 'DOUBLE' as const }
        : /Period(Start|End)$/.test(name)
          ? { name, data: rows.map((r) => new Date(r[name] ?? '')), type: 'TIMESTAMP' as const }
          : {
              name,
              data: rows.map((r) => (r[name] === '' ? null : (r[name] ?? null))),
              type: 'STRING' as const,
            },
    ),
    rowGroupSize: 2,
  });
}

export function writeExportFile(path: string, rows: readonly Record<string, string>[]): void {
  mkdirSync(dirname(path), { recursive: true });
  if (path.endsWith('.parquet')) writeFileSync(path, new Uint8Array(focusParquet(rows)));
  else if (path.endsWith('.gz')) writeFileSync(path, gzipSync(focusCsv(rows)));
  else writeFileSync(path, focusCsv(rows));
}

/** A manifest in the shape of Microsoft's documented example (tutorial-export-acm-data.md). */
export function manifest(options: {
  runId: string;
  submittedTime: string;
  startDate: string;
  endDate: string;
  blobNames: readonly string[];
}): string {
  return JSON.stringify(
    {
      manifestVersion: '2024-04-01',
      byteCount: 0,
      blobCount: options.blobNames.length,
      dataRowCount: 0,
      exportConfig: {
        exportName: 'aoai-focus',
        resourceId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.CostManagement/exports/aoai-focus`,
        dataVersion: '1.2-preview',
        apiVersion: '2023-07-01-preview',
        type: 'FocusCost',
        timeFrame: 'MonthToDate',
        granularity: 'Daily',
      },
      deliveryConfig: {
        partitionData: true,
        dataOverwriteBehavior: 'OverwritePreviousReport',
        fileFormat: 'Csv',
        compressionMode: 'None',
        rootFolderPath: 'exports',
      },
      runInfo: {
        executionType: 'Scheduled',
        submittedTime: options.submittedTime,
        runId: options.runId,
        startDate: `${options.startDate}T00:00:00`,
        endDate: `${options.endDate}T00:00:00Z`,
      },
      blobs: options.blobNames.map((blobName) => ({ blobName, byteCount: 0, dataRowCount: 0 })),
    },
    null,
    2,
  );
}
