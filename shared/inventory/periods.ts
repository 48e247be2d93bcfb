import type {
  DeploymentPeriod,
  DeploymentState,
  InventoryAccount,
  InventoryDeployment,
  ObservedAccount,
  ObservedDeployment,
} from './types.js';

const STATE_FIELDS = [
  'sku',
  'capacity',
  'modelFormat',
  'modelName',
  'modelVersion',
  'provisioningState',
] as const satisfies readonly (keyof DeploymentState)[];

function stateOf(observed: DeploymentState): DeploymentState {
  return {
    sku: observed.sku,
    capacity: observed.capacity,
    modelFormat: observed.modelFormat,
    modelName: observed.modelName,
    modelVersion: observed.modelVersion,
    provisioningState: observed.provisioningState,
  };
}

function sameState(a: DeploymentState, b: DeploymentState): boolean {
  return STATE_FIELDS.every((field) => a[field] === b[field]);
}

/**
 * Adds one refresh's observation to a deployment's history. A changed state takes effect from ARM's
 * `lastModifiedAt` when it is given, not after `seenAt` and after the start of the period it ends;
 * otherwise from `seenAt`, the first moment we know it held. The first state ever seen also covers the
 * time before it (its `from` is null), so a change ARM dates before our first refresh still counts.
 */
export function observeDeployment(
  previous: InventoryDeployment | undefined,
  observed: ObservedDeployment,
  seenAt: string,
): InventoryDeployment {
  const state = stateOf(observed);
  // The first creation time seen stays (a deployment deleted and created again keeps its history);
  // one stored before ARM's createdAt was read is filled in by the next refresh.
  const createdAt = previous?.createdAt ?? observed.createdAt ?? null;
  const created = createdAt === null ? {} : { createdAt };
  if (previous === undefined) {
    return {
      name: observed.name,
      periods: [{ ...state, from: null }],
      firstSeenAt: seenAt,
      lastSeenAt: seenAt,
      ...created,
    };
  }
  const current = previous.periods.at(-1);
  if (current !== undefined && sameState(current, state))
    return { ...previous, lastSeenAt: seenAt, ...created };
  const seen = Date.parse(seenAt);
  const modified = observed.lastModifiedAt === null ? Number.NaN : Date.parse(observed.lastModifiedAt);
  const floor =
    current?.from === null || current === undefined ? Number.NEGATIVE_INFINITY : Date.parse(current.from);
  // A lastModifiedAt at or before the current period's start cannot be this change (periods stay
  // ordered); one after the observation is a clock error. Either way we date it by what we saw.
  const from =
    Number.isFinite(modified) && modified > floor && modified <= seen
      ? new Date(modified).toISOString()
      : new Date(seen).toISOString();
  const period: DeploymentPeriod = { ...state, from };
  return { ...previous, periods: [...previous.periods, period], lastSeenAt: seenAt, ...created };
}

/** Merges an account as observed now with what was known of it; deployments no longer listed are kept. */
export function observeAccount(
  previous: InventoryAccount | undefined,
  observed: ObservedAccount,
  seenAt: string,
): InventoryAccount {
  const before = new Map((previous?.deployments ?? []).map((d) => [d.name, d]));
  const merged = new Map(before);
  for (const deployment of observed.deployments) {
    merged.set(deployment.name, observeDeployment(before.get(deployment.name), deployment, seenAt));
  }
  return {
    id: observed.id,
    subscriptionId: observed.subscriptionId,
    name: observed.name,
    kind: observed.kind,
    location: observed.location,
    hosts: observed.hosts,
    customSubDomain: observed.customSubDomain,
    deployments: [...merged.values()].sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/**
 * The period in force at `eventTime`: the last one whose `from` is at or before it. An event at exactly
 * a period's `from` (the boundary second) belongs to the new period.
 */
export function periodAt(deployment: InventoryDeployment, eventTime: string): DeploymentPeriod | undefined {
  const at = Date.parse(eventTime);
  let found: DeploymentPeriod | undefined;
  for (const period of deployment.periods) {
    if (period.from === null || Date.parse(period.from) <= at) found = period;
    else break;
  }
  return found;
}
