import type { InventorySnapshot } from './ports.js';
import type { DeploymentState } from './types.js';

/** One state of one deployment over a known span of time: what the capacity estimate multiplies. */
export interface DatedPeriod extends DeploymentState {
  /** The account's ARM id, lower-case. */
  readonly resourceId: string;
  readonly resourceName: string;
  readonly region: string;
  readonly deployment: string;
  /** When this state began (ISO 8601, inclusive). */
  readonly from: string;
  /** When it ended (exclusive): the next state, or the deletion; null while it holds. */
  readonly to: string | null;
}

/**
 * Pure: every deployment's periods with both ends, for charging hours (not for matching events,
 * which `periodAt` does). Unlike matching, the first state does not reach back forever: a deployment
 * costs from ARM's `createdAt`, or, without it, from the refresh that first saw it, so no hour is
 * estimated before the deployment can be shown to exist. It ends at the last refresh that saw it when
 * a later complete refresh of its subscription no longer listed it (deleted; the deletion itself fell
 * between those two refreshes, and hours we cannot show it existed are not estimated).
 */
export function datedPeriods(snapshot: InventorySnapshot): DatedPeriod[] {
  const lastGood = new Map(snapshot.subscriptions.map((s) => [s.subscriptionId, s.lastGoodAt]));
  const out: DatedPeriod[] = [];
  for (const account of snapshot.accounts) {
    const refreshed = lastGood.get(account.subscriptionId) ?? null;
    for (const deployment of account.deployments) {
      const born = Date.parse(deployment.createdAt ?? deployment.firstSeenAt);
      const gone =
        refreshed !== null && Date.parse(deployment.lastSeenAt) < Date.parse(refreshed)
          ? Date.parse(deployment.lastSeenAt)
          : null;
      deployment.periods.forEach((period, i) => {
        const next = deployment.periods[i + 1]?.from;
        const start = Math.max(born, period.from === null ? born : Date.parse(period.from));
        const ends = [next === undefined || next === null ? null : Date.parse(next), gone].filter(
          (t): t is number => t !== null,
        );
        const end = ends.length === 0 ? null : Math.min(...ends);
        if (!Number.isFinite(start) || (end !== null && end <= start)) return;
        out.push({
          resourceId: account.id,
          resourceName: account.name,
          region: account.location.toLowerCase(),
          deployment: deployment.name,
          sku: period.sku,
          capacity: period.capacity,
          modelFormat: period.modelFormat,
          modelName: period.modelName,
          modelVersion: period.modelVersion,
          provisioningState: period.provisioningState,
          from: new Date(start).toISOString(),
          to: end === null ? null : new Date(end).toISOString(),
        });
      });
    }
  }
  return out;
}
