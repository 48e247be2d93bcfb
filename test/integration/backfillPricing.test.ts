import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { backfillDeps } from '../../shared/app/backfillDeps.js';
import { createServices, type Services } from '../../shared/app/services.js';
import { loadSettings } from '../../shared/config.js';
import type { EventSource } from '../../shared/events/types.js';
import { formatBackfill, runBackfill } from '../../shared/pipeline/backfill.js';
import { ingestBatch } from '../../shared/pipeline/ingestBatch.js';
import { toPriceDocs } from '../../shared/pricing/priceRows.js';
import { refreshPriceBook } from '../../shared/pricing/refreshPriceBook.js';
import type { RetailPriceItem } from '../../shared/pricing/types.js';
import { FAST_RETRY } from './faults/harness.js';

// The demo's price snapshot (samples/, from the Retail Prices API): gpt-4o 0806 input is 0.0025 per
// 1K tokens global and 0.00275 data zone in eastus.
const SNAPSHOT = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../samples/retail-prices-snapshot.json', import.meta.url)), 'utf8'),
) as RetailPriceItem[];
const APP = '5f8d2c1a-9b3e-4d7f-a6c2-1e0b9d8f7a65';

let stack: LocalStack;
const opened: Services[] = [];

beforeAll(async () => {
  stack = await startLocalStack({
    priceItems: SNAPSHOT,
    serveAsServiceName: 'Foundry Models',
    azurite: true,
  });
});

afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  await stack.stop();
});

async function open(database: string, deployments: object = {}): Promise<Services> {
  const settings = loadSettings({
    ...stack.env,
    COSMOS_DATABASE: database,
    DEPLOYMENTS: JSON.stringify(deployments),
  });
  const services = await createServices(settings, { trustedCa: stack.trustedCa, bulkRetry: FAST_RETRY });
  opened.push(services);
  return services;
}

async function refresh(services: Services): Promise<void> {
  await refreshPriceBook({
    url: services.settings.RETAIL_PRICES_URL,
    currency: 'USD',
    store: services.prices,
    dispatcher: services.retailDispatcher,
  });
  services.pricing.invalidate();
}

/** A v2 event of 5,000 prompt tokens; `deploymentType` and `region` only when given. */
function event(requestId: string, minute: number, fields: Record<string, unknown> = {}) {
  return {
    schema: 'aoai-usage/2',
    requestId,
    eventTime: `2025-09-15T10:${String(minute).padStart(2, '0')}:00Z`,
    appId: APP,
    deployment: 'chat-dz',
    operation: 'chat.completion',
    model: 'gpt-4o-2024-08-06',
    usage: { prompt_tokens: 5000, completion_tokens: 0, total_tokens: 5000 },
    ...fields,
  };
}

async function ingest(services: Services, bodies: readonly object[]): Promise<void> {
  const sources = bodies.map((_, i): EventSource => ({ kind: 'file', file: 'test.jsonl', line: i + 1 }));
  const result = await ingestBatch(bodies, sources, services.ingest, services.spill);
  expect(result.status).toBe('processed');
}

type Doc = Record<string, unknown>;

async function records(services: Services): Promise<Map<string, Doc>> {
  const { resources } = await services.database
    .container('usage')
    .items.query<Doc>('SELECT * FROM c')
    .fetchAll();
  return new Map(resources.map((r) => [r.requestId as string, r]));
}

const DZ = { 'chat-dz': { deploymentType: 'datazone' } };

