import { describe, expect, it } from 'vitest';

import { DependencyError, NothingSavedError } from '../../../shared/errors.js';
import { ingestBatch, type Spill } from '../../../shared/pipeline/ingestBatch.js';
import type { IngestPorts, Pricer } from '../../../shared/pipeline/ports.js';
import { processBatch } from '../../../shared/pipeline/processBatch.js';
import { PriceBook, type PriceRow } from '../../../shared/pricing/priceBook.js';
import { createPricer } from '../../../shared/pricing/pricer.js';
import { fakePorts } from '../fuzz/fakePorts.js';
import { NOW } from '../fuzz/arbitraries.js';

// Issue 12, section 3: a pricing or normalisation failure of one event must never masquerade as a store
// failure. The collaborators are in-memory fakes (the pure core); the store is the only thing that may
// make a batch spill.

const APP = '5f8d2c1a-9b3e-4d7f-a6c2-1e0b9d8f7a61';
const event = (requestId: string, model = 'gpt-4o-2024-08-06') => ({
  schema: 'aoai-usage/2',
  requestId,
  eventTime: NOW.toISOString(),
  appId: APP,
  deployment: 'chat',
  deploymentType: 'GlobalStandard',
  region: 'eastus',
  operation: 'chat.completion',
  model,
  stream: false,
  statusCode: 200,
  usage: { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 },
});
// Request ids are GUIDs, so each stays its record's id (others are hashed into `r-…` ids).
const ID = {
  a: '0b6f3c9e-1d2a-4e5b-8c7d-000000000001',
  b: '0b6f3c9e-1d2a-4e5b-8c7d-000000000002',
  ok1: '0b6f3c9e-1d2a-4e5b-8c7d-000000000003',
  bad: '0b6f3c9e-1d2a-4e5b-8c7d-000000000004',
  ok2: '0b6f3c9e-1d2a-4e5b-8c7d-000000000005',
};
const sources = (n: number) => Array.from({ length: n }, () => ({ kind: 'file' as const }));
const settings = {
  currency: 'USD',
  deployments: {},
  defaultRegion: 'eastus',
  defaultDeploymentType: 'global' as const,
  overrides: undefined,
};

/** A row as an earlier version could hold it: a price the book's 18 decimals cannot represent. */
const row = (kind: 'input' | 'output', retailPrice: string): PriceRow => ({
  family: 'gpt-4o',
  version: '0806',
  deploymentType: 'global',
  kind,
  unitSize: 1000,
  meterId: `meter-${kind}`,
  meterName: `gpt-4o-0806-${kind === 'input' ? 'Inp' : 'Outp'}-glbl Tokens`,
  region: 'eastus',
  currency: 'USD',
  retailPrice,
  effectiveStartDate: '2024-08-01T00:00:00.000Z',
  effectiveEndDate: null,
});

describe('one event that cannot be priced or built', () => {
  it('is unpriced with the reason when its price cannot be used; the batch is written', async () => {
    const book = new PriceBook([row('input', '0.0025'), row('output', '7.000000000000001e-7')], 'USD', '');
    const ports = fakePorts();
    const withBook: IngestPorts = {
      ...ports,
      pricing: { current: () => Promise.resolve(createPricer(book, settings)) },
    };
    const summary = await processBatch([event(ID.a), event(ID.b)], sources(2), withBook);
    expect(summary).toMatchObject({ received: 2, deadLettered: 0, unpriced: 2 });
    expect(ports.records.get(ID.a)).toMatchObject({
      costStatus: 'unpriced',
      unpricedReason: 'pricing failed: 7.000000000000001e-7 has more than 18 decimals',
    });
  });

  it('is dead-lettered with the reason when building its record throws; the others are recorded', async () => {
    const ports = fakePorts();
    const real = await ports.pricing.current();
    const breaking: Pricer = {
      currency: 'USD',
      price: (usage) => {
        if (usage.model === 'breaks') throw new RangeError('no such thing');
        return real.price(usage);
      },
    };
    const summary = await processBatch([event(ID.ok1), event(ID.bad, 'breaks'), event(ID.ok2)], sources(3), {
      ...ports,
      pricing: { current: () => Promise.resolve(breaking) },
    });
    expect(summary).toMatchObject({ received: 3, recorded: 2, deadLettered: 1 });
    expect([...ports.records.keys()].sort()).toEqual([ID.ok1, ID.ok2]);
    const [deadLetter] = [...ports.deadLetters.values()];
    expect(deadLetter?.reasons).toEqual([
      { path: '(event)', problem: 'could not become a record: no such thing' },
    ]);
    expect(deadLetter?.raw).toContain(`"requestId":"${ID.bad}"`);
  });
});

describe('ingestBatch tells the kinds of failure apart', () => {
  const spillTo = (saved: string[]): Spill => ({
    save: (_bodies, _sources, reason) => {
      saved.push(reason);
      return Promise.resolve(`spill-${saved.length}`);
    },
  });

  it('spills a store failure as one', async () => {
    const ports = fakePorts();
    const failing: IngestPorts = {
      ...ports,
      store: { ...ports.store, createRecords: () => Promise.reject(new DependencyError('cosmos', 'down')) },
    };
    const saved: string[] = [];
    const result = await ingestBatch([event('x')], sources(1), failing, spillTo(saved));
    expect(result).toMatchObject({
      status: 'spilled',
      reason: 'store failure: cosmos: down',
      storeFailure: true,
    });
  });

  it('spills anything else too (nothing lost), saying it is not a store failure', async () => {
    const ports = fakePorts();
    const failing: IngestPorts = {
      ...ports,
      identities: { ...ports.identities, resolve: () => Promise.reject(new TypeError('a bug')) },
    };
    const saved: string[] = [];
    const result = await ingestBatch([event('x')], sources(1), failing, spillTo(saved));
    expect(result).toMatchObject({
      status: 'spilled',
      reason: 'not a store failure: a bug',
      storeFailure: false,
    });
  });

  it('throws NothingSavedError, naming both failures, when the spill fails too', async () => {
    const ports = fakePorts();
    const failing: IngestPorts = {
      ...ports,
      store: { ...ports.store, createRecords: () => Promise.reject(new DependencyError('cosmos', 'down')) },
    };
    const spill: Spill = { save: () => Promise.reject(new DependencyError('blob', 'unreachable')) };
    const attempt = ingestBatch([event('x'), event('y')], sources(2), failing, spill);
    await expect(attempt).rejects.toBeInstanceOf(NothingSavedError);
    await expect(attempt).rejects.toThrow(
      'nothing saved: 2 events are neither stored nor spilled (store: store failure: cosmos: down; spill: blob: unreachable)',
    );
  });
});
