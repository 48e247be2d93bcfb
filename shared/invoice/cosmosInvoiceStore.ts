import type { Container, Database } from '@azure/cosmos';
import pMap from 'p-map';

import { UserError } from '../errors.js';
import { CONTAINERS } from '../store/containers.js';
import { type InvoiceLine, lineId, lineKey } from './invoiceLine.js';

/** What replaced a month last: a later import of an older export run must not undo a newer one. */
export interface ImportedRun {
  readonly billingPeriod: string;
  readonly importId: string;
  readonly runId: string | null;
  /** `runInfo.submittedTime` of the export run; null for a file imported by hand. */
  readonly submittedTime: string | null;
  readonly source: string;
  readonly lines: number;
  readonly importedAt: string;
  /** The month's totals as imported, nano-units as integer strings (absent on runs imported before). */
  readonly effectiveCostNanos?: string;
  readonly billedCostNanos?: string;
  readonly currencies?: readonly string[];
}

interface LineDoc {
  readonly id: string;
  readonly pk: string;
  readonly docType: 'line';
  readonly importId: string;
  readonly billingPeriod: string;
  readonly resourceId: string;
  readonly resourceName: string;
  readonly meterId: string;
  readonly meterName: string;
  readonly meterKind: InvoiceLine['meterKind'];
  readonly day: string;
  readonly currency: string;
  readonly quantity: string;
  readonly effectiveCostNanos: number;
  readonly billedCostNanos: number;
  readonly listCostNanos: number | null;
  /** Exact atto-unit sums as decimal integers (absent on lines imported before they were kept). */
  readonly effectiveCostAtto?: string;
  readonly billedCostAtto?: string;
  readonly correctionRows: number;
  readonly rows: number;
  readonly reservation: boolean;
}

const CONCURRENCY = 16;

function safe(nanos: bigint, what: string): number {
  const n = Number(nanos);
  if (!Number.isSafeInteger(n))
    throw new RangeError(`${what}: ${nanos} nano-units does not fit a JSON number`);
  return n;
}

/** The `invoice` container: one document per billed key and invoice month, and one run document per month. */
export class CosmosInvoiceStore {
  constructor(private readonly container: Container) {}

  /** For imports: creates the container if missing. Read-only commands use `forReading`. */
  static async open(database: Database): Promise<CosmosInvoiceStore> {
    const { container } = await database.containers.createIfNotExists(CONTAINERS.invoice);
    return new CosmosInvoiceStore(container);
  }

  static forReading(database: Database): CosmosInvoiceStore {
    return new CosmosInvoiceStore(database.container(CONTAINERS.invoice.id));
  }

  async lastRun(billingPeriod: string): Promise<ImportedRun | undefined> {
    try {
      const { resource } = await this.container
        .item(`run|${billingPeriod}`, billingPeriod)
        .read<ImportedRun>();
      return resource ?? undefined;
    } catch (error) {
      if ((error as { code?: number }).code === 404) return undefined;
      throw error;
    }
  }

  /** What replaced each invoice month last, oldest month first; empty when no bill was imported. */
  async runs(): Promise<ImportedRun[]> {
    try {
      const { resources } = await this.container.items
        .query<ImportedRun & { docType: string }>("SELECT * FROM c WHERE c.docType = 'run'")
        .fetchAll();
      return resources
        .map(({ billingPeriod, importId, runId, submittedTime, source, lines, importedAt, ...rest }) => ({
          billingPeriod,
          importId,
          runId,
          submittedTime,
          source,
          lines,
          importedAt,
          ...(rest.effectiveCostNanos === undefined ? {} : { effectiveCostNanos: rest.effectiveCostNanos }),
          ...(rest.billedCostNanos === undefined ? {} : { billedCostNanos: rest.billedCostNanos }),
          ...(rest.currencies === undefined ? {} : { currencies: rest.currencies }),
        }))
        .sort((a, b) => a.billingPeriod.localeCompare(b.billingPeriod));
    } catch (error) {
      if ((error as { code?: number }).code === 404) return [];
      throw error;
    }
  }

