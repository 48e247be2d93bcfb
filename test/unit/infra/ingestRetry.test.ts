import { readFileSync } from 'node:fs';

import { app } from '@azure/functions';
import { describe, expect, it, vi } from 'vitest';

// Issue 12: after 8 retries (about 15 minutes) the host checkpointed past a batch that neither Cosmos nor
// blob storage had taken. Only that case throws, so the Event Hub trigger must retry it indefinitely.

describe('the ingest function retry policy', () => {
  it('retries a batch that could not be saved indefinitely (maxRetryCount -1), with backoff', async () => {
    const registered = vi.spyOn(app, 'eventHub').mockImplementation(() => undefined);
    await import('../../../functions/ingestUsage.js');
    const options = registered.mock.calls.find(([name]) => name === 'ingestUsage')?.[1];
    expect(options?.retry).toEqual({
      strategy: 'exponentialBackoff',
      maxRetryCount: -1,
      minimumInterval: { seconds: 5 },
      maximumInterval: { minutes: 5 },
    });
    registered.mockRestore();
  });

  it('is not capped by a host-wide retry in host.json', () => {
    const host = JSON.parse(readFileSync(new URL('../../../host.json', import.meta.url), 'utf8')) as {
      retry?: { maxRetryCount?: number };
    };
    expect(host.retry?.maxRetryCount ?? -1).toBe(-1);
  });
});
