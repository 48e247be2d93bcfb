import type { CostResult } from '../cost/types.js';
import type { NormalizedUsage } from '../events/types.js';
import type { DeploymentRecordFields, ResolvedPriceKey } from '../pipeline/ports.js';
import { batchFamily } from '../pricing/batchMeter.js';
import { developerTierFamily } from '../pricing/modelFamily.js';
import { hash } from '../pricing/repriceFingerprint.js';
import type { PriceKeySettings } from '../pricing/resolvePriceKey.js';
import {
  applyFacts,
  deploymentFacts,
  deploymentTypeConflict,
  type DeploymentSource,
} from './deploymentFacts.js';
import type { InventoryIndex } from './match.js';

export interface InventoryPricing {
  /** Prices `usage` with what the inventory knows; `priceWith` prices a key as the pricer always has. */
  price(
    usage: NormalizedUsage,
    baseKey: ResolvedPriceKey,
    priceWith: (key: ResolvedPriceKey) => CostResult,
    /** Which of today's rules gave `baseKey`'s deployment type (the resolver's per-part source). */
    baseSource?: DeploymentSource,
  ): {
    readonly key: ResolvedPriceKey;
    readonly cost: CostResult;
    readonly deployment: DeploymentRecordFields;
  };
  /** Counters since the last call, for the batch summary. */
  takeStats(): Readonly<Record<string, number>>;
  /**
   * A hash of what pricing reads of the inventory (accounts, hosts, deployments' periods; not when
   * they were last seen): part of the re-price fingerprint, so backfill looks again when it changes.
   */
  readonly version: string;
}

/**
 * Pricing with the deployment inventory. When the inventory knows the deployment at the event's time,
 * its SKU decides: per-token SKUs are priced with the inventory's type and region, batch SKUs with
 * the batch meters, provisioned SKUs never per token (`provisioned`, cost null). Otherwise the key
 * resolved by today's rules stands and the record says which rule gave its deployment type.
 */
export function createInventoryPricing(
  index: InventoryIndex,
  settings: Pick<PriceKeySettings, 'deployments'>,
  log: (message: string) => void = () => undefined,
): InventoryPricing {
  let conflicts = 0;
  const warned = new Set<string>();
  return {
    version: inventoryVersion(index),
    price(usage, baseKey, priceWith, baseSource) {
      const facts = deploymentFacts(usage, index);
      if (facts.kind === 'unmatched') {
        const deploymentSource = baseSource ?? ruleSource(usage, settings);
        const deployment = { resourceId: null, sku: null, deploymentSource };
        return { key: baseKey, cost: priceWith(baseKey), deployment };
      }
      const deployment = {
        resourceId: facts.resourceId,
        sku: facts.sku,
        deploymentSource: 'inventory' as const,
      };
      if (facts.kind === 'unknownSku') {
        const reason = `${facts.reason} in the inventory; add it to the SKU table`;
        return {
          key: { ...baseKey, region: facts.region },
          cost: { status: 'unpriced', reason },
          deployment,
        };
      }
      const conflict = deploymentTypeConflict(usage, facts);
      if (conflict !== null) {
        conflicts++;
        const once = `${facts.resourceId}/${facts.deployment}`;
        if (!warned.has(once)) {
          warned.add(once);
          log(conflict);
        }
      }
      const key = applyFacts(baseKey, usage, facts);
      if (facts.pricingClass === 'provisioned') return { key, cost: { status: 'provisioned' }, deployment };
      if (facts.pricingClass === 'developer') {
        const family = developerTierFamily(key.family);
        if (family === null) {
          const reason = `${facts.sku} deployment ${facts.deployment} serves "${usage.model}", which is not a fine-tuned model`;
          return { key, cost: { status: 'unpriced', reason }, deployment };
        }
        return { key, cost: priceWith({ ...key, family }), deployment };
      }
      const cost =
        facts.pricingClass === 'batch'
          ? priceWith({ ...key, family: batchFamily(key.family) })
          : priceWith(key);
      return { key, cost, deployment };
    },
    takeStats() {
      const stats: Record<string, number> = conflicts === 0 ? {} : { deploymentConflicts: conflicts };
      conflicts = 0;
      return stats;
    },
  };
}

function inventoryVersion(index: InventoryIndex): string {
  return hash([
    [
      'accounts',
      index.accounts.map((a) => ({
        id: a.id,
        hosts: a.hosts,
        customSubDomain: a.customSubDomain,
        location: a.location,
        deployments: a.deployments.map((d) => ({ name: d.name, periods: d.periods })),
      })),
    ],
  ]);
}

/**
 * Which of today's rules gave the deployment type, in the resolver's order (event, DEPLOYMENTS by
 * deployment then by model, default); for callers that do not pass the resolver's own source.
 */
function ruleSource(
  usage: NormalizedUsage,
  settings: Pick<PriceKeySettings, 'deployments'>,
): DeploymentSource {
  if (usage.deploymentType !== null) return 'event';
  const own = (name: string | null) =>
    name !== null && Object.hasOwn(settings.deployments, name) ? settings.deployments[name] : undefined;
  const mapped = [own(usage.deployment), own(usage.model)].some(
    (entry) => entry?.deploymentType !== undefined,
  );
  return mapped ? 'map' : 'default';
}
