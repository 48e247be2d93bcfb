import { attoToDecimal, toAtto } from '../cost/money.js';
import { AOAI_RESOURCE_TYPE, FOCUS, type FocusRecord } from './focusColumns.js';
import { meterKind, type MeterKind } from './meterKind.js';

const ATTO = 10n ** 18n;

/** One kept FOCUS row, exact: amounts and quantities in atto-units (1e-18). */
export interface BilledRow {
  /** `YYYY-MM` of `BillingPeriodStart`: the invoice month the row belongs to. */
  readonly billingPeriod: string;
  /** Lower-cased ARM id of the account. */
  readonly resourceId: string;
  readonly resourceName: string;
  readonly meterId: string;
  readonly meterName: string;
  readonly meterKind: MeterKind;
  /** UTC day of `ChargePeriodStart`; for a correction, the day it corrects. */
  readonly day: string;
  readonly correction: boolean;
  readonly currency: string;
  /** Consumed units: tokens, images, or unit-hours for capacity meters. */
  readonly quantityAtto: bigint;
  readonly effectiveAtto: bigint;
  readonly billedAtto: bigint;
  readonly listAtto: bigint | null;
  /** Set when a reservation (commitment discount) covered the row: its EffectiveCost is amortized. */
  readonly commitmentDiscountId: string | null;
}

export type RowOutcome =
  | { readonly kind: 'kept'; readonly row: BilledRow }
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'rejected'; readonly reason: string };

const text = (record: FocusRecord, column: string): string | null => {
  const value = record[column];
  return value === undefined || value === null || value.trim() === '' ? null : value.trim();
};

/** Block size of a unit such as `1K`, `1M`, `100`, `1000 Tokens`; plain units (`Units`, `Tokens`) are 1. */
export function unitBlock(unit: string): bigint {
  const match = /^(\d+)\s*([KMB])?\b/i.exec(unit.trim());
  if (!match) return 1n;
  const scale = { K: 1_000n, M: 1_000_000n, B: 1_000_000_000n }[(match[2] ?? '').toUpperCase()] ?? 1n;
  return BigInt(match[1] ?? '1') * scale;
}

function utcDay(value: string): string | null {
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString().slice(0, 10);
}

function decimal(record: FocusRecord, column: string): bigint | null {
  const value = text(record, column);
  if (value === null) return null;
  return toAtto(value);
}

/**
 * Keeps Azure OpenAI usage rows on token, image and capacity meters. Consumed units are derived
 * twice, from `ConsumedQuantity` × the block in `ConsumedUnit` and from `PricingQuantity` ×
 * `x_PricingBlockSize`; when they differ by half a unit or more the row is rejected with both
 * figures, never guessed at.
 */
export function parseFocusRow(record: FocusRecord): RowOutcome {
  const type = text(record, FOCUS.armResourceType)?.toLowerCase();
  if (type !== AOAI_RESOURCE_TYPE) return { kind: 'skipped', reason: 'not an Azure OpenAI account' };
  const category = text(record, FOCUS.chargeCategory);
  if (category !== 'Usage') return { kind: 'skipped', reason: `ChargeCategory ${category ?? '(empty)'}` };
  const meterName = text(record, FOCUS.skuMeter) ?? text(record, FOCUS.skuMeterName10) ?? '';
  const kind = meterKind(meterName);
  if (kind === undefined) return { kind: 'skipped', reason: 'not a token, image or capacity meter' };
  try {
    return parseKept(record, meterName, kind);
  } catch (error) {
    return { kind: 'rejected', reason: (error as Error).message };
  }
}

function required(record: FocusRecord, column: string): string {
  const value = text(record, column);
  if (value === null) throw new Error(`${column} is empty`);
  return value;
}

function parseKept(record: FocusRecord, meterName: string, kind: MeterKind): RowOutcome {
  const resourceId = required(record, FOCUS.resourceId).toLowerCase();
  const meterId = required(record, FOCUS.skuMeterId).toLowerCase();
  const day = utcDay(required(record, FOCUS.chargePeriodStart));
  if (day === null) throw new Error(`${FOCUS.chargePeriodStart} is not a date`);
  const period = utcDay(required(record, FOCUS.billingPeriodStart));
  if (period === null) throw new Error(`${FOCUS.billingPeriodStart} is not a date`);
  const correction = text(record, FOCUS.chargeClass) === 'Correction';
  const consumed = decimal(record, FOCUS.consumedQuantity);
  const pricing = decimal(record, FOCUS.pricingQuantity);
  const blockText = text(record, FOCUS.pricingBlockSize);
  const consumedUnit = text(record, FOCUS.consumedUnit);
  let quantityAtto: bigint;
  if (consumed !== null && consumedUnit !== null) {
    quantityAtto = consumed * unitBlock(consumedUnit);
    if (pricing !== null && blockText !== null) {
      const fromPricing = (pricing * toAtto(blockText)) / ATTO;
      const gap = quantityAtto > fromPricing ? quantityAtto - fromPricing : fromPricing - quantityAtto;
      if (gap * 2n >= ATTO) {
        return {
          kind: 'rejected',
          reason:
            `quantities disagree: ConsumedQuantity ${attoToDecimal(consumed)} ${consumedUnit} = ` +
            `${attoToDecimal(quantityAtto)} units, PricingQuantity ${attoToDecimal(pricing)} × ` +
            `x_PricingBlockSize ${blockText} = ${attoToDecimal(fromPricing)} units`,
        };
      }
    }
  } else if (correction && pricing !== null && blockText !== null) {
    // FOCUS lets ConsumedQuantity be null on corrections; PricingQuantity is then the only figure.
    quantityAtto = (pricing * toAtto(blockText)) / ATTO;
  } else if (correction) {
    quantityAtto = 0n;
  } else {
    throw new Error(`${FOCUS.consumedQuantity} or ${FOCUS.consumedUnit} is empty on a usage row`);
  }
  return {
    kind: 'kept',
    row: {
      billingPeriod: period.slice(0, 7),
      resourceId,
      resourceName: text(record, FOCUS.resourceName) ?? resourceId.split('/').pop() ?? resourceId,
      meterId,
      meterName,
      meterKind: kind,
      day,
      correction,
      currency: required(record, FOCUS.billingCurrency),
      quantityAtto,
      effectiveAtto: toAtto(required(record, FOCUS.effectiveCost)),
      billedAtto: toAtto(required(record, FOCUS.billedCost)),
      listAtto: decimal(record, FOCUS.listCost),
      commitmentDiscountId: text(record, FOCUS.commitmentDiscountId),
    },
  };
}
