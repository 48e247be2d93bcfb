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
  /**
   * `create` (ingest, price refresh, the functions) makes a missing database and containers;
   * `existing` (reports, audit, backfill) only opens them, so a misspelt name fails instead of
   * reading an empty new database.
   */
  readonly mode?: 'create' | 'existing';
  /** Per request; the SDK's default is 60 s, too long for a CLI facing an endpoint that never answers. */
  readonly requestTimeoutMs?: number;
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
      ...(options.requestTimeoutMs === undefined ? {} : { requestTimeout: options.requestTimeoutMs }),
      retryOptions: {
        maxRetryAttemptCount: 9,
        fixedRetryIntervalInMilliseconds: 0,
        maxWaitTimeInSeconds: 30,
      },
    },
  });
  try {
    if (options.mode === 'existing') {
      const database = client.database(options.database);
      await requireExisting(database, containers, options.database);
      return database;
    }
    const { database } = await client.databases.createIfNotExists({ id: options.database });
    await ensureContainers(database, containers);
    return database;
  } catch (error) {
    client.dispose();
    if (error instanceof UserError) throw error;
    const timedOut = (error as { code?: unknown }).code === 'TimeoutError';
    throw new DependencyError(
      'cosmos',
      `cannot open database '${options.database}' at ${options.endpoint}: ` +
        (timedOut && options.requestTimeoutMs !== undefined
          ? `no answer within ${options.requestTimeoutMs} ms`
          : ensureError(error).message),
      { cause: error },
    );
  }
}

/** Reads (never creates) the database and containers; a 404 is the user's to fix, not an outage. */
async function requireExisting(
  database: Database,
  containers: readonly ContainerName[],
  name: string,
): Promise<void> {
  const notFound = (error: unknown) => (error as { code?: unknown }).code === 404;
  try {
    await database.read();
  } catch (error) {
    if (!notFound(error)) throw error;
    throw new UserError(
      `database ${name} not found; run \`chargeback prices refresh\` or \`ingest\` first, or check COSMOS_DATABASE`,
    );
  }
  for (const container of containers) {
    try {
      await database.container(container).read();
    } catch (error) {
      if (!notFound(error)) throw error;
      throw new UserError(
        `container ${container} not found in database ${name}; run \`chargeback prices refresh\` or \`ingest\` first, or check COSMOS_DATABASE`,
      );
    }
  }
}

function isLoopback(endpoint: string): boolean {
  const host = new URL(endpoint).hostname;
  return host === 'localhost' || host === '[::1]' || host.startsWith('127.');
}
