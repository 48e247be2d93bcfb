import type { UsageSlice } from '../report/types.js';
import type { AlertDoc, Delivery } from './alertDoc.js';
import type { Budget } from './budget.js';

/** The one port over the rollups: the same slices, and so the same figures, as `report`. */
export interface SpendReader {
  read(from: string, to: string): Promise<UsageSlice[]>;
}

/** Where budgets and their alerts are kept (shared/store/cosmosBudgets.ts). */
export interface BudgetStore {
  list(): Promise<Budget[]>;
  /** Ids of the alerts already fired in these partitions. */
  firedIds(partitions: readonly string[]): Promise<Set<string>>;
  /** The conditional create that fires an alert: null when it had fired already. */
  createAlert(doc: AlertDoc): Promise<{ etag: string } | null>;
  /** Replaces the delivery state if unchanged since `etag`; null when another evaluator won. */
  setDelivery(doc: AlertDoc, etag: string, delivery: Delivery): Promise<{ etag: string } | null>;
  /** Failed deliveries, and claims older than `staleBefore`. */
  undelivered(staleBefore: Date): Promise<{ doc: AlertDoc; etag: string }[]>;
}
