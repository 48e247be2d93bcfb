import type { PriceSet } from '../../../shared/cost/priceSet.js';
import type { AppIdentity } from '../../../shared/identity/types.js';
import type { LedgerDoc } from '../../../shared/pipeline/ledger.js';
import type { DeadLetter, IngestPorts, WriteStatus } from '../../../shared/pipeline/ports.js';
import type { UsageRecord } from '../../../shared/pipeline/record.js';
import { PriceBook } from '../../../shared/pricing/priceBook.js';
import { createPricer } from '../../../shared/pricing/pricer.js';
import { toPriceDocs, toPriceRows } from '../../../shared/pricing/priceRows.js';
import type { RetailPriceItem } from '../../../shared/pricing/types.js';
import { NOW } from './arbitraries.js';
import { readApiShape } from '../../helpers/apiShapes.js';

// The real eastus catalog, so the fuzzed records go through real price selection and cost math.
const catalog = (
  readApiShape('retail_aoai_meter_catalog_eastus_2025-08_derived.json') as {
    items: Omit<RetailPriceItem, 'armRegionName'>[];
  }
).items.map((item) => ({ ...item, armRegionName: 'eastus' }));
const book = new PriceBook(
  toPriceRows(toPriceDocs(catalog, 'USD', NOW.toISOString()).docs),
  'USD',
  NOW.toISOString(),
);
const pricer = createPricer(book, {
  currency: 'USD',
  deployments: {},
  defaultRegion: 'eastus',
  defaultDeploymentType: 'global',
  overrides: undefined,
});

// ---- in-memory fakes of the core's collaborators ------------------------------------------------

export function fakePorts(): IngestPorts & {
  records: Map<string, UsageRecord>;
  deadLetters: Map<string, DeadLetter>;
  ledger: LedgerDoc[];
  priceSets: Map<string, PriceSet>;
} {
  const records = new Map<string, UsageRecord>();
  const priceSets = new Map<string, PriceSet>();
  const deadLetters = new Map<string, DeadLetter>();
  const ledger: LedgerDoc[] = [];
  const create = <T extends { id: string }>(into: Map<string, T>, docs: readonly T[]) => {
    const statuses = new Map<string, WriteStatus>();
    for (const doc of docs) {
      statuses.set(doc.id, into.has(doc.id) ? 'exists' : 'created');
      if (!into.has(doc.id)) into.set(doc.id, doc);
    }
    return Promise.resolve(statuses);
  };
  return {
    records,
    deadLetters,
    ledger,
    priceSets,
    now: () => NOW,
    pricing: { current: () => Promise.resolve(pricer) },
    identities: {
      resolve: (appIds) =>
        Promise.resolve(
          new Map(
            appIds.map((id): [string, AppIdentity] => [
              id,
              id.endsWith('0')
                ? { status: 'pending', displayName: null, businessUnit: null, servicePrincipalType: null }
                : {
                    status: 'resolved',
                    displayName: `app ${id}`,
                    businessUnit: 'unit',
                    servicePrincipalType: 'Application',
                  },
            ]),
          ),
        ),
      takeStats: () => ({}),
    },
    store: {
      savePriceSets: (sets) => {
        for (const set of sets) priceSets.set(set.id, set);
        return Promise.resolve();
      },
      // Like Cosmos would not, this fake refuses a record naming a set not stored before it.
      createRecords: (docs) => {
        const orphan = docs.find((d) => d.priceSetId !== null && !priceSets.has(d.priceSetId));
        if (orphan) return Promise.reject(new Error(`record ${orphan.id} names an unsaved price set`));
        return create(records, docs);
      },
      createDeadLetters: (docs) => create(deadLetters, docs),
      markRollupsDirty: () => Promise.resolve(),
      writeLedger: (docs) => {
        ledger.push(...docs);
        return Promise.resolve();
      },
    },
  };
}