  /**
   * Makes the month's lines exactly `lines`: upserts them under a fresh importId, then deletes the
   * month's lines of any other import. Safe to repeat; a crash halfway is repaired by the next run.
   */
  async replacePeriod(run: ImportedRun, lines: readonly InvoiceLine[]): Promise<{ deleted: number }> {
    const pk = run.billingPeriod;
    await pMap(
      lines,
      async (line) => {
        if (line.billingPeriod !== pk)
          throw new Error(`line of ${line.billingPeriod} in the import of ${pk}`);
        await this.container.items.upsert<LineDoc>(toDoc(line, run.importId));
      },
      { concurrency: CONCURRENCY },
    );
    const stale = this.container.items.query<{ id: string }>(
      {
        query: "SELECT c.id FROM c WHERE c.pk = @pk AND c.docType = 'line' AND c.importId != @importId",
        parameters: [
          { name: '@pk', value: pk },
          { name: '@importId', value: run.importId },
        ],
      },
      { partitionKey: pk },
    );
    const { resources } = await stale.fetchAll();
    await pMap(
      resources,
      async ({ id }) => {
        try {
          await this.container.item(id, pk).delete();
        } catch (error) {
          // Already gone (a concurrent or earlier import): the outcome is the same.
          if ((error as { code?: number }).code !== 404) throw error;
        }
      },
      { concurrency: CONCURRENCY },
    );
    await this.container.items.upsert({ id: `run|${pk}`, pk, docType: 'run', ...run });
    return { deleted: resources.length };
  }

  /** Every billed line of the UTC days `from <= day < to`, all invoice months. */
  async linesBetween(from: string, to: string): Promise<InvoiceLine[]> {
    try {
      const { resources } = await this.container.items
        .query<LineDoc>({
          query: "SELECT * FROM c WHERE c.docType = 'line' AND c.day >= @from AND c.day < @to",
          parameters: [
            { name: '@from', value: from },
            { name: '@to', value: to },
          ],
        })
        .fetchAll();
      return resources.map(fromDoc);
    } catch (error) {
      if ((error as { code?: number }).code === 404)
        throw new UserError('no bill imported yet: run `chargeback invoice import <file|folder>` first');
      throw error;
    }
  }
}

function toDoc(line: InvoiceLine, importId: string): LineDoc {
  return {
    id: lineId(lineKey(line)),
    pk: line.billingPeriod,
    docType: 'line',
    importId,
    billingPeriod: line.billingPeriod,
    resourceId: line.resourceId,
    resourceName: line.resourceName,
    meterId: line.meterId,
    meterName: line.meterName,
    meterKind: line.meterKind,
    day: line.day,
    currency: line.currency,
    quantity: line.quantity,
    effectiveCostNanos: safe(line.effectiveCostNanos, 'EffectiveCost'),
    billedCostNanos: safe(line.billedCostNanos, 'BilledCost'),
    listCostNanos: line.listCostNanos === null ? null : safe(line.listCostNanos, 'ListCost'),
    ...(line.effectiveCostAtto === undefined ? {} : { effectiveCostAtto: line.effectiveCostAtto.toString() }),
    ...(line.billedCostAtto === undefined ? {} : { billedCostAtto: line.billedCostAtto.toString() }),
    correctionRows: line.correctionRows,
    rows: line.rows,
    reservation: line.reservation,
  };
}

function fromDoc(doc: LineDoc): InvoiceLine {
  return {
    billingPeriod: doc.billingPeriod,
    resourceId: doc.resourceId,
    resourceName: doc.resourceName,
    meterId: doc.meterId,
    meterName: doc.meterName,
    meterKind: doc.meterKind,
    day: doc.day,
    currency: doc.currency,
    quantity: doc.quantity,
    effectiveCostNanos: BigInt(doc.effectiveCostNanos),
    billedCostNanos: BigInt(doc.billedCostNanos),
    listCostNanos: doc.listCostNanos === null ? null : BigInt(doc.listCostNanos),
    ...(doc.effectiveCostAtto === undefined ? {} : { effectiveCostAtto: BigInt(doc.effectiveCostAtto) }),
    ...(doc.billedCostAtto === undefined ? {} : { billedCostAtto: BigInt(doc.billedCostAtto) }),
    correctionRows: doc.correctionRows,
    rows: doc.rows,
    reservation: doc.reservation,
  };
}
