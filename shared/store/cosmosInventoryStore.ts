import { createHash } from 'node:crypto';

import type { Container } from '@azure/cosmos';
import { z } from 'zod';

import { DependencyError } from '../errors.js';
import type { InventorySnapshot, InventoryStore, SubscriptionStatus } from '../inventory/ports.js';
import type { InventoryAccount } from '../inventory/types.js';
import { bulkUpsert } from './bulkCreate.js';

const periodSchema = z.object({
  from: z.string().nullable(),
  sku: z.string(),
  capacity: z.number().nullable(),
  modelFormat: z.string().nullable(),
  modelName: z.string().nullable(),
  modelVersion: z.string().nullable(),
  provisioningState: z.string().nullable(),
});
const accountSchema = z.object({
  id: z.string(),
  subscriptionId: z.string(),
  name: z.string(),
  kind: z.string(),
  location: z.string(),
  hosts: z.array(z.string()),
  customSubDomain: z.string().nullable(),
  deployments: z.array(
    z.object({
      name: z.string(),
      periods: z.array(periodSchema).min(1),
      firstSeenAt: z.string(),
      lastSeenAt: z.string(),
      createdAt: z.string().nullish(),
    }),
  ),
});
const docSchema = z.discriminatedUnion('docType', [
  z.object({ docType: z.literal('account'), id: z.string(), account: accountSchema }),
  z.object({
    docType: z.literal('status'),
    id: z.string(),
    subscriptionId: z.string(),
    lastGoodAt: z.string().nullable(),
    lastAttemptAt: z.string(),
    lastError: z.string().nullable(),
  }),
]);

const STATUS_ID = 'status';

/** Cosmos ids may not hold `/`: an account's document id is a hash of its lower-cased ARM id. */
export function accountDocId(accountId: string): string {
  return `account-${createHash('sha256').update(accountId).digest('hex').slice(0, 32)}`;
}

/**
 * Container `inventory`, pk = subscription GUID: an `account` document per AOAI account (with every
 * deployment's effective-dated periods) and one `status` document. Upserts of whole documents make a
 * repeated refresh idempotent; the inventory is small enough to be read whole.
 */
export class CosmosInventoryStore implements InventoryStore {
  constructor(private readonly container: Container) {}

  async load(): Promise<InventorySnapshot> {
    const { resources } = await this.container.items
      .query<unknown>({
        query: 'SELECT * FROM c WHERE c.docType IN (@account, @status)',
        parameters: [
          { name: '@account', value: 'account' },
          { name: '@status', value: 'status' },
        ],
      })
      .fetchAll();
    const accounts: InventoryAccount[] = [];
    const subscriptions: SubscriptionStatus[] = [];
    for (const raw of resources) {
      const parsed = docSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new DependencyError(
          'cosmos',
          `inventory document is malformed at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? ''}`,
        );
      }
      const doc = parsed.data;
      if (doc.docType === 'account') accounts.push(doc.account);
      else
        subscriptions.push({
          subscriptionId: doc.subscriptionId,
          lastGoodAt: doc.lastGoodAt,
          lastAttemptAt: doc.lastAttemptAt,
          lastError: doc.lastError,
        });
    }
    accounts.sort((a, b) => a.id.localeCompare(b.id));
    return { accounts, subscriptions };
  }

  async saveSubscription(
    subscriptionId: string,
    accounts: readonly InventoryAccount[],
    refreshedAt: string,
  ): Promise<void> {
    const docs = accounts.map((account) => ({
      id: accountDocId(account.id),
      pk: subscriptionId,
      docType: 'account',
      account,
    }));
    await bulkUpsert(this.container, docs);
    await bulkUpsert(this.container, [
      statusDoc({ subscriptionId, lastGoodAt: refreshedAt, lastAttemptAt: refreshedAt, lastError: null }),
    ]);
  }

  async recordFailure(subscriptionId: string, at: string, error: string): Promise<void> {
    const read: { resource?: unknown } = await this.container.item(STATUS_ID, subscriptionId).read();
    const previous = docSchema.safeParse(read.resource);
    await bulkUpsert(this.container, [
      statusDoc({
        subscriptionId,
        lastGoodAt: previous.success && previous.data.docType === 'status' ? previous.data.lastGoodAt : null,
        lastAttemptAt: at,
        lastError: error,
      }),
    ]);
  }
}

function statusDoc(status: SubscriptionStatus) {
  return { id: STATUS_ID, pk: status.subscriptionId, docType: 'status', ...status };
}
