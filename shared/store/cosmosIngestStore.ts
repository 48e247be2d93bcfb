import { randomUUID } from 'node:crypto';

import type { Database } from '@azure/cosmos';

import type { PriceSet } from '../cost/priceSet.js';
import type { DeadLetter, IngestStore, WriteStatus } from '../pipeline/ports.js';
import type { UsageRecord } from '../pipeline/record.js';
import type { LedgerDoc } from '../pipeline/ledger.js';
import { bulkCreate, bulkUpsert, DEFAULT_BULK_RETRY, type BulkRetryOptions } from './bulkCreate.js';
import { CosmosPriceSets } from './cosmosPriceSets.js';
import { markDirty } from './rollupMarkers.js';

/** The Cosmos side of ingest: usage records, their price sets, dead letters and rollup markers. */
export class CosmosIngestStore implements IngestStore {
  private readonly priceSets: CosmosPriceSets;

  constructor(
    private readonly database: Database,
    private readonly retry: BulkRetryOptions = DEFAULT_BULK_RETRY,
  ) {
    this.priceSets = new CosmosPriceSets(database.container('prices'), retry);
  }

  savePriceSets(sets: readonly PriceSet[]): Promise<void> {
    return this.priceSets.save(sets, new Date());
  }

  createRecords(records: readonly UsageRecord[]): Promise<ReadonlyMap<string, WriteStatus>> {
    // Unique to this write: a retry's 409 on a create whose answer was lost is told from a redelivery by it.
    const writeId = randomUUID();
    return bulkCreate(
      this.database.container('usage'),
      records.map((record) => ({ ...record, writeId })),
      this.retry,
    );
  }

  createDeadLetters(deadLetters: readonly DeadLetter[]): Promise<ReadonlyMap<string, WriteStatus>> {
    return bulkCreate(this.database.container('deadletter'), deadLetters, this.retry);
  }

  markRollupsDirty(groups: readonly { day: string; appId: string }[], notBefore?: Date): Promise<void> {
    return markDirty(this.database.container('rollups'), groups, this.retry, notBefore);
  }

  /** Upsert: a redelivered batch rewrites the same ledger documents (ids derive from event ids). */
  writeLedger(docs: readonly LedgerDoc[]): Promise<void> {
    return bulkUpsert(this.database.container('rollups'), docs, this.retry);
  }
}
