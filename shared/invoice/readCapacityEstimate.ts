import type { Database } from '@azure/cosmos';

import type { Settings } from '../config.js';
import { datedPeriods } from '../inventory/datedPeriods.js';
import type { InventorySnapshot } from '../inventory/ports.js';
import type { UsageSlice } from '../report/types.js';
import { CosmosInventoryStore } from '../store/cosmosInventoryStore.js';
import { CosmosPriceStore } from '../store/cosmosPriceStore.js';
import { allocationOptions, type KeyAllocation } from './billedShares.js';
import { estimateCapacity, type CapacityLine } from './capacityEstimate.js';
import { allocateCapacityEstimate } from './capacityKeys.js';
import { undatedProvisioned } from './undatedCapacity.js';
import { usageRowsOfSlices } from './usageOfSlices.js';

const DAY_MS = 86_400_000;

export interface CapacityEstimate {
  /** The priced estimate, allocated to apps and idle capacity as a bill would be. */
  readonly keys: KeyAllocation[];
  /** Deployment-days the estimate could not price, with the reason. */
  readonly unpriced: CapacityLine[];
}

const NONE: CapacityEstimate = { keys: [], unpriced: [] };

/** UTC days `from..to` (inclusive) that no bill covers, up to today: the days a capacity estimate fills. */
export function unbilledDays(from: string, to: string, billedDays: readonly string[], now: Date): string[] {
  const billed = new Set(billedDays);
  const today = now.toISOString().slice(0, 10);
  const days: string[] = [];
  for (let ms = Date.parse(`${from}T00:00:00Z`); ms <= Date.parse(`${to}T00:00:00Z`); ms += DAY_MS) {
    const day = new Date(ms).toISOString().slice(0, 10);
    if (day > today) break;
    if (!billed.has(day)) days.push(day);
  }
  return days;
}

async function storedInventory(database: Database): Promise<InventorySnapshot> {
  try {
    return await new CosmosInventoryStore(database.container('inventory')).load();
  } catch (error) {
    // No inventory ever refreshed: nothing is known to be deployed, so nothing is estimated.
    if ((error as { code?: number }).code === 404) return { accounts: [], subscriptions: [] };
    throw error;
  }
}

/**
 * The capacity estimate for the days no bill covers: the deployment inventory's periods × the hourly
 * prices of the price book, until `now`, allocated over `slices` (the rollups the report read). What
 * the billed basis shows before a bill exists; reads the `inventory` and `prices` containers only.
 */
export async function readCapacityEstimate(
  database: Database,
  settings: Pick<
    Settings,
    'PRICE_CURRENCY' | 'UNATTRIBUTED_POLICY' | 'PTU_IDLE_POLICY' | 'PTU_TOKEN_WEIGHTS'
  >,
  range: {
    readonly from: string;
    readonly to: string;
    readonly billedDays: readonly string[];
    readonly slices: readonly UsageSlice[];
    readonly now: Date;
  },
): Promise<CapacityEstimate> {
  const days = unbilledDays(range.from, range.to, range.billedDays, range.now);
  if (days.length === 0) return NONE;
  // Only the unbilled days' usage: the estimate lines are on those days, and the billed days' rows
  // were already read for the allocation.
  const unbilled = new Set(days);
  const usage = usageRowsOfSlices(range.slices.filter((s) => unbilled.has(s.day)));
  const periods = datedPeriods(await storedInventory(database));
  const prices =
    periods.length === 0
      ? []
      : await new CosmosPriceStore(database.container('prices')).loadCapacityPrices(settings.PRICE_CURRENCY);
  const lines = estimateCapacity(periods, prices, { days, until: range.now.getTime() });
  return {
    keys: allocateCapacityEstimate(lines, usage, allocationOptions(settings)),
    unpriced: [...lines, ...undatedProvisioned(lines, usage, days)].filter(
      (line) => line.status === 'unpriced',
    ),
  };
}
