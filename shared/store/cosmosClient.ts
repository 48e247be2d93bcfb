import type { Agent } from 'node:https';

import { CosmosClient, type Database } from '@azure/cosmos';
import type { TokenCredential } from '@azure/identity';

import { DependencyError, ensureError, UserError } from '../errors.js';
import { ensureContainers, type ContainerName } from './containers.js';

export interface CosmosOptions {
  readonly endpoint: string | undefined;
  readonly key: string | undefined;
  readonly database: string;
  /** Only for in-process local stand-ins; otherwise Node's TLS trust (and NODE_EXTRA_CA_CERTS) applies. */
  readonly agent?: Agent;
  /** Without a key: defaults to DefaultAzureCredential, built only here, only then. */
  readonly credential?: () => Promise<TokenCredential>;
}

async function defaultCredential(): Promise<TokenCredential> {
  const { DefaultAzureCredential } = await import('@azure/identity');
  return new DefaultAzureCredential();
}

/** Connects and makes sure the database and the named containers exist. */
export async function openDatabase(
  options: CosmosOptions,
  containers: readonly ContainerName[],
): Promise<Database> {
  if (options.endpoint === undefined) {
    throw new UserError('COSMOS_ENDPOINT: is required (https://<account>.documents.azure.com:443/)');
  }
  const auth =
    options.key !== undefined
      ? { key: options.key }
      : { aadCredentials: await (options.credential ?? defaultCredential)() };
  const client = new CosmosClient({
    endpoint: options.endpoint,
    ...auth,
    ...(options.agent ? { agent: options.agent } : {}),
    connectionPolicy: {
      // A local stand-in or emulator advertises addresses we must not follow.
      enableEndpointDiscovery: !isLoopback(options.endpoint),
      retryOptions: {
        maxRetryAttemptCount: 9,
        fixedRetryIntervalInMilliseconds: 0,
        maxWaitTimeInSeconds: 30,
      },
    },
  });
  try {
    const { database } = await client.databases.createIfNotExists({ id: options.database });
    await ensureContainers(database, containers);
    return database;
  } catch (error) {
    client.dispose();
    throw new DependencyError(
      'cosmos',
      `cannot open database '${options.database}' at ${options.endpoint}: ${ensureError(error).message}`,
      { cause: error },
    );
  }
}

function isLoopback(endpoint: string): boolean {
  const host = new URL(endpoint).hostname;
  return host === 'localhost' || host === '[::1]' || host.startsWith('127.');
}
