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
  /** Fixed ports (`npm run local`); otherwise any free ones. */
  readonly ports?: LocalPorts;
}

export interface LocalPorts {
  readonly cosmos: number;
  readonly graph: number;
  readonly retail: number;
  readonly blob: number;
  /** Optional: the ARM stand-in; any free port when absent. */
  readonly arm?: number;
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
  const started = await Promise.allSettled([
    startCosmosStandIn(options.ports?.cosmos),
    startGraphStandIn({
      servicePrincipals: options.servicePrincipals ?? [],
      ...(options.ports === undefined ? {} : { port: options.ports.graph }),
    }),
    startRetailPricesStandIn({
      items: options.priceItems ?? [],
      ...(options.ports === undefined ? {} : { port: options.ports.retail }),
      ...(options.serveAsServiceName === undefined ? {} : { serveAsServiceName: options.serveAsServiceName }),
    }),
    options.azurite === true ? startAzurite(options.ports?.blob) : Promise.resolve(undefined),
    startArmStandIn({
      accounts: options.armAccounts ?? [],
      ...(options.ports?.arm === undefined ? {} : { port: options.ports.arm }),
    }),
  ] as const);
  const [cosmos, graph, retail, azurite, arm] = started;
  if (
    cosmos.status === 'rejected' ||
    graph.status === 'rejected' ||
    retail.status === 'rejected' ||
    azurite.status === 'rejected' ||
    arm.status === 'rejected'
  ) {
    // One could not start (a fixed port taken): stop the others, or they keep the process alive.
    await Promise.allSettled([
      cosmos.status === 'fulfilled' ? cosmos.value.close() : undefined,
      graph.status === 'fulfilled' ? graph.value.close() : undefined,
      retail.status === 'fulfilled' ? retail.value.close() : undefined,
      azurite.status === 'fulfilled' ? azurite.value?.stop() : undefined,
      arm.status === 'fulfilled' ? arm.value.close() : undefined,
    ]);
    const names = ['Cosmos stand-in', 'Graph stand-in', 'Retail Prices stand-in', 'Azurite', 'ARM stand-in'];
    const failure = started.findIndex((result) => result.status === 'rejected');
    const reason = (started[failure] as PromiseRejectedResult).reason as Error;
    throw new Error(`${names[failure] ?? 'a local service'} could not start: ${reason.message}`, {
      cause: reason,
    });
  }
  return assemble(cosmos.value, graph.value, retail.value, azurite.value, arm.value, options);
}

function assemble(
  cosmos: LocalCosmos,
  graph: GraphStandIn,
  retail: RetailPricesStandIn,
  azurite: LocalAzurite | undefined,
  arm: ArmStandIn,
  options: LocalStackOptions,
): LocalStack {
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
