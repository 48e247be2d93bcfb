import type { Services } from '../shared/app/services.js';
import type { UsageRecord } from '../shared/pipeline/record.js';
import type { StandInArmAccount } from './armStandIn.js';

export const DEMO_SUBSCRIPTION = '8f3e2d1c-0b9a-4c8d-9e7f-6a5b4c3d2e1f';

const model = (name: string, version: string) => ({ format: 'OpenAI', name, version });

/**
 * The demo's Azure OpenAI account as ARM lists it: the deployments samples/events.jsonl calls (all but
 * `experimental`, which stays unknown and unpriced), plus a PTU and a batch deployment that
 * samples/deployment-events.jsonl calls.
 */
export const DEMO_ARM_ACCOUNTS: readonly StandInArmAccount[] = [
  {
    subscriptionId: DEMO_SUBSCRIPTION,
    resourceGroup: 'rg-openai',
    name: 'aoai-eastus',
    kind: 'OpenAI',
    location: 'eastus',
    customSubDomainName: 'aoai-eastus',
    deployments: [
      { name: 'gpt4o-prod', sku: 'GlobalStandard', capacity: 450, model: model('gpt-4o', '2024-08-06') },
      {
        name: 'mini-datazone',
        sku: 'DataZoneStandard',
        capacity: 200,
        model: model('gpt-4o-mini', '2024-07-18'),
      },
      {
        name: 'mini-global',
        sku: 'GlobalStandard',
        capacity: 200,
        model: model('gpt-4o-mini', '2024-07-18'),
      },
      { name: 'o1', sku: 'GlobalStandard', capacity: 50, model: model('o1', '2024-12-17') },
      {
        name: 'embeddings',
        sku: 'GlobalStandard',
        capacity: 350,
        model: model('text-embedding-3-large', '1'),
      },
      { name: 'gpt5-mini', sku: 'GlobalStandard', capacity: 100, model: model('gpt-5-mini', '2025-08-07') },
      {
        name: 'gpt4o-ptu',
        sku: 'GlobalProvisionedManaged',
        capacity: 50,
        model: model('gpt-4o', '2024-08-06'),
        // The sample bill's PTU day is its first: the billed basis estimates it from then on.
        createdAt: '2026-11-19T00:00:00Z',
      },
      { name: 'gpt4o-batch', sku: 'GlobalBatch', capacity: 1000, model: model('gpt-4o', '2024-08-06') },
    ],
  },
];

/** One line per record of the PTU and batch deployments: what the inventory changed. */
export async function demoInventoryLines(services: Services): Promise<string[]> {
  const { resources } = await services.database
    .container('usage')
    .items.query<UsageRecord>({
      query: 'SELECT * FROM c WHERE c.deployment IN (@ptu, @batch) ORDER BY c.eventTime',
      parameters: [
        { name: '@ptu', value: 'gpt4o-ptu' },
        { name: '@batch', value: 'gpt4o-batch' },
      ],
    })
    .fetchAll();
  return resources.map(
    (r) =>
      `  ${r.deployment ?? ''} (${r.sku ?? '?'}): ${r.costStatus}, cost ${r.cost === null ? 'null' : `${r.cost} ${r.currency}`}` +
      (r.costStatus === 'provisioned'
        ? ' (billed per PTU-hour, never per token)'
        : ` (priceSet ${r.priceSetId ?? ''})`),
  );
}