describe('a late DEPLOYMENTS fix', () => {
  it('re-prices v2 records whose key used a default, priced ones included, to what ingest after the fix writes', async () => {
    const bodies = [
      event('late-fix', 1),
      // The event's own type wins over the map, before and after.
      event('own-type', 2, { deploymentType: 'global', region: 'eastus' }),
    ];
    const after = await open('late-fix-after', DZ);
    await refresh(after);
    await ingest(after, bodies);
    const expected = await records(after);
    expect(expected.get('late-fix')).toMatchObject({
      deploymentType: 'datazone',
      cost: 0.01375,
      // Only the parts the event did not carry: model and version came from its model name.
      priceKeySources: { deploymentType: 'map', region: 'default' },
    });

    const before = await open('late-fix');
    await refresh(before);
    await ingest(before, bodies);
    expect((await records(before)).get('late-fix')).toMatchObject({
      deploymentType: 'global',
      cost: 0.0125,
      costStatus: 'priced',
      priceKeySources: { deploymentType: 'default' },
    });

    expect(expected.get('late-fix')?.priceKeySources).toEqual({ deploymentType: 'map', region: 'default' });
    expect(expected.get('own-type')).toMatchObject({ priceKeySources: {}, repriceCheckedAgainst: 'event' });

    const fixed = await open('late-fix', DZ);
    const result = await runBackfill(backfillDeps(fixed));
    expect(result.prices).toMatchObject({ ok: true, examined: 1, repriced: 1, untried: 0 });
    const got = await records(fixed);
    for (const id of ['late-fix', 'own-type']) {
      // writeId is random per write (it tells a lost response's retry from another writer).
      const { ingestedAt: _a, _etag, _ts, _rid, _self, writeId: _w, ...rest } = got.get(id) ?? {};
      const {
        ingestedAt: _b,
        _etag: e,
        _ts: t,
        _rid: r,
        _self: s,
        writeId: w,
        ...want
      } = expected.get(id) ?? {};
      expect(rest).toEqual(want);
    }
    // Checked against this mapping: the next run has nothing to look at.
    const again = await runBackfill(backfillDeps(fixed));
    expect(again.prices).toMatchObject({ ok: true, examined: 0, untried: 0 });
  });

  it('re-keys a v1 record once DEPLOYMENTS settles its version and type, as ingest after the fix does', async () => {
    // The seed policy's v1 shape: no deployment, type or region, and a model name without a version.
    const v1 = {
      'event-time': '9/15/2025 10:30:00 AM',
      appid: APP,
      operation: 'chat.completion',
      model: 'gpt-4o',
      prompt_tokens: '5000',
      completion_tokens: '0',
      total_tokens: '5000',
      'message-id': 'v1-late-fix',
    };
    const mapping = { 'gpt-4o': { version: '0806', deploymentType: 'datazone' } };
    const after = await open('v1-after', mapping);
    await refresh(after);
    await ingest(after, [v1]);
    const want = (await records(after)).get('v1-late-fix');
    expect(want).toMatchObject({ deploymentType: 'datazone', cost: 0.01375 });

    const before = await open('v1-before');
    await refresh(before);
    await ingest(before, [v1]);
    expect((await records(before)).get('v1-late-fix')).toMatchObject({
      costStatus: 'unpriced',
      unpricedReason: expect.stringContaining('ambiguous version') as unknown,
    });
    const fixed = await open('v1-before', mapping);
    expect((await runBackfill(backfillDeps(fixed))).prices).toMatchObject({ ok: true, repriced: 1 });
    const got = (await records(fixed)).get('v1-late-fix');
    for (const field of ['deploymentType', 'region', 'cost', 'costNanos', 'priceSetId', 'priceKeySources'])
      expect(got?.[field]).toEqual(want?.[field]);
  });

  it('re-resolves records written before priceKeySources existed, keeping a non-default value as the event’s', async () => {
    const services = await open('legacy');
    await refresh(services);
    await ingest(services, [
      event('legacy-default', 1),
      event('legacy-own', 2, { deployment: 'other', deploymentType: 'regional', region: 'eastus' }),
    ]);
    // What an older version wrote: no sources, no stamp.
    const usage = services.database.container('usage');
    for (const doc of (await records(services)).values()) {
      const { priceKeySources: _s, repriceCheckedAgainst: _c, ...old } = doc;
      await usage.item(old.id as string, old.pk as string).replace(old);
    }

    const fixed = await open('legacy', { ...DZ, other: { deploymentType: 'datazone' } });
    const result = await runBackfill(backfillDeps(fixed));
    expect(result.prices).toMatchObject({ ok: true, examined: 2, untried: 0 });
    const got = await records(fixed);
    // Legacy: the map has an entry for both, so both follow it (documented: the map wins).
    expect(got.get('legacy-default')).toMatchObject({ deploymentType: 'datazone', cost: 0.01375 });
    expect(got.get('legacy-own')).toMatchObject({ deploymentType: 'datazone', cost: 0.01375 });

    // Without a map entry, a stored non-default value stays (it can only have come from the event);
    // one equal to the default is the default's.
    const unmapped = await open('legacy-unmapped');
    await refresh(unmapped);
    await ingest(unmapped, [event('kept', 1, { deploymentType: 'regional', region: 'eastus' })]);
    const kept = (await records(unmapped)).get('kept') ?? {};
    const { priceKeySources: _s, repriceCheckedAgainst: _c, ...old } = kept;
    await unmapped.database
      .container('usage')
      .item(old.id as string, old.pk as string)
      .replace(old);
    const rerun = await runBackfill(backfillDeps(unmapped));
    expect(rerun.prices).toMatchObject({ ok: true, examined: 1, repriced: 0 });
    expect((await records(unmapped)).get('kept')).toMatchObject({
      deploymentType: 'regional',
      cost: 0.01375,
      priceKeySources: { region: 'default' },
    });
  });
});

