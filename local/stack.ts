import { startArmStandIn, type ArmStandIn, type StandInArmAccount } from './armStandIn.js';
import { startAzurite, type LocalAzurite } from './azurite.js';
import { startCosmosStandIn, type LocalCosmos } from './cosmosStandIn.js';
import { startGraphStandIn, type GraphStandIn, type StandInServicePrincipal } from './graphStandIn.js';
import { startRetailPricesStandIn, type RetailPricesStandIn } from './retailPricesStandIn.js';
import type { RetailPriceItem } from '../shared/pricing/types.js';

export interface LocalStackOptions {
  readonly servicePrincipals?: readonly StandInServicePrincipal[];
  readonly priceItems?: readonly RetailPriceItem[];
  /** Serve the snapshot under this serviceName (today's API uses 'Foundry Models'). */
  readonly serveAsServiceName?: string;
  /** Azurite is a child process; start it only where spills are exercised. */
  readonly azurite?: boolean;
  readonly database?: string;
  /** Azure OpenAI accounts the ARM stand-in lists (the inventory is used only with INVENTORY_SUBSCRIPTIONS). */
  readonly armAccounts?: readonly StandInArmAccount[];
}

/** Every local stand-in the pipeline talks to, on 127.0.0.1, with the settings that point at them. */
export interface LocalStack {
  readonly cosmos: LocalCosmos;
  readonly graph: GraphStandIn;
  readonly retail: RetailPricesStandIn;
  readonly azurite: LocalAzurite | undefined;
  readonly arm: ArmStandIn;
  /** Settings as `local.settings.json` Values would hold them. */
  readonly env: Record<string, string>;
  /** The one self-signed certificate all stand-ins use. */
  readonly trustedCa: string;
  stop(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const [cosmos, graph, retail, azurite, arm] = await Promise.all([
    startCosmosStandIn(),
    startGraphStandIn({ servicePrincipals: options.servicePrincipals ?? [] }),
    startRetailPricesStandIn({
      items: options.priceItems ?? [],
      ...(options.serveAsServiceName === undefined ? {} : { serveAsServiceName: options.serveAsServiceName }),
    }),
    options.azurite === true ? startAzurite() : Promise.resolve(undefined),
    startArmStandIn({ accounts: options.armAccounts ?? [] }),
  ]);
  const env: Record<string, string> = {
    COSMOS_ENDPOINT: cosmos.endpoint,
    COSMOS_KEY: cosmos.key,
    COSMOS_DATABASE: options.database ?? 'chargeback',
    GRAPH_BASE_URL: graph.url,
    GRAPH_AUTH: 'none',
    RETAIL_PRICES_URL: retail.url,
    PRICE_CURRENCY: 'USD',
    PRICE_REGION: 'eastus',
    DEFAULT_DEPLOYMENT_TYPE: 'global',
    AzureWebJobsStorage: azurite?.connectionString ?? 'UseDevelopmentStorage=true',
    ARM_ENDPOINT: arm.url,
    ARM_AUTH: 'none',
  };
  return {
    cosmos,
    graph,
    retail,
    azurite,
    arm,
    env,
    trustedCa: cosmos.cert,
    async stop() {
      await Promise.all([cosmos.close(), graph.close(), retail.close(), arm.close(), azurite?.stop()]);
    },
  };
}
