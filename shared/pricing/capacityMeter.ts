// Capacity meters price a deployment's hours, not its tokens: provisioned throughput
// (`Provisioned Managed Global Unit`, per PTU and hour) and a fine-tuned deployment's hosting
// (`gpt-4.1-ft hosting global Unit`, per deployment and hour). The token classifier refuses them for
// requests (meterVocabulary.ts); this reads them for the capacity estimate, and nothing else.

import type { DeploymentType } from '../events/types.js';
import { normalizeFamily } from './modelFamily.js';

/** The bill's names for the same two kinds (shared/invoice/meterKind.ts). */
export type CapacityKind = 'provisioned' | 'ftHosting';

export interface CapacityMeter {
  readonly kind: CapacityKind;
  readonly deploymentType: DeploymentType;
  /** The base model family a hosting meter is for (`gpt-4.1-mini`); null for PTU, which is model-independent. */
  readonly family: string | null;
}

export type CapacityClassification =
  | { readonly kind: 'capacity'; readonly meter: CapacityMeter }
  /** A capacity meter the estimate cannot use as it is: left out, and the refresh says why. */
  | { readonly kind: 'refused'; readonly reason: string }
  /** Not a capacity meter: the token classifier's business. */
  | { readonly kind: 'none' };

export interface CapacityMeterFields {
  readonly meterName: string;
  readonly unitOfMeasure: string;
  /** The item's `type`; only `Consumption` is an hourly list price (a reservation's is a term total). */
  readonly type?: string | undefined;
}

const DEPLOYMENT_TYPES: Readonly<Record<string, DeploymentType>> = {
  glbl: 'global',
  regnl: 'regional',
  dzone: 'datazone',
  dz: 'datazone',
  global: 'global',
  'data zone': 'datazone',
  datazone: 'datazone',
  regional: 'regional',
};

// Only the current offer: `Provisioned Managed …`. The older `Provisioned Throughput - Available Unit`
// priced the commitment model Microsoft no longer sells; no deployment SKU of the table maps to it.
const PTU = /^provisioned managed (global|data ?zone|regional) unit$/;
const HOSTING = /^(.+?)-ft hosting (global|data ?zone|regional)(?: unit)?$/;
/** The `-FT-` spelling of other regions and months: `gpt-4o-mini-0718-FT-Hstng-glbl Unit`. */
const HOSTING_FT = /^(.+?)-ft-hstng-(glbl|regnl|dzone|dz)(?: unit)?$/;
/** The catalog writes `1 Hour` (hosting) and `1/Hour` (PTU) for the same thing. */
const HOURLY = /^1\s*\/?\s*hours?$/i;

/** Pure: which capacity meter, if any, a Retail Prices item (or a stored price) is. */
export function classifyCapacityMeter(item: CapacityMeterFields): CapacityClassification {
  const name = item.meterName.trim().toLowerCase().replace(/\s+/g, ' ');
  const ptu = PTU.exec(name);
  const hosting = ptu === null ? (HOSTING.exec(name) ?? HOSTING_FT.exec(name)) : null;
  const typeWord = ptu?.[1] ?? hosting?.[2];
  if (typeWord === undefined) return { kind: 'none' };
  const deploymentType = DEPLOYMENT_TYPES[typeWord];
  if (deploymentType === undefined) return { kind: 'none' };
  if (item.type !== undefined && item.type !== 'Consumption')
    return { kind: 'refused', reason: `capacity meter of type ${item.type}, not an hourly list price` };
  if (!HOURLY.test(item.unitOfMeasure.trim()))
    return { kind: 'refused', reason: `capacity meter per "${item.unitOfMeasure}", not per hour` };
  const base = hosting?.[1];
  return {
    kind: 'capacity',
    meter: {
      kind: ptu === null ? 'ftHosting' : 'provisioned',
      deploymentType,
      family: base === undefined ? null : normalizeFamily(base),
    },
  };
}
