import { fineTunedBase, isFineTuned, normalizeFamily } from '../pricing/modelFamily.js';
import { TOKEN_KINDS, type TokenKind } from '../pricing/types.js';
import type { UsageSlice } from '../report/types.js';
import type { UsageRow } from './usagePort.js';

/** The family as the PTU weights name it: a fine-tuned model's is its base model's. */
const familyOf = (model: string): string => normalizeFamily(fineTunedBase(model) ?? model);

/**
 * Pure: the reconciliation's usage rows of one rollup slice. A slice without a resource cannot meet
 * a bill line (the key is the ARM id), so it gives none; its money stays on the estimate basis.
 */
const isTokenKind = (kind: string): kind is TokenKind => (TOKEN_KINDS as readonly string[]).includes(kind);

export function usageRowsOfSlice(slice: UsageSlice): UsageRow[] {
  const resourceId = slice.resourceId?.toLowerCase();
  if (!resourceId) return [];
  const base = { resourceId, day: slice.day, appId: slice.appId, modelFamily: familyOf(slice.model) };
  const rows: UsageRow[] = [];
  for (const m of slice.meters ?? [])
    rows.push({
      ...base,
      basis: 'meter',
      meterId: m.meterId.toLowerCase(),
      ...(isTokenKind(m.kind) ? { tokenKind: m.kind } : {}),
      units: BigInt(m.units),
      estimateNanos: m.estimateNanos,
    });
  const p = slice.provisioned;
  if (p !== undefined) {
    const kinds: [TokenKind, number][] = [
      ['input', p.promptTokens - p.cachedTokens],
      ['cachedInput', p.cachedTokens],
      ['output', p.completionTokens],
    ];
    for (const [tokenKind, units] of kinds)
      if (units > 0)
        rows.push({
          ...base,
          basis: 'provisioned',
          tokenKind,
          units: BigInt(units),
          estimateNanos: 0n,
          activeHourMask: p.activeHourMask,
        });
  }
  // Hosting hours are shared by the deployment's users in proportion to their tokens.
  if (isFineTuned(slice.model) && slice.totalTokens > 0)
    rows.push({ ...base, basis: 'ftHosting', units: BigInt(slice.totalTokens), estimateNanos: 0n });
  return rows;
}

/** Rows of many slices, summed per key, so a reader sees one row per (resource, day, app, basis, meter, family, kind). */
export function usageRowsOfSlices(slices: Iterable<UsageSlice>): UsageRow[] {
  const sums = new Map<string, UsageRow>();
  for (const slice of slices)
    for (const row of usageRowsOfSlice(slice)) {
      const key = JSON.stringify([
        row.resourceId,
        row.day,
        row.appId,
        row.basis,
        row.meterId ?? null,
        row.modelFamily,
        row.tokenKind ?? null,
      ]);
      const found = sums.get(key);
      sums.set(
        key,
        found === undefined
          ? row
          : {
              ...found,
              units: found.units + row.units,
              estimateNanos: found.estimateNanos + row.estimateNanos,
              ...(row.activeHourMask === undefined
                ? {}
                : { activeHourMask: (found.activeHourMask ?? 0) | row.activeHourMask }),
            },
      );
    }
  return [...sums.values()];
}
