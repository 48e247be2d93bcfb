import type { Database } from '@azure/cosmos';

import type { LedgerDoc } from '../../shared/pipeline/ledger.js';
import type { DeadLetter, IngestStore, WriteStatus } from '../../shared/pipeline/ports.js';
import type { UsageRecord } from '../../shared/pipeline/record.js';
import { dirtyMarkerId, type DirtyMarker } from '../../shared/store/rollupMarkers.js';
import { bulkCreate, bulkUpsert } from './bulkCreate.js';

/**
 * CosmosIngestStore with the proposed bulk call: same containers, same documents, same order of writes.
 * Keep in step with shared/store/cosmosIngestStore.ts (the benchmark compares the two).
 */
export class ProposedIngestStore implements IngestStore {
  constructor(private readonly database: Database) {}

  createRecords(records: readonly UsageRecord[]): Promise<ReadonlyMap<string, WriteStatus>> {
    return bulkCreate(this.database.container('usage'), records);
  }

  createDeadLetters(deadLetters: readonly DeadLetter[]): Promise<ReadonlyMap<string, WriteStatus>> {
    return bulkCreate(this.database.container('deadletter'), deadLetters);
  }

  async markRollupsDirty(groups: readonly { day: string; appId: string }[]): Promise<void> {
    const markedAt = new Date().toISOString();
    const markers: DirtyMarker[] = groups.map(({ day, appId }) => ({
      id: dirtyMarkerId(appId, day),
      pk: `${appId}|${day}`,
      docType: 'dirty',
      appId,
      day,
      markedAt,
    }));
    await bulkUpsert(this.database.container('rollups'), markers);
  }

  async writeLedger(docs: readonly LedgerDoc[]): Promise<void> {
    await bulkUpsert(this.database.container('rollups'), docs);
  }
}
