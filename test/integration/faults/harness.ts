import { readFileSync } from 'node:fs';

import type { StandInServicePrincipal } from '../../../local/graphStandIn.js';
import type { LocalStack } from '../../../local/stack.js';
import { createServices, type ServiceOptions, type Services } from '../../../shared/app/services.js';
import { loadSettings } from '../../../shared/config.js';
import { normalizeEvent } from '../../../shared/events/normalize.js';
import type { EventSource } from '../../../shared/events/types.js';
import { buildDeadLetter } from '../../../shared/pipeline/deadLetter.js';
import { toPriceDocs } from '../../../shared/pricing/priceRows.js';
import type { RetailPriceItem } from '../../../shared/pricing/types.js';
import { buildSampleEvents } from '../../../shared/producer/sampleEvents.js';
import { sliceKey } from '../../../shared/report/rollupMath.js';
import { CosmosRollups } from '../../../shared/store/cosmosRollups.js';
import { visibleSlices } from '../../../shared/store/rollupSource.js';
import { apiShapePath } from '../../helpers/apiShapes.js';

const CATALOG = apiShapePath('retail_aoai_meter_catalog_eastus_2025-08_derived.json');

/** Fast retries: the SDK's own 429 handling waits `x-ms-retry-after-ms`; ours only adds a little. */
export const FAST_RETRY = { attempts: 4, minDelayMs: 5, maxDelayMs: 40 } as const;

export const APPS = [
  '11111111-1111-4111-8111-111111111111',
  '22222222-2222-4222-8222-222222222222',
  '33333333-3333-4333-8333-333333333333',
] as const;

export const PRINCIPALS: StandInServicePrincipal[] = APPS.map((appId, i) => ({
  id: `9999999${i}-0000-4000-8000-000000000000`,
  appId,
  displayName: `app ${i}`,
  servicePrincipalType: 'Application',
  tags: [`businessUnit:unit-${i}`],
}));

/** The real eastus AOAI catalog (512 meters), placed in eastus. */
export function catalogItems(): RetailPriceItem[] {
  const parsed = JSON.parse(readFileSync(CATALOG, 'utf8')) as {
    items: Omit<RetailPriceItem, 'armRegionName'>[];
  };
  return parsed.items.map((item) => ({
    ...item,
    armRegionName: 'eastus',
    currencyCode: 'USD',
    type: 'Consumption',
  }));
}

/** The model families the sample events use: the book needs no others. */
const SAMPLE_FAMILIES = ['gpt-4o', 'gpt-4o-mini', 'o3-mini', 'gpt-5-mini', 'text-embedding-3-large'];

/** Stores the book; `without` leaves out model families, so their records come out unpriced. */
export async function seedPrices(services: Services, without: readonly string[] = []): Promise<void> {
  const at = new Date().toISOString();
  const { docs } = toPriceDocs(catalogItems(), 'USD', at);
  const kept = docs.filter((d) => SAMPLE_FAMILIES.includes(d.pk) && !without.includes(d.pk));
  // Small saves: the SDK's bulk path pauses a whole second once a call holds more than ~25 operations.
  for (let i = 0; i < kept.length; i += 20) {
    const meta = { refreshedAt: at, currency: 'USD', serviceName: 'Cognitive Services', items: kept.length };
    await services.prices.save(kept.slice(i, i + 20), meta);
  }
  services.pricing.invalidate();
}

export interface Batch {
  readonly bodies: unknown[];
  readonly sources: EventSource[];
}

/**
 * A hub batch of sample events (all priced by the catalog, crossing midnight), with a few bad
 * bodies and an in-batch duplicate mixed in, from partition 0 starting at `firstSequence`.
 */
