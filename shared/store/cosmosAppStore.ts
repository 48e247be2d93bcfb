import type { Container } from '@azure/cosmos';
import pMap from 'p-map';

import {
  appCacheDocSchema,
  appOverrideDocSchema,
  overrideDocId,
  type AppCacheDoc,
} from '../identity/appDocs.js';
import type { AppStore } from '../identity/identityResolver.js';
import { bulkUpsert } from './bulkCreate.js';

/** Point reads in flight at once: a cold batch may name a few hundred apps. */
const READ_CONCURRENCY = 32;

/** Container `apps`: the identity cache shared by all instances, and finance's overrides. */
export class CosmosAppStore implements AppStore {
  constructor(private readonly container: Container) {}

  /**
   * Point reads by id and partition (both docs of an app live in partition appId): two 1-RU reads per
   * app, whatever the number of apps stored, where a cross-partition query would touch every partition.
   */
  async read(appIds: readonly string[]) {
    const cache = new Map<string, AppCacheDoc>();
    const overrides = new Map<string, string>();
    const docs = await pMap(
      [...new Set(appIds)].flatMap((appId) => [
        { id: appId, pk: appId },
        { id: overrideDocId(appId), pk: appId },
      ]),
      async ({ id, pk }) => (await this.container.item(id, pk).read()).resource as unknown,
      { concurrency: READ_CONCURRENCY },
    );
    for (const doc of docs) {
      if (doc === undefined) continue;
      const app = appCacheDocSchema.safeParse(doc);
      if (app.success) cache.set(app.data.appId, app.data);
      const override = appOverrideDocSchema.safeParse(doc);
      if (override.success) overrides.set(override.data.appId, override.data.businessUnitOverride);
    }
    return { cache, overrides };
  }

  async write(docs: readonly AppCacheDoc[]): Promise<void> {
    if (docs.length > 0) await bulkUpsert(this.container, docs);
  }

  /** `chargeback apps set-unit`: finance's word beats the tag. */
  async setBusinessUnit(appId: string, unit: string, at: Date): Promise<void> {
    await this.container.items.upsert({
      id: overrideDocId(appId),
      pk: appId,
      docType: 'override',
      appId,
      businessUnitOverride: unit,
      setAt: at.toISOString(),
    });
  }

  /** All overrides, for reports that group by business unit with finance's current mapping. */
  async allOverrides(): Promise<Map<string, string>> {
    const { resources } = await this.container.items
      .query<unknown>({
        query: 'SELECT * FROM c WHERE c.docType = @type',
        parameters: [{ name: '@type', value: 'override' }],
      })
      .fetchAll();
    const map = new Map<string, string>();
    for (const doc of resources) {
      const parsed = appOverrideDocSchema.safeParse(doc);
      if (parsed.success) map.set(parsed.data.appId, parsed.data.businessUnitOverride);
    }
    return map;
  }
}
