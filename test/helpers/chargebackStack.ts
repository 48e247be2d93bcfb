import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { fileURLToPath } from 'node:url';

import { CosmosClient, type Database } from '@azure/cosmos';

import { DEMO_DEPLOYMENTS, DEMO_SERVICE_PRINCIPALS } from '../../local/demoDirectory.js';
import type { StandInServicePrincipal } from '../../local/graphStandIn.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { sharedServices } from '../../shared/app/lazyServices.js';
import type { Services } from '../../shared/app/services.js';
import type { EventSource } from '../../shared/events/types.js';
import { readEvents } from '../../shared/pipeline/readEvents.js';
import { refreshPriceBook } from '../../shared/pricing/refreshPriceBook.js';
import type { RetailPriceItem } from '../../shared/pricing/types.js';

const sample = (name: string) => fileURLToPath(new URL(`../../samples/${name}`, import.meta.url));

/** An app whose Graph name and business-unit tag try to inject markup into the page. */
export const HOSTILE_APP: StandInServicePrincipal = {
  id: '4e5f6071-85da-4b41-a677-0c6b86dd34fc',
  appId: 'e0e0e0e0-1111-4222-8333-444444444444',
  displayName: '<script>alert("pwned")</script> & <b>Ops</b> "Bot"',
  servicePrincipalType: 'Application',
  tags: ['businessUnit:R&D <Labs>'],
};

/** A v2 event for HOSTILE_APP, priced like the samples (gpt-4o-mini, global, eastus). */
export function hostileEvent(eventTime: string): Record<string, unknown> {
  return {
    schema: 'aoai-usage/2',
    requestId: randomUUID(),
    eventTime,
    appId: HOSTILE_APP.appId,
    deployment: 'mini-prod',
    deploymentType: 'global',
    region: 'eastus',
    operation: 'chat.completion',
    model: 'gpt-4o-mini-2024-07-18',
    usage: { prompt_tokens: 1200, completion_tokens: 300, total_tokens: 1500 },
  };
}

export interface ChargebackStack {
  readonly stack: LocalStack;
  readonly services: Services;
  /** A separate client on the same database, for reading records directly. */
  readonly db: Database;
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * The demo's world (directory, price snapshot, DEPLOYMENTS) on the local stand-ins, in a fresh
 * database, with the price book loaded. It sets process.env and primes sharedServices(), so the
 * HTTP handlers (which call sharedServices() themselves) trust the stand-ins' certificate.
 */
export async function startChargebackStack(
  extraPrincipals: readonly StandInServicePrincipal[] = [],
  options: { readonly azurite?: boolean } = {},
): Promise<ChargebackStack> {
  const snapshot = JSON.parse(
    readFileSync(sample('retail-prices-snapshot.json'), 'utf8'),
  ) as RetailPriceItem[];
  const stack = await startLocalStack({
    servicePrincipals: [...DEMO_SERVICE_PRINCIPALS, ...extraPrincipals],
    priceItems: snapshot,
    serveAsServiceName: 'Foundry Models',
    ...(options.azurite === true ? { azurite: true } : {}),
  });
  const env: Record<string, string> = {
    ...stack.env,
    COSMOS_DATABASE: `chargeback-${randomUUID().slice(0, 8)}`,
    DEPLOYMENTS: JSON.stringify(DEMO_DEPLOYMENTS),
  };
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const services = await sharedServices({ trustedCa: stack.trustedCa });
  await refreshPriceBook({
    url: services.settings.RETAIL_PRICES_URL,
    currency: services.settings.PRICE_CURRENCY,
    store: services.prices,
    dispatcher: services.retailDispatcher,
  });
  const reader = new CosmosClient({
    endpoint: env.COSMOS_ENDPOINT ?? '',
    key: env.COSMOS_KEY ?? '',
    agent: new Agent({ ca: stack.trustedCa }),
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  return {
    stack,
    services,
    db: reader.database(env.COSMOS_DATABASE ?? ''),
    env,
    async close() {
      reader.dispose();
      await services.close();
      await stack.stop();
      process.env = saved;
    },
  };
}

/** samples/events.jsonl as one Event Hub batch: bodies plus the sources the trigger would give. */
export async function sampleBatch(): Promise<{ bodies: unknown[]; sources: EventSource[] }> {
  const bodies: unknown[] = [];
  const sources: EventSource[] = [];
  for await (const event of readEvents(sample('events.jsonl'))) {
    bodies.push(event.body);
    sources.push(event.source);
  }
  return { bodies, sources };
}

export interface RecordRow {
  readonly id: string;
  readonly pk: string;
  readonly day: string;
  readonly appId: string;
  readonly businessUnit: string | null;
  readonly model: string;
  readonly deploymentType: string;
  readonly costNanos: number | null;
  readonly totalTokens: number;
}

/** Every usage record, read straight from the container (not through rollups). */
export async function allRecords(db: Database): Promise<RecordRow[]> {
  const { resources } = await db
    .container('usage')
    .items.query<RecordRow>(
      'SELECT c.id, c.pk, c.day, c.appId, c.businessUnit, c.model, c.deploymentType, c.costNanos, c.totalTokens FROM c',
    )
    .fetchAll();
  return resources;
}

export const sumNanos = (records: readonly RecordRow[]): bigint =>
  records.reduce((sum, r) => sum + BigInt(r.costNanos ?? 0), 0n);
