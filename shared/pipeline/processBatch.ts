import type { PriceSet } from '../cost/priceSet.js';
import { normalizeEvent } from '../events/normalize.js';
import { isPlainObject, redactedView, shapeOf } from '../events/redact.js';
import type { EventSource, FieldIssue, NormalizedUsage } from '../events/types.js';
import type { AppIdentity } from '../identity/types.js';
import { ensureError } from '../errors.js';
import { buildRecord, isPending, type BuiltRecord } from './buildRecord.js';
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
 * A failure of one event (normalizing, pricing, building its record) never throws: that event
 * is dead-lettered or unpriced with the reason, and the rest of the batch goes on.
 */
export async function processBatch(
  bodies: readonly unknown[],
  sources: readonly EventSource[],
  ports: IngestPorts,
): Promise<BatchSummary> {
  const now = ports.now();
  const outcomes: EventOutcome[] = new Array<EventOutcome>(bodies.length);
  const usages: { index: number; usage: NormalizedUsage; source: EventSource }[] = [];
  const deadLetters: { index: number; deadLetter: DeadLetter; reasons: readonly FieldIssue[] }[] = [];
  const seenIds = new Set<string>();

  // For failures the normalizer did not foresee: the body's text is hashed into the id, and only its
  // shape is stored, as for every dead letter (docs/security.md).
  const deadLetter = (index: number, body: unknown, issues: readonly FieldIssue[], source: EventSource) => {
    const raw = rawText(body);
    const rejected = {
      ok: false,
      issues,
      raw,
      view: shapeText(body),
      rawBytes: Buffer.byteLength(raw, 'utf8'),
    } as const;
    deadLetters.push({ index, deadLetter: buildDeadLetter(rejected, source, now), reasons: issues });
  };

  bodies.forEach((body, index) => {
    const source = sources[index] ?? { kind: 'eventhub' };
    let result: ReturnType<typeof normalizeEvent>;
    try {
      result = normalizeEvent(body, source, now, ports.eventTimeCulture);
    } catch (error) {
      // A body that breaks the normalizer is that event's problem: dead-letter it, keep the batch.
      deadLetter(index, body, [{ path: '(body)', problem: failedTo('be normalized', error) }], source);
      return;
    }
    if (!result.ok) {
      deadLetters.push({ index, deadLetter: buildDeadLetter(result, source, now), reasons: result.issues });
      return;
    }
    if (seenIds.has(result.usage.id)) {
      outcomes[index] = { outcome: 'duplicate', id: result.usage.id };
      return;
    }
    seenIds.add(result.usage.id);
    usages.push({ index, usage: result.usage, source });
  });

  const identities = await ports.identities.resolve([...new Set(usages.map(({ usage }) => usage.appId))]);
  const pricer = await ports.pricing.current();
  const records: { index: number; record: UsageRecord }[] = [];
  const priceSets = new Set<PriceSet>();
  for (const { index, usage, source } of usages) {
    let built: BuiltRecord;
    try {
      built = buildRecord(usage, identities.get(usage.appId) ?? PENDING_IDENTITY, pricer);
    } catch (error) {
      // The pricer answers `unpriced` for its own failures; anything left is this event's, not the store's.
      deadLetter(
        index,
        bodies[index],
        [{ path: '(event)', problem: failedTo('become a record', error) }],
        source,
      );
      continue;
    }
    records.push({ index, record: built.record });
    if (built.priceSet !== null) priceSets.add(built.priceSet);
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

function failedTo(what: string, error: unknown): string {
  return `could not ${what}: ${ensureError(error).message}`.slice(0, 500);
}

/** The body as text for a dead letter, whatever it is; never throws. */
function rawText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
  try {
    // Undefined for `undefined` and functions, whatever its declared type says.
    const text = JSON.stringify(body) as string | undefined;
    return text ?? String(body);
  } catch {
    return Object.prototype.toString.call(body);
  }
}

/** The body's redacted view as JSON (read fields, the shape of the rest); never throws. */
function shapeText(body: unknown): string {
  try {
    return JSON.stringify(
      isPlainObject(body) && !(body instanceof Uint8Array) ? redactedView(body) : shapeOf(body),
    );
  } catch {
    return '"unreadable"';
  }
}

function uniqueById<T extends { id: string }>(items: readonly T[]): T[] {
  return [...new Map(items.map((item) => [item.id, item])).values()];
}

function distinctGroups(records: readonly UsageRecord[]): { day: string; appId: string }[] {
  const groups = new Map<string, { day: string; appId: string }>();
  for (const record of records) groups.set(record.pk, { day: record.day, appId: record.appId });
  return [...groups.values()];
}
