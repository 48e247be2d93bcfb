import { Agent } from 'node:https';

import { CosmosClient, type Container } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startCosmosStandIn, type LocalCosmos } from '../../local/cosmosStandIn.js';
import { DependencyError, RejectedWriteError } from '../../shared/errors.js';
import { bulkCreate } from '../../shared/store/bulkCreate.js';

// Issue 12: a document whose id Cosmos (or its SDK) refuses was retried as if the store were down, and the
// batch spilled as a store failure that no replay could ever fix. Such a write is refused at once, with a
// RejectedWriteError (not a DependencyError), so backfill counts and finally quarantines its spill.

let cosmos: LocalCosmos;
let client: CosmosClient;
let container: Container;
const retry = { attempts: 3, minDelayMs: 1, maxDelayMs: 5 };

beforeAll(async () => {
  cosmos = await startCosmosStandIn();
  client = new CosmosClient({
    endpoint: cosmos.endpoint,
    key: cosmos.key,
    agent: new Agent({ ca: cosmos.cert }),
  });
  const { database } = await client.databases.createIfNotExists({ id: 'ids' });
  ({ container } = await database.containers.createIfNotExists({
    id: 'docs',
    partitionKey: { paths: ['/pk'] },
  }));
});

afterAll(async () => {
  client.dispose();
  await cosmos.close();
});

describe('ids the store cannot take', () => {
  it.each([
    ['a slash', 'chat/1'],
    ['a backslash', 'chat\\1'],
    ['a hash', 'chat#1'],
    ['a question mark', 'chat?1'],
    ['a trailing space', 'chat-1 '],
    ['a lone surrogate', 'gpt-4o-\ud800'],
    ['1,024 bytes', 'é'.repeat(512)],
  ])('are refused, not retried as an outage: %s', async (_label, id) => {
    const docs = [
      { id: `fine-${Math.random()}`, pk: 'p' },
      { id, pk: 'p' },
    ];
    const attempt = bulkCreate(container, docs, retry);
    await expect(attempt).rejects.toBeInstanceOf(RejectedWriteError);
    await expect(attempt).rejects.not.toBeInstanceOf(DependencyError);
  });

  it('a valid id with unusual characters is still written', async () => {
    const statuses = await bulkCreate(container, [{ id: 'gpt-4o-😀|ünï', pk: 'p' }], retry);
    expect([...statuses.values()]).toEqual(['created']);
  });
});
