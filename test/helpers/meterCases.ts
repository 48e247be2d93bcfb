import type { MeterFields } from '../../shared/pricing/meterName.js';
import type { MeterClassification, TokenMeter } from '../../shared/pricing/types.js';

/** What a meter's classification is expected to be: its token meter, or why it is not priced. */
export type Expectation = TokenMeter | { readonly notPriced: string };

export function observed(result: MeterClassification): Expectation {
  return result.priced ? result.meter : { notPriced: result.reason };
}

/** A catalog-shaped meter for names taken from the other reference files or made up for edge cases. */
export function meter(meterName: string, unitOfMeasure: string, productName = 'Azure OpenAI'): MeterFields {
  return { meterName, unitOfMeasure, productName, type: 'Consumption' };
}

export function tokenMeter(
  family: string,
  version: string | null,
  kind: TokenMeter['kind'],
  deploymentType: TokenMeter['deploymentType'],
  unitSize: TokenMeter['unitSize'] = 1000,
): Expectation {
  return { family, version, kind, deploymentType, unitSize };
}
