import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

import type { StandInServicePrincipal } from '../local/graphStandIn.js';
import type { RetailPriceItem } from '../shared/pricing/types.js';
import { buildSampleEvents, type SampleV2Event } from '../shared/producer/sampleEvents.js';
import { mulberry32, seededGuid } from '../shared/producer/seededRandom.js';

const BUSINESS_UNITS = ['Sales', 'HR', 'Finance', 'Legal', 'Marketing', 'Engineering', 'Support', 'Research'];

export interface Tenant {
  readonly tenantId: string;
  readonly servicePrincipals: readonly StandInServicePrincipal[];
  /** One APIM subscription per app, as the gateway would log it. */
  readonly subscriptions: ReadonlyMap<string, string>;
}

/** `apps` service principals in Graph's shape, each tagged with a business unit. */
export function buildTenant(apps: number, seed: number): Tenant {
  const random = mulberry32(seed ^ 0x5eed);
  const tenantId = seededGuid(random);
  const servicePrincipals: StandInServicePrincipal[] = [];
  const subscriptions = new Map<string, string>();
  for (let i = 0; i < apps; i++) {
    const appId = seededGuid(random);
    const unit = BUSINESS_UNITS[i % BUSINESS_UNITS.length] ?? 'Sales';
    servicePrincipals.push({
      id: seededGuid(random),
      appId,
      displayName: `${unit} app ${String(i + 1).padStart(3, '0')}`,
      servicePrincipalType: i % 10 === 9 ? 'ManagedIdentity' : 'Application',
      tags:
        i % 10 === 9
          ? [`businessUnit:${unit}`]
          : ['WindowsAzureActiveDirectoryIntegratedApp', `businessUnit:${unit}`],
      appOwnerOrganizationId: i % 10 === 9 ? null : tenantId,
    });
    subscriptions.set(appId, `sub-${seededGuid(random).slice(0, 8)}`);
  }
  return { tenantId, servicePrincipals, subscriptions };
}

/** Region the snapshot prices every demo model in (samples/README.md: only eastus is covered). */
const PRICED_REGION = 'eastus';
const MULTIMODAL_SHARE = 0.1;
const CHUNK = 5_000;

export interface EventFileStats {
  readonly events: number;
  readonly bytes: number;
  readonly byOperation: Record<string, number>;
  readonly byModel: Record<string, number>;
  readonly withCachedTokens: number;
  readonly withReasoningTokens: number;
  readonly days: number;
}

/**
 * Streams `count` v2 events to JSON Lines, generated in chunks with the sample producer (apps = the
 * tenant's app ids), so memory stays flat. Events are moved to eastus, where the snapshot prices every
 * demo model, and keep one tenant and one subscription per app. The first `prefix` events are also
 * written to `prefixPath`, giving a smaller file for the RSS-vs-N check.
 */
export async function writeEventFiles(
  path: string,
  count: number,
  tenant: Tenant,
  seed: number,
  prefix?: { readonly path: string; readonly count: number },
): Promise<EventFileStats> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  const small = prefix === undefined ? undefined : createWriteStream(prefix.path, { encoding: 'utf8' });
  const appIds = tenant.servicePrincipals.map((sp) => sp.appId);
  const byOperation: Record<string, number> = {};
  const byModel: Record<string, number> = {};
  const days = new Set<string>();
  let withCached = 0;
  let withReasoning = 0;
  let bytes = 0;
  let written = 0;
  let start: Date | string = '2025-09-01T08:00:00.000Z';
  for (let chunk = 0; written < count; chunk++) {
    const n = Math.min(CHUNK, count - written);
    // 10% audio chat, transcription and gpt-image-1 events (issue 15): their usage shapes take zod's path.
    const events = buildSampleEvents(n, {
      seed: seed * 1_000 + chunk,
      apps: appIds,
      start,
      multimodalShare: MULTIMODAL_SHARE,
    });
    let text = '';
    let smallText = '';
    for (const event of events) {
      const line = JSON.stringify(relocate(event, tenant));
      text += `${line}\n`;
      if (prefix !== undefined && written < prefix.count) smallText += `${line}\n`;
      written++;
      byOperation[event.operation] = (byOperation[event.operation] ?? 0) + 1;
      byModel[event.model] = (byModel[event.model] ?? 0) + 1;
      days.add(event.eventTime.slice(0, 10));
      const cached =
        nested(event.usage, 'prompt_tokens_details', 'cached_tokens') ??
        nested(event.usage, 'input_tokens_details', 'cached_tokens');
      const reasoning =
        nested(event.usage, 'completion_tokens_details', 'reasoning_tokens') ??
        nested(event.usage, 'output_tokens_details', 'reasoning_tokens');
      if ((cached ?? 0) > 0) withCached++;
      if ((reasoning ?? 0) > 0) withReasoning++;
    }
    const last = events[events.length - 1];
    if (last !== undefined) start = new Date(Date.parse(last.eventTime) + 1);
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
    if (small !== undefined && smallText !== '' && !small.write(smallText)) await once(small, 'drain');
  }
  await Promise.all([closeStream(out), small === undefined ? Promise.resolve() : closeStream(small)]);
  return {
    events: written,
    bytes,
    byOperation,
    byModel,
    withCachedTokens: withCached,
    withReasoningTokens: withReasoning,
    days: days.size,
  };
}