describe('backfill does not starve', () => {
  it('five never-priceable records cannot hold back five priceable ones, and are tried again when the book changes', async () => {
    const services = await open('starve');
    // No book yet: every record is unpriced. The never-priceable ones are the oldest.
    const bogus = [1, 2, 3, 4, 5].map((i) => event(`bogus-${i}`, i, { model: 'acme-llm-9' }));
    const good = [1, 2, 3, 4, 5].map((i) =>
      event(`good-${i}`, 10 + i, { deploymentType: 'global', region: 'eastus' }),
    );
    await ingest(services, [...bogus, ...good]);
    expect([...(await records(services)).values()].every((r) => r.costStatus === 'unpriced')).toBe(true);
    await refresh(services);

    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await runBackfill(backfillDeps(services), { limit: 5 }));
    const priced = [...(await records(services)).values()].filter((r) => r.costStatus === 'priced');
    expect(priced.map((r) => r.requestId).sort()).toEqual(good.map((e) => e.requestId).sort());
    expect(runs.map((r) => r.prices)).toMatchObject([
      { ok: true, examined: 5, repriced: 0, stillUnpriced: 10, untried: 5, more: true },
      { ok: true, examined: 5, repriced: 5, stillUnpriced: 5, untried: 0, more: false },
      { ok: true, examined: 0, repriced: 0, stillUnpriced: 5, untried: 0, more: false },
    ]);
    const summary = formatBackfill(runs[0] ?? expect.fail('no run')).join('\n');
    expect(summary).toContain('5 records not checked yet (more next run)');
    expect(summary).toMatch(/still unpriced \(5\): .*acme-llm-9/);

    // A new meter in the book: the never-priceable ones are tried once more.
    const extra = toPriceDocs(
      SNAPSHOT.filter((item) => item.meterName.startsWith('gpt-4o-0806-Inp-glbl')).map((item) => ({
        ...item,
        effectiveStartDate: '2026-01-01T00:00:00Z',
      })),
      'USD',
      new Date().toISOString(),
    ).docs;
    expect(extra.length).toBeGreaterThan(0);
    await services.prices.save(extra, {
      refreshedAt: new Date().toISOString(),
      currency: 'USD',
      serviceName: 'Foundry Models',
      items: extra.length,
    });
    const changed = await runBackfill(backfillDeps(services), { limit: 5 });
    expect(changed.prices).toMatchObject({ ok: true, examined: 5, repriced: 0, untried: 0 });
  });
});
