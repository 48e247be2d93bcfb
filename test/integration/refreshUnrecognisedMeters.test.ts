import { readFileSync } from 'node:fs';

import { Agent } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';

import { startRetailPricesStandIn } from '../../local/retailPricesStandIn.js';
import type { CapacityDoc } from '../../shared/pricing/capacityPrices.js';
import type { PriceDoc } from '../../shared/pricing/priceRows.js';
import { refreshPriceBook, type PriceBookStore } from '../../shared/pricing/refreshPriceBook.js';
import type { RetailPriceItem } from '../../shared/pricing/types.js';
import { partnerItems } from '../helpers/partnerMeters.js';

// `prices refresh` and the timer log what refreshPriceBook logs: a meter whose name the parser cannot
// read is named there (with its product), not only counted, so an operator sees a new spelling.

const snapshot = JSON.parse(
  readFileSync(new URL('../../samples/retail-prices-snapshot.json', import.meta.url), 'utf8'),
) as RetailPriceItem[];

/** Keeps what it is given; the refresh's bookkeeping is not what this test is about. */
class MemoryStore implements PriceBookStore {
  readonly docs: PriceDoc[] = [];
  save(docs: readonly PriceDoc[]) {
    this.docs.push(...docs);
    return Promise.resolve({ created: docs.length, unchanged: 0 });
  }
  saveCapacity(docs: readonly CapacityDoc[]) {
    return Promise.resolve({ created: docs.length });
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

describe('a refresh that meets meters it cannot read', () => {
  it('logs one warning naming them with their product, and still counts them', async () => {
    const server = await startRetailPricesStandIn({
      items: [...snapshot, ...partnerItems()],
      serveAsServiceName: 'Foundry Models',
    });
    cleanups.push(() => server.close());
    const dispatcher = new Agent({ connect: { ca: server.cert } });
    cleanups.push(() => dispatcher.close());
    const logged: string[] = [];
    const store = new MemoryStore();

    const result = await refreshPriceBook({
      url: server.url,
      currency: 'USD',
      store,
      dispatcher,
      log: (message) => logged.push(message),
    });

    expect(result.skipped['unrecognised name']).toBe(2);
    const named = result.warnings.filter((w) => w.includes('have an unrecognised name'));
    expect(named).toHaveLength(1);
    expect(logged).toContain(named[0]);
    expect(named[0]).toContain('"Embed v4 Txt Glbl Tokens" (Cohere Models, 1K, norwayeast)');
    expect(named[0]).toContain('"Embed v4 Img Glbl Tokens" (Cohere Models, 1K, northeurope)');
    expect(store.docs.some((doc) => doc.meterName.startsWith('Embed v4'))).toBe(false);
  });
});
