import type { BackfillDeps } from '../pipeline/backfill.js';
import { CosmosRollups } from '../store/cosmosRollups.js';
import { CosmosUsageRecords } from '../store/cosmosUsageRecords.js';
import type { Services } from './services.js';

/** Wires backfill's ports to the Cosmos and blob adapters, for the timer function and the CLI. */
export function backfillDeps(services: Services): BackfillDeps {
  return {
    usage: new CosmosUsageRecords(services.database.container('usage')),
    spill: services.spill,
    ingest: services.ingest,
    pricing: services.pricing,
    rollups: new CosmosRollups(services.database),
  };
}
