import type { Database } from '@azure/cosmos';

import type { DeadLetter, IngestStore, WriteStatus } from '../../shared/pipeline/ports.js';
import type { UsageRecord } from '../../shared/pipeline/record.js';
import { dirtyMarkerId, type DirtyMarker } from '../../shared/store/rollupMarkers.js';
import { bulkWrite } from './bulkWrite.js';

/** CosmosIngestStore with the proposed bulk call: same containers, same documents, same order of writes. */
export class ProposedIngestStore implements IngestStore {
  constructor(private readonly database: Database) {}

  createRecords(records: readonly UsageRecord[]): Promise<ReadonlyMap<string, WriteStatus>> {
    return bulkWrite(this.database.container('usage'), 'Create', records);
  }

  createDeadLetters(deadLetters: readonly DeadLetter[]): Promise<ReadonlyMap<string, WriteStatus>> {
    return bulkWrite(this.database.container('deadletter'), 'Create', deadLetters);
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
    await bulkWrite(this.database.container('rollups'), 'Upsert', markers);
  }
}