function relocate(event: SampleV2Event, tenant: Tenant): SampleV2Event {
  return {
    ...event,
    tenantId: tenant.tenantId,
    subscriptionId: tenant.subscriptions.get(event.appId) ?? event.subscriptionId,
    region: PRICED_REGION,
    backend: `https://aoai-${PRICED_REGION}.openai.azure.com`,
  };
}

function nested(usage: SampleV2Event['usage'], outer: string, inner: string): number | undefined {
  const value = usage[outer];
  return typeof value === 'object' ? value[inner] : undefined;
}

function closeStream(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject);
    stream.end(() => {
      resolve();
    });
  });
}

// ARM regions where Azure OpenAI runs; enough to make a catalog the size of the real one.
const REGIONS = [
  'eastus',
  'eastus2',
  'westus',
  'westus3',
  'northcentralus',
  'southcentralus',
  'centralus',
  'canadaeast',
  'canadacentral',
  'brazilsouth',
  'uksouth',
  'ukwest',
  'francecentral',
  'germanywestcentral',
  'swedencentral',
  'switzerlandnorth',
  'switzerlandwest',
  'norwayeast',
  'polandcentral',
  'italynorth',
  'spaincentral',
  'westeurope',
  'northeurope',
  'uaenorth',
  'qatarcentral',
  'southafricanorth',
  'southindia',
  'centralindia',
  'japaneast',
  'japanwest',
  'koreacentral',
  'australiaeast',
  'southeastasia',
  'eastasia',
  'westus2',
  'mexicocentral',
  'israelcentral',
  'newzealandnorth',
  'chilecentral',
  'indonesiacentral',
];

/**
 * A catalog of `count` items shaped like the real AOAI part of Retail Prices: the snapshot's
 * consumption items cloned across regions and past price windows, each with its own meterId.
 */
export function buildSyntheticCatalog(
  snapshot: readonly RetailPriceItem[],
  count: number,
  seed: number,
): RetailPriceItem[] {
  const base = snapshot.filter((item) => item.type === 'Consumption' && item.productName.includes('OpenAI'));
  if (base.length === 0) throw new Error('the snapshot has no consumption items to clone');
  const random = mulberry32(seed ^ 0xca7a);
  const items: RetailPriceItem[] = [];
  for (let i = 0; items.length < count; i++) {
    const item = base[i % base.length];
    if (item === undefined) break;
    const cycle = Math.floor(i / base.length);
    const region = REGIONS[cycle % REGIONS.length] ?? 'eastus';
    const window = Math.floor(cycle / REGIONS.length);
    const start = new Date(Date.parse(item.effectiveStartDate) - window * 30 * 86_400_000).toISOString();
    items.push({
      ...item,
      meterId: seededGuid(random),
      armRegionName: region,
      location: region,
      effectiveStartDate: start.replace('.000Z', 'Z'),
      serviceName: 'Foundry Models',
      isPrimaryMeterRegion: true,
    });
  }
  return items;
}
