import { describe, expect, it } from 'vitest';

import { SKU_TABLE, skuSemantics } from '../../../shared/inventory/skuTable.js';

describe('the SKU table', () => {
  it.each([
    ['Standard', 'regional', 'perToken'],
    ['GlobalStandard', 'global', 'perToken'],
    ['DataZoneStandard', 'datazone', 'perToken'],
    ['ProvisionedManaged', 'regional', 'provisioned'],
    ['GlobalProvisionedManaged', 'global', 'provisioned'],
    ['DataZoneProvisionedManaged', 'datazone', 'provisioned'],
    ['GlobalBatch', 'global', 'batch'],
    ['DataZoneBatch', 'datazone', 'batch'],
    ['DeveloperTier', 'global', 'developer'],
  ])('%s is %s, priced %s', (sku, deploymentType, pricingClass) => {
    expect(skuSemantics(sku)).toEqual({ known: true, deploymentType, pricingClass });
  });

  it('has exactly the nine SKUs the README documents', () => {
    expect(Object.keys(SKU_TABLE)).toHaveLength(9);
  });

  it('names an unknown SKU instead of guessing, including a case variant and an inherited key', () => {
    expect(skuSemantics('ProvisionedManagedSpillover')).toEqual({
      known: false,
      reason: 'unknown deployment SKU "ProvisionedManagedSpillover"',
    });
    expect(skuSemantics('globalstandard').known).toBe(false);
    expect(skuSemantics('toString').known).toBe(false);
  });
});
