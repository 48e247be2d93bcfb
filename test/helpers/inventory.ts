import type {
  InventoryAccount,
  InventoryDeployment,
  DeploymentPeriod,
} from '../../shared/inventory/types.js';

export const SUB = '00000000-0000-4000-8000-00000000c0de';

/** One period of a deployment, gpt-4o 2024-08-06 GlobalStandard unless given. */
export function testPeriod(fields: Partial<DeploymentPeriod> = {}): DeploymentPeriod {
  return {
    from: null,
    sku: 'GlobalStandard',
    capacity: 100,
    modelFormat: 'OpenAI',
    modelName: 'gpt-4o',
    modelVersion: '2024-08-06',
    provisioningState: 'Succeeded',
    ...fields,
  };
}

export function testDeployment(
  name: string,
  periods: DeploymentPeriod[] = [testPeriod()],
): InventoryDeployment {
  return { name, periods, firstSeenAt: '2025-09-01T00:00:00.000Z', lastSeenAt: '2025-09-01T00:00:00.000Z' };
}

/** An account named `name` in eastus, answering on `<name>.openai.azure.com`. */
export function testAccount(
  name: string,
  deployments: InventoryDeployment[],
  fields: Partial<InventoryAccount> = {},
): InventoryAccount {
  return {
    id: `/subscriptions/${SUB}/resourcegroups/rg-ai/providers/microsoft.cognitiveservices/accounts/${name.toLowerCase()}`,
    subscriptionId: SUB,
    name,
    kind: 'OpenAI',
    location: 'eastus',
    hosts: [`${name.toLowerCase()}.openai.azure.com`],
    customSubDomain: null,
    deployments,
    ...fields,
  };
}
