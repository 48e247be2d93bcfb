import type { Database } from '@azure/cosmos';

import { usageRowsOfSlices } from '../invoice/usageOfSlices.js';
import type { UsageByKey, UsageRow } from '../invoice/usagePort.js';
import { addDays } from '../report/period.js';
import { CosmosRollups } from './cosmosRollups.js';

/**
 * The usage side of the reconciliation from the rollups (docs/invoice.md, "The usage port"): the
 * range's dirty groups are refreshed first, as a report does, then its slices are read and summed
 * per key. One read per range, never one per record.
 */
export class RollupUsage implements UsageByKey {
  private readonly rollups: CosmosRollups;

  constructor(database: Database) {
    this.rollups = new CosmosRollups(database);
  }

  async *read(from: string, to: string): AsyncGenerator<UsageRow> {
    if (to <= from) return;
    const last = addDays(to, -1);
    await this.rollups.refreshDirty({ from, to: last });
    yield* usageRowsOfSlices(await this.rollups.read(from, last));
  }
}
