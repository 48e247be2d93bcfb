import type { DeploymentType } from '../events/types.js';

/** `developer`: a fine-tuned model on the Developer tier, priced per token at its `-dev-ft` meters. */
export type PricingClass = 'perToken' | 'provisioned' | 'batch' | 'developer';

export interface SkuSemantics {
  readonly deploymentType: DeploymentType;
  readonly pricingClass: PricingClass;
}

/**
 * What a deployment's `sku.name` means for pricing: the one table, mirrored in the README
 * ("Deployment inventory"). Provisioned SKUs are billed per PTU-hour, never per token.
 */
export const SKU_TABLE: Readonly<Record<string, SkuSemantics>> = {
  Standard: { deploymentType: 'regional', pricingClass: 'perToken' },
  GlobalStandard: { deploymentType: 'global', pricingClass: 'perToken' },
  DataZoneStandard: { deploymentType: 'datazone', pricingClass: 'perToken' },
  ProvisionedManaged: { deploymentType: 'regional', pricingClass: 'provisioned' },
  GlobalProvisionedManaged: { deploymentType: 'global', pricingClass: 'provisioned' },
  DataZoneProvisionedManaged: { deploymentType: 'datazone', pricingClass: 'provisioned' },
  GlobalBatch: { deploymentType: 'global', pricingClass: 'batch' },
  DataZoneBatch: { deploymentType: 'datazone', pricingClass: 'batch' },
  // Fine-tuned models only; deployed globally, no hosting fee, its own token meters (`gpt-4.1-dev-ft inpt glbl`).
  DeveloperTier: { deploymentType: 'global', pricingClass: 'developer' },
};

export type SkuLookup =
  ({ readonly known: true } & SkuSemantics) | { readonly known: false; readonly reason: string };

/** An unknown SKU is never guessed at: the record stays unpriced and names it. */
export function skuSemantics(skuName: string): SkuLookup {
  const entry = Object.hasOwn(SKU_TABLE, skuName) ? SKU_TABLE[skuName] : undefined;
  if (entry === undefined) return { known: false, reason: `unknown deployment SKU "${skuName}"` };
  return { known: true, ...entry };
}