export function sampleBatch(count: number, seed: number, firstSequence = 0): Batch {
  const events = buildSampleEvents(count, { seed, apps: [...APPS], start: '2025-09-01T23:50:00Z' });
  const bodies: unknown[] = events.map((e, i) => {
    if (i % 23 === 7) return `{"schema":"aoai-usage/2","requestId":"broken-${seed}-${i}"`;
    if (i % 29 === 11) return { ...e, appId: 'not-a-guid' };
    const body = { ...e, region: 'eastus' };
    // The trigger hands bodies over as objects, JSON strings or bytes: all three must survive a spill.
    if (i % 5 === 0) return Buffer.from(JSON.stringify(body));
    return i % 3 === 0 ? JSON.stringify(body) : body;
  });
  bodies.push(bodies[1]);
  const sources = bodies.map((_, i): EventSource => ({
    kind: 'eventhub',
    partitionId: '0',
    sequenceNumber: firstSequence + i,
  }));
  return { bodies, sources };
}

/** The id each event must end up under: its record id, or its dead-letter id. */
export function expectedIds(batch: Batch): { records: Set<string>; deadLetters: Set<string> } {
  const now = new Date();
  const records = new Set<string>();
  const deadLetters = new Set<string>();
  batch.bodies.forEach((body, i) => {
    const source = batch.sources[i] ?? { kind: 'eventhub' };
    const result = normalizeEvent(body, source, now);
    if (result.ok) records.add(result.usage.id);
    else deadLetters.add(buildDeadLetter(result, source, now).id);
  });
  return { records, deadLetters };
}

export async function openServices(
  stack: LocalStack,
  database: string,
  options: { endpoint?: string } & ServiceOptions = {},
): Promise<Services> {
  const { endpoint, ...rest } = options;
  const settings = loadSettings({
    ...stack.env,
    COSMOS_DATABASE: database,
    ...(endpoint ? { COSMOS_ENDPOINT: endpoint } : {}),
  });
  return createServices(settings, { trustedCa: stack.trustedCa, bulkRetry: FAST_RETRY, ...rest });
}

type Doc = Record<string, unknown>;

/** What a run leaves behind, without what legitimately differs between runs (times, system fields). */
export interface Snapshot {
  readonly records: Map<string, Doc>;
  readonly deadLetters: Map<string, Doc>;
  readonly rollups: Map<string, Doc>;
  readonly recordCount: number;
  readonly deadLetterCount: number;
  readonly totals: { costNanos: bigint; totalTokens: number; promptTokens: number; completionTokens: number };
}

const strip = (doc: Doc, drop: readonly string[]): Doc =>
  Object.fromEntries(Object.entries(doc).filter(([k]) => !k.startsWith('_') && !drop.includes(k)));

async function readAll(services: Services, container: string, query: string): Promise<Doc[]> {
  const { resources } = await services.database.container(container).items.query<Doc>(query).fetchAll();
  return resources;
}

export async function snapshot(services: Services): Promise<Snapshot> {
  await new CosmosRollups(services.database).refreshDirty();
  const records = await readAll(services, 'usage', 'SELECT * FROM c');
  const deadLetters = await readAll(services, 'deadletter', 'SELECT * FROM c');
  // The visible slices, keyed by what they count: ids and generations change with every recompute.
  const rollups = visibleSlices(await readAll(services, 'rollups', 'SELECT * FROM c')).slices.map((s) => ({
    ...s,
    id: `${s.pk}|${sliceKey(s)}`,
    costNanos: String(s.costNanos),
  }));
  const totals = { costNanos: 0n, totalTokens: 0, promptTokens: 0, completionTokens: 0 };
  for (const r of records) {
    totals.costNanos += BigInt((r.costNanos as number | null) ?? 0);
    totals.totalTokens += r.totalTokens as number;
    totals.promptTokens += r.promptTokens as number;
    totals.completionTokens += r.completionTokens as number;
  }
  const byId = (docs: Doc[], drop: readonly string[]) =>
    new Map(docs.map((d) => [String(d.id), strip(d, drop)]));
  return {
    records: byId(records, ['ingestedAt', 'writeId']),
    deadLetters: byId(deadLetters, ['receivedAt', 'day']),
    rollups: byId(rollups, ['computedAt', 'gen']),
    recordCount: records.length,
    deadLetterCount: deadLetters.length,
    totals,
  };
}

/** Sorted entries, so a failing comparison prints a readable diff. */
export const entries = (map: Map<string, Doc>) => [...map].sort(([a], [b]) => a.localeCompare(b));
