import { Agent } from 'node:https';

import type { Database } from '@azure/cosmos';
import { Agent as UndiciAgent, type Dispatcher } from 'undici';

import type { Settings } from '../config.js';
import { createGraphDirectory, type GraphDirectory } from '../identity/graphDirectory.js';
import { createIdentityResolver } from '../identity/identityResolver.js';
import type { IdentityResolver, IngestPorts } from '../pipeline/ports.js';
import { createPricingPort } from '../pricing/pricingPort.js';
import type { PricerSettings } from '../pricing/pricer.js';
import type { BulkRetryOptions } from '../store/bulkCreate.js';
import { CosmosAppStore } from '../store/cosmosAppStore.js';
import { openDatabase } from '../store/cosmosClient.js';
import { CosmosIngestStore } from '../store/cosmosIngestStore.js';
import { CosmosInventoryStore } from '../store/cosmosInventoryStore.js';
import { indexInventory } from '../inventory/match.js';
import { CosmosPriceStore } from '../store/cosmosPriceStore.js';
import { BlobSpill, openSpillContainer } from '../spill/blobSpill.js';

export interface ServiceOptions {
  /** PEM to trust for local HTTPS stand-ins (demo, tests). Azure uses the default trust store. */
  readonly trustedCa?: string;
  readonly log?: (message: string) => void;
  readonly now?: () => Date;
  /** Our bulk-write retry on top of the SDK's (tests shorten it; production keeps the default). */
  readonly bulkRetry?: BulkRetryOptions;
  /** `existing`: never create the database or containers (the CLI's read-only commands). */
  readonly databaseMode?: 'create' | 'existing';
  /** Cosmos request timeout (the CLI's CHARGEBACK_REQUEST_TIMEOUT_MS); the SDK default otherwise. */
  readonly requestTimeoutMs?: number;
}

/** Everything the functions and the CLI share, built once per process from the settings. */
export interface Services {
  readonly settings: Settings;
  readonly database: Database;
  readonly directory: GraphDirectory;
  readonly identities: IdentityResolver;
  readonly apps: CosmosAppStore;
  readonly prices: CosmosPriceStore;
  readonly ingest: IngestPorts;
  readonly pricing: ReturnType<typeof createPricingPort>;
  readonly spill: BlobSpill;
  /** For the Retail Prices client: trusts `trustedCa` when given. */
  readonly retailDispatcher: Dispatcher | undefined;
  readonly trustedCa: string | undefined;
  close(): Promise<void>;
}

export function pricerSettings(settings: Settings): PricerSettings {
  return {
    currency: settings.PRICE_CURRENCY,
    deployments: settings.DEPLOYMENTS,
    defaultRegion: settings.PRICE_REGION,
    defaultDeploymentType: settings.DEFAULT_DEPLOYMENT_TYPE,
    overrides: settings.PRICE_OVERRIDES,
  };
}

export async function createServices(settings: Settings, options: ServiceOptions = {}): Promise<Services> {
  const database = await openDatabase(
    {
      endpoint: settings.COSMOS_ENDPOINT,
      key: settings.COSMOS_KEY,
      database: settings.COSMOS_DATABASE,
      ...(options.databaseMode === undefined ? {} : { mode: options.databaseMode }),
      ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
      ...(options.trustedCa === undefined
        ? {}
        : { agent: new Agent({ ca: options.trustedCa, keepAlive: true }) }),
    },
    ['usage', 'deadletter', 'prices', 'apps', 'rollups', 'inventory'],
  );
  const directory = createGraphDirectory({
    baseUrl: settings.GRAPH_BASE_URL,
    auth: settings.GRAPH_AUTH,
    ...(options.trustedCa === undefined ? {} : { trustedCa: options.trustedCa }),
  });
  const apps = new CosmosAppStore(database.container('apps'));
  const identities = createIdentityResolver({
    directory,
    apps,
    businessUnitTagPrefix: settings.BUSINESS_UNIT_TAG_PREFIX,
    ...(options.now ? { now: options.now } : {}),
  });
  const prices = new CosmosPriceStore(database.container('prices'));
  const inventory = new CosmosInventoryStore(database.container('inventory'));
  const pricing = createPricingPort({
    load: () => prices.load(settings.PRICE_CURRENCY),
    // [inventory hook] Only with INVENTORY_SUBSCRIPTIONS set: otherwise pricing is exactly as before.
    ...(settings.INVENTORY_SUBSCRIPTIONS.length === 0
      ? {}
      : { loadInventory: async () => indexInventory((await inventory.load()).accounts) }),
    settings: pricerSettings(settings),
    ...(options.log ? { log: options.log } : {}),
  });
  const spill = new BlobSpill(await openSpillContainer(settings));
  const retailDispatcher =
    options.trustedCa === undefined ? undefined : new UndiciAgent({ connect: { ca: options.trustedCa } });
  return {
    settings,
    database,
    directory,
    identities,
    apps,
    prices,
    pricing,
    spill,
    retailDispatcher,
    trustedCa: options.trustedCa,
    ingest: {
      store: new CosmosIngestStore(database, options.bulkRetry),
      identities,
      pricing,
      now: options.now ?? (() => new Date()),
      eventTimeCulture: settings.EVENT_TIME_CULTURE,
    },
    async close() {
      await directory.close();
      await retailDispatcher?.close();
      database.client.dispose();
    },
  };
}
