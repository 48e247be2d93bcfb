import type { DeploymentType, NormalizedUsage } from '../events/types.js';
import type { ResolvedPriceKey } from '../pipeline/ports.js';
import { versionFromModelName } from '../pricing/modelFamily.js';
import type { InventoryIndex } from './match.js';
import { periodAt } from './periods.js';
import { skuSemantics, type PricingClass } from './skuTable.js';

/** Where a record's deployment facts came from: the inventory, or today's rules (event, DEPLOYMENTS, default). */
export type DeploymentSource = 'inventory' | 'event' | 'map' | 'default';

export type DeploymentFacts =
  | {
      readonly kind: 'known';
      /** The account's ARM id, lower-case. */
      readonly resourceId: string;
      readonly account: string;
      readonly deployment: string;
      readonly sku: string;
      readonly deploymentType: DeploymentType;
      readonly region: string;
      readonly pricingClass: PricingClass;
      /** The deployed model's family (`gpt-4o`), or null when ARM gives no model. */
      readonly modelFamily: string | null;
      /** MMDD from ARM's `2024-08-06`, or null. */
      readonly modelVersion: string | null;
      readonly source: 'inventory';
    }
  | {
      /** The deployment is known but its SKU is not in the table: never guessed, the record is unpriced. */
      readonly kind: 'unknownSku';
      readonly resourceId: string;
      readonly sku: string;
      readonly region: string;
      readonly reason: string;
    }
  | { readonly kind: 'unmatched'; readonly reason: string };

/** ARM model versions are dates (`2024-08-06`) or, for older models, short numbers (`0613`, `1`). */
export function mmddFromArmVersion(version: string | null): string | null {
  if (version === null) return null;
  const dated = /^\d{4}-(\d{2})-(\d{2})$/.exec(version);
  if (dated !== null) return `${dated[1] ?? ''}${dated[2] ?? ''}`;
  return /^\d{4}$/.test(version) ? version : null;
}

/** Pure: what the inventory says about the deployment that served `usage`, at its `eventTime`. */
export function deploymentFacts(usage: NormalizedUsage, index: InventoryIndex): DeploymentFacts {
  const match = index.match({ backend: usage.backend ?? null, deployment: usage.deployment });
  if (!match.matched) return { kind: 'unmatched', reason: match.reason };
  const period = periodAt(match.deployment, usage.eventTime);
  if (period === undefined)
    return { kind: 'unmatched', reason: `no state of ${match.deployment.name} at ${usage.eventTime}` };
  const semantics = skuSemantics(period.sku);
  const resourceId = match.account.id;
  const region = match.account.location;
  if (!semantics.known)
    return { kind: 'unknownSku', resourceId, sku: period.sku, region, reason: semantics.reason };
  return {
    kind: 'known',
    resourceId,
    account: match.account.name,
    deployment: match.deployment.name,
    sku: period.sku,
    deploymentType: semantics.deploymentType,
    region,
    pricingClass: semantics.pricingClass,
    modelFamily: period.modelName === null ? null : versionFromModelName(period.modelName).family,
    modelVersion: mmddFromArmVersion(period.modelVersion),
    source: 'inventory',
  };
}

/**
 * The inventory decides deployment type and region. The model version comes first from the event's
 * dated model name, then the inventory, then what today's rules found (DEPLOYMENTS). An undated logged
 * name (an alias such as `prod-chat`, or `gpt-35-turbo` from v1) takes the deployed model's family.
 */
export function applyFacts(
  key: ResolvedPriceKey,
  usage: NormalizedUsage,
  facts: Extract<DeploymentFacts, { kind: 'known' }>,
): ResolvedPriceKey {
  const logged = versionFromModelName(usage.model);
  return {
    ...key,
    family: logged.version === null ? (facts.modelFamily ?? key.family) : key.family,
    version: logged.version ?? facts.modelVersion ?? key.version,
    deploymentType: facts.deploymentType,
    region: facts.region,
  };
}

/** A v2 event that says one deployment type while ARM says another: counted and logged, ARM wins. */
export function deploymentTypeConflict(
  usage: NormalizedUsage,
  facts: Extract<DeploymentFacts, { kind: 'known' }>,
): string | null {
  if (usage.deploymentType === null || usage.deploymentType === facts.deploymentType) return null;
  return (
    `deployment ${facts.account}/${facts.deployment}: events say deploymentType "${usage.deploymentType}", ` +
    `ARM says ${facts.sku} (${facts.deploymentType}); priced as ${facts.deploymentType}`
  );
}
