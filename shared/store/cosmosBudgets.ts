import type { Container, Database } from '@azure/cosmos';
import { z } from 'zod';

import { alertDocSchema, type AlertDoc, type Delivery } from '../budgets/alertDoc.js';
import { scopeHash, type Budget } from '../budgets/budget.js';
import type { BudgetStore } from '../budgets/ports.js';
import { addDays } from '../report/period.js';
import { ensureContainers } from './containers.js';

const BUDGET_PK = 'budget';

const budgetDocSchema = z.object({
  id: z.string(),
  pk: z.literal(BUDGET_PK),
  docType: z.literal('budget'),
  scope: z.string(),
  period: z.enum(['monthly', 'daily']),
  amountNanos: z.string().regex(/^\d+$/),
  currency: z.string(),
  thresholds: z.array(z.number().int()),
  hard: z.boolean(),
  on: z.enum(['actual', 'forecast']),
  setAt: z.string(),
});

const etagged = z.object({ _etag: z.string() });
const codeOf = (error: unknown) => (error as { code?: number }).code;

export const budgetDocId = (scope: string) => `budget|${scopeHash(scope)}`;

/**
 * Container `budgets`: budgets and the alerts they fired. Only `budgets set` creates the container;
 * reads of a database that never had a budget find none instead of creating anything.
 */
export class CosmosBudgets implements BudgetStore {
  private readonly container: Container;

  constructor(private readonly database: Database) {
    this.container = database.container('budgets');
  }

  async ensure(): Promise<void> {
    await ensureContainers(this.database, ['budgets']);
  }

  async save(budget: Budget, at: Date): Promise<void> {
    await this.container.items.upsert({
      id: budgetDocId(budget.scope),
      pk: BUDGET_PK,
      docType: 'budget',
      scope: budget.scope,
      period: budget.period,
      amountNanos: budget.amountNanos.toString(),
      currency: budget.currency,
      thresholds: [...budget.thresholds],
      hard: budget.hard,
      on: budget.on,
      setAt: at.toISOString(),
    });
  }

  /** False when there was no such budget. */
  async remove(scope: string): Promise<boolean> {
    try {
      await this.container.item(budgetDocId(scope), BUDGET_PK).delete();
      return true;
    } catch (error) {
      if (codeOf(error) === 404) return false;
      throw error;
    }
  }

  async list(): Promise<Budget[]> {
    const docs = await this.query(
      'SELECT * FROM c WHERE c.pk = @pk AND c.docType = @t',
      [
        { name: '@pk', value: BUDGET_PK },
        { name: '@t', value: 'budget' },
      ],
      BUDGET_PK,
    );
    return docs
      .map((raw) => budgetDocSchema.parse(raw))
      .map((doc) => ({
        scope: doc.scope,
        period: doc.period,
        amountNanos: BigInt(doc.amountNanos),
        currency: doc.currency,
        thresholds: doc.thresholds,
        hard: doc.hard,
        on: doc.on,
      }))
      .sort((a, b) => a.scope.localeCompare(b.scope));
  }

  /** Ids of the alerts already fired in these partitions: creates that would only meet a 409 are skipped. */
  async firedIds(partitions: readonly string[]): Promise<Set<string>> {
    const ids = new Set<string>();
    for (const pk of new Set(partitions)) {
      const docs = await this.query(
        'SELECT c.id FROM c WHERE c.pk = @pk AND c.docType = @t',
        [
          { name: '@pk', value: pk },
          { name: '@t', value: 'alert' },
        ],
        pk,
      );
      for (const doc of docs) ids.add(z.object({ id: z.string() }).parse(doc).id);
    }
    return ids;
  }

  /** The conditional create that fires an alert: null when it had fired already (409). */
  async createAlert(doc: AlertDoc): Promise<{ etag: string } | null> {
    try {
      const { resource } = await this.container.items.create(doc);
      return { etag: etagged.parse(resource)._etag };
    } catch (error) {
      if (codeOf(error) === 409) return null;
      throw error;
    }
  }

  /** Replaces the delivery state if the document is unchanged since `etag`; null when another won. */
  async setDelivery(doc: AlertDoc, etag: string, delivery: Delivery): Promise<{ etag: string } | null> {
    try {
      const { resource } = await this.container
        .item(doc.id, doc.pk)
        .replace({ ...doc, delivery }, { accessCondition: { type: 'IfMatch', condition: etag } });
      return { etag: etagged.parse(resource)._etag };
    } catch (error) {
      if (codeOf(error) === 412 || codeOf(error) === 404) return null;
      throw error;
    }
  }

  /** Alerts whose delivery failed, or whose claim is older than `staleBefore` (its evaluator died). */
  async undelivered(staleBefore: Date): Promise<{ doc: AlertDoc; etag: string }[]> {
    const docs = await this.query(
      'SELECT * FROM c WHERE c.docType = @t AND (c.delivery.status = @failed OR ' +
        '(c.delivery.status = @sending AND c.delivery.claimedAt < @stale))',
      [
        { name: '@t', value: 'alert' },
        { name: '@failed', value: 'failed' },
        { name: '@sending', value: 'sending' },
        { name: '@stale', value: staleBefore.toISOString() },
      ],
    );
    return docs.map((raw) => ({ doc: alertDocSchema.parse(raw), etag: etagged.parse(raw)._etag }));
  }

  /** Alerts fired on days `from` to `to` (UTC, inclusive), oldest first. */
  async alerts(from: string, to: string): Promise<AlertDoc[]> {
    const docs = await this.query(
      'SELECT * FROM c WHERE c.docType = @t AND c.firedAt >= @from AND c.firedAt < @until',
      [
        { name: '@t', value: 'alert' },
        { name: '@from', value: from },
        { name: '@until', value: addDays(to, 1) },
      ],
    );
    return docs
      .map((raw) => alertDocSchema.parse(raw))
      .sort((a, b) => a.firedAt.localeCompare(b.firedAt) || a.id.localeCompare(b.id));
  }

  private async query(
    query: string,
    parameters: { name: string; value: string }[],
    partitionKey?: string,
  ): Promise<unknown[]> {
    try {
      const { resources } = await this.container.items
        .query<unknown>({ query, parameters }, partitionKey === undefined ? {} : { partitionKey })
        .fetchAll();
      return resources;
    } catch (error) {
      // No container: nobody ever set a budget.
      if (codeOf(error) === 404) return [];
      throw error;
    }
  }
}
