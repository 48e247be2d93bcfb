import { createHash } from 'node:crypto';

import type { RepriceFingerprint } from '../pipeline/ports.js';
import type { PriceKeySettings } from './resolvePriceKey.js';

/** Stamp of a priced record whose every key part came from the event: no setting can change it. */
export const SETTLED_BY_EVENT = 'event';

/**
 * Short hashes of what a pricing outcome depends on besides the event. The parts are a list of
 * named values, so a later input (an ARM deployment inventory's version) is one more entry. A
 * changed part makes backfill look at the records checked against the old value once more.
 */
export function repriceFingerprint(
  settings: PriceKeySettings & { readonly currency: string },
  bookVersion: string | null,
  /** The deployment inventory's version (what pricing reads of it), when the inventory is on. */
  inventoryVersion?: string,
): RepriceFingerprint {
  const key = `k${hash([
    ['deployments', settings.deployments],
    ['defaultDeploymentType', settings.defaultDeploymentType],
    ['defaultRegion', settings.defaultRegion],
    ...(inventoryVersion === undefined ? [] : [['inventory', inventoryVersion] as const]),
  ])}`;
  const book =
    bookVersion === null
      ? null
      : `b${hash([
          ['key', key],
          ['currency', settings.currency],
          ['book', bookVersion],
        ])}`;
  return inventoryVersion === undefined ? { key, book } : { key, book, inventory: true };
}

/** 64 bits of SHA-256 over canonical JSON (object keys sorted, so reordering DEPLOYMENTS changes nothing). */
export function hash(parts: readonly (readonly [string, unknown])[]): string {
  return createHash('sha256').update(canonicalJson(parts)).digest('hex').slice(0, 16);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  // undefined (dropped above inside objects) and functions never reach here: settings are JSON.
  return JSON.stringify(value);
}
