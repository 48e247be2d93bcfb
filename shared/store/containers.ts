import type { ContainerDefinition, Database, IndexingPolicy } from '@azure/cosmos';

/** Index only what the report, audit, backfill and docs/finance-queries.md filter or sort on. */
function indexOnly(paths: readonly string[]): IndexingPolicy {
  return {
    indexingMode: 'consistent',
    automatic: true,
    includedPaths: paths.map((path) => ({ path: `/${path}/?` })),
    excludedPaths: [{ path: '/*' }, { path: '/"_etag"/?' }],
  };
}

/** Every container is partitioned on a synthetic `/pk` whose meaning is documented per container. */
export const CONTAINERS = {
  /** pk = `<appId>|<day>`. */
  usage: {
    id: 'usage',
    partitionKey: { paths: ['/pk'] },
    indexingPolicy: indexOnly([
      'day',
      'eventTime',
      'appId',
      'businessUnit',
      'model',
      'deploymentType',
      'costStatus',
      'identityStatus',
      'unpricedReason',
      // Backfill selects the records not yet checked against the current pricing inputs.
      'repriceCheckedAgainst',
      // The rollup refresher and docs/finance-queries.md filter on it (Bicep indexes it too).
      'pk',
    ]),
  },
  /** pk = id: dead letters are written and read one by one, queried rarely. */
  deadletter: {
    id: 'deadletter',
    partitionKey: { paths: ['/pk'] },
    indexingPolicy: indexOnly(['day', 'receivedAt']),
  },
  /** pk = model family: the price book is read whole, written per family. */
  prices: {
    id: 'prices',
    partitionKey: { paths: ['/pk'] },
    indexingPolicy: indexOnly(['docType', 'family']),
  },
  /** pk = appId; ids `<appId>` (cache) and `<appId>|override`, so ingest reads them by point reads. */
  apps: { id: 'apps', partitionKey: { paths: ['/pk'] }, indexingPolicy: indexOnly(['docType', 'lastSeen']) },
  /** pk = `<appId>|<day>` for rollups; dirty markers live beside them. */
  rollups: {
    id: 'rollups',
    partitionKey: { paths: ['/pk'] },
    indexingPolicy: indexOnly(['docType', 'day', 'appId', 'businessUnit', 'model']),
  },
  /** pk = subscription GUID: one document per AOAI account (its deployments' history) and one status. */
  inventory: {
    id: 'inventory',
    partitionKey: { paths: ['/pk'] },
    indexingPolicy: indexOnly(['docType']),
  },
  /** pk = invoice month `YYYY-MM`: an import replaces one month's lines in one partition. */
  invoice: {
    id: 'invoice',
    partitionKey: { paths: ['/pk'] },
    indexingPolicy: indexOnly(['docType', 'day', 'importId', 'resourceId']),
  },
  /** pk = `budget` for budgets (a handful, read whole); `alert|<YYYY-MM>` for the alerts they fire. */
  budgets: {
    id: 'budgets',
    partitionKey: { paths: ['/pk'] },
    // Every path the budget and alert queries filter on (Cosmos refuses filters on excluded paths).
    indexingPolicy: indexOnly(['docType', 'firedAt', 'delivery/status', 'delivery/claimedAt', 'pk']),
  },
} as const satisfies Record<string, ContainerDefinition>;

export type ContainerName = keyof typeof CONTAINERS;

/** Creates the database's containers if missing; existing ones are left as they are. */
export async function ensureContainers(database: Database, names: readonly ContainerName[]): Promise<void> {
  for (const name of names) {
    await database.containers.createIfNotExists(CONTAINERS[name]);
  }
}
