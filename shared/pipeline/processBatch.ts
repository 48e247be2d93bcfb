import type { PriceSet } from '../cost/priceSet.js';
import { normalizeEvent } from '../events/normalize.js';
import type { EventSource, FieldIssue, NormalizedUsage } from '../events/types.js';
import type { AppIdentity } from '../identity/types.js';
import { buildRecord, isPending } from './buildRecord.js';
import { buildDeadLetter } from './deadLetter.js';
import { buildLedger } from './ledger.js';
import type { DeadLetter, IngestPorts } from './ports.js';
import type { UsageRecord } from './record.js';
import { summarize, type BatchSummary, type EventOutcome } from './summary.js';

/** The identity given to an app the resolver did not answer for: still written, completed later. */
const PENDING_IDENTITY: AppIdentity = {
  status: 'pending',
  displayName: null,
  businessUnit: null,
  servicePrincipalType: null,
};

/**
 * One batch, end to end. Every input ends in exactly one outcome. Order of effects: the price sets
 * the records name, then records and dead letters are created (idempotent creates), then rollups are
 * marked dirty;
 * only then does the caller let the host checkpoint. Any store failure throws before that,
 * so the caller can spill the batch whole and nothing is lost (README, "Delivery guarantees").
 */
export async function processBatch(
  bodies: readonly unknown[],
  sources: readonly EventSource[],
  ports: IngestPorts,
): Promise<BatchSummary> {
  const now = ports.now();
  const outcomes: EventOutcome[] = new Array<EventOutcome>(bodies.length);
  const usages: { index: number; usage: NormalizedUsage }[] = [];
  const deadLetters: { index: number; deadLetter: DeadLetter; reasons: readonly FieldIssue[] }[] = [];
  const seenIds = new Set<string>();

  bodies.forEach((body, index) => {
    const source = sources[index] ?? { kind: 'eventhub' };
    const result = normalizeEvent(body, source, now);
    if (!result.ok) {
      deadLetters.push({
        index,
        deadLetter: buildDeadLetter(result.raw, result.issues, source, now),
        reasons: result.issues,
      });
      return;
    }
    if (seenIds.has(result.usage.id)) {
      outcomes[index] = { outcome: 'duplicate', id: result.usage.id };
      return;
    }
    seenIds.add(result.usage.id);
    usages.push({ index, usage: result.usage });
  });

  const identities = await ports.identities.resolve([...new Set(usages.map(({ usage }) => usage.appId))]);
  const pricer = await ports.pricing.current();
  const records: { index: number; record: UsageRecord }[] = [];
  const priceSets = new Set<PriceSet>();
  for (const { index, usage } of usages) {
    const { record, priceSet } = buildRecord(usage, identities.get(usage.appId) ?? PENDING_IDENTITY, pricer);
    records.push({ index, record });
    if (priceSet !== null) priceSets.add(priceSet);
  }
  const recordDocs = records.map(({ record }) => record);
  // The ledger (what this batch saw, for `audit`) is written alongside: the batch succeeds only if all three do.
  const ledger = buildLedger(
    recordDocs,
    deadLetters.map(({ deadLetter }) => deadLetter),
    now,
  );
  // A record may only name a price set that is already stored.
  const writeRecords = async () => {
    await ports.store.savePriceSets([...priceSets]);
    return ports.store.createRecords(recordDocs);
  };
  const [recordStatus, deadLetterStatus] = await Promise.all([
    writeRecords(),
    ports.store.createDeadLetters(uniqueById(deadLetters.map(({ deadLetter }) => deadLetter))),
    ports.store.writeLedger?.(ledger),
  ]);
  await ports.store.markRollupsDirty(distinctGroups(recordDocs));

  for (const { index, record } of records) {
    const status = recordStatus.get(record.id);
    outcomes[index] =
      status === 'exists'
        ? { outcome: 'duplicate', id: record.id }
        : { outcome: isPending(record) ? 'pending' : 'recorded', id: record.id, record };
  }
  const seenDeadLetters = new Set<string>();
  for (const { index, deadLetter, reasons } of deadLetters) {
    const repeat = seenDeadLetters.has(deadLetter.id) || deadLetterStatus.get(deadLetter.id) === 'exists';
    seenDeadLetters.add(deadLetter.id);
    outcomes[index] = { outcome: 'deadLettered', id: deadLetter.id, reasons, redelivered: repeat };
  }
  return summarize(outcomes, ports.identities.takeStats(), pricer.takeStats?.());
}

function uniqueById<T extends { id: string }>(items: readonly T[]): T[] {
  return [...new Map(items.map((item) => [item.id, item])).values()];
}

function distinctGroups(records: readonly UsageRecord[]): { day: string; appId: string }[] {
  const groups = new Map<string, { day: string; appId: string }>();
  for (const record of records) groups.set(record.pk, { day: record.day, appId: record.appId });
  return [...groups.values()];
}
