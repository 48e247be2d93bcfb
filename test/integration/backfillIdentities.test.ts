import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { backfillDeps } from '../../shared/app/backfillDeps.js';
import type { Services } from '../../shared/app/services.js';
import type { EventSource } from '../../shared/events/types.js';
import { runBackfill } from '../../shared/pipeline/backfill.js';
import { ingestBatch } from '../../shared/pipeline/ingestBatch.js';
import { APPS, openServices, PRINCIPALS, seedPrices } from './faults/harness.js';

let stack: LocalStack;
let services: Services;

beforeAll(async () => {
  stack = await startLocalStack({ servicePrincipals: PRINCIPALS, azurite: true });
  services = await openServices(stack, 'identity-starvation');
  await seedPrices(services);
});

afterAll(async () => {
  await services.close();
  await stack.stop();
});

/** A v2 event priced by the seeded book (gpt-4o-mini, global, eastus). */
function event(appId: string, requestId: string, minute: number) {
  return {
    schema: 'aoai-usage/2',
    requestId,
    eventTime: `2025-09-01T10:${String(minute).padStart(2, '0')}:00Z`,
    appId,
    deployment: 'mini',
    deploymentType: 'global',
    region: 'eastus',
    operation: 'chat.completion',
    model: 'gpt-4o-mini-2024-07-18',
    usage: { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 },
  };
}

describe('backfill does not starve on identities', () => {
  it('an app the directory keeps failing for cannot hold back the others, however old its records', async () => {
    const failing = APPS[0];
    const healthy = APPS[1];
    const bodies = [
      ...[1, 2, 3, 4, 5].map((i) => event(failing, `failing-${i}`, i)),
      ...[1, 2, 3, 4, 5].map((i) => event(healthy, `healthy-${i}`, 10 + i)),
    ];
    const sources = bodies.map((_, i): EventSource => ({ kind: 'file', file: 'test.jsonl', line: i + 1 }));
    // Graph down at ingest: every record is written pending.
    stack.graph.setFault({ status: 503 });
    expect((await ingestBatch(bodies, sources, services.ingest, services.spill)).status).toBe('processed');
    stack.graph.setFault(undefined);
    stack.graph.setAppFault(failing, { fail5xx: 503 });

    const run = await runBackfill(backfillDeps(services), { limit: 5 });
    expect(run.identities).toMatchObject({ ok: true, examined: 5, completed: 5, stillPending: 5 });
    const { resources } = await services.database
      .container('usage')
      .items.query<{ requestId: string; identityStatus: string }>(
        'SELECT c.requestId, c.identityStatus FROM c',
      )
      .fetchAll();
    const pending = resources.filter((r) => r.identityStatus === 'pending').map((r) => r.requestId);
    expect(pending.sort()).toEqual([1, 2, 3, 4, 5].map((i) => `failing-${i}`));

    stack.graph.setAppFault(failing, undefined);
    const recovered = await runBackfill(backfillDeps(services), { limit: 5 });
    expect(recovered.identities).toMatchObject({ ok: true, completed: 5, stillPending: 0 });
  });
});
