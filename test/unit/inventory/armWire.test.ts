import { describe, expect, it } from 'vitest';

import {
  AOAI_KINDS,
  accountHosts,
  armAccountSchema,
  armDeploymentSchema,
  listPageSchema,
  observedDeployment,
  subscriptionOf,
} from '../../../shared/inventory/armWire.js';
import { readApiShape } from '../../helpers/apiShapes.js';

describe('ARM wire shapes', () => {
  it('reads the spec example of ListDeployments', () => {
    const page = listPageSchema(armDeploymentSchema).parse(
      readApiShape('arm_cognitiveservices_list_deployments_2024-10-01.json'),
    );
    expect(page.nextLink).toBeUndefined();
    expect(page.value.map(observedDeployment)).toEqual([
      {
        name: 'deploymentName',
        sku: 'Standard',
        capacity: 1,
        modelFormat: 'OpenAI',
        modelName: 'ada',
        modelVersion: '1',
        provisioningState: 'Succeeded',
        lastModifiedAt: null,
        createdAt: null,
      },
    ]);
  });

  it('reads the spec example of the accounts list, none of which serves Azure OpenAI', () => {
    const page = listPageSchema(armAccountSchema).parse(
      readApiShape('arm_cognitiveservices_list_accounts_by_subscription_2024-10-01.json'),
    );
    expect(page.value).toHaveLength(4);
    expect(page.value.filter((a) => AOAI_KINDS.has(a.kind ?? ''))).toEqual([]);
    expect(accountHosts(page.value[1] ?? armAccountSchema.parse({ id: '-', name: '-' }))).toEqual([
      'westus.api.cognitive.microsoft.com',
    ]);
  });

  it('collects endpoint and endpoints hosts once each, lower-case', () => {
    const account = armAccountSchema.parse({
      id: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a',
      name: 'a',
      properties: {
        endpoint: 'https://A.openai.azure.com/',
        endpoints: {
          'OpenAI Language Model Instance API': 'https://a.openai.azure.com/',
          Other: 'https://a.cognitiveservices.azure.com/',
        },
      },
    });
    expect(accountHosts(account)).toEqual(['a.cognitiveservices.azure.com', 'a.openai.azure.com']);
  });

  it('takes the subscription from an ARM id', () => {
    expect(subscriptionOf('/subscriptions/0000AAAA-0000-4000-8000-000000000000/resourceGroups/x')).toBe(
      '0000aaaa-0000-4000-8000-000000000000',
    );
    expect(subscriptionOf('/bogus')).toBeNull();
  });
});
