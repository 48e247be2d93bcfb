import { LRUCache } from 'lru-cache';

import type { IdentityResolver } from '../pipeline/ports.js';
import type { AppCacheDoc } from './appDocs.js';
import { businessUnitFromTags } from './businessUnit.js';
import type { AppIdentity, Directory, DirectoryResult } from './types.js';

/** The shared `apps` container as the resolver sees it. */
export interface AppStore {
  /** Cache entries and overrides for these appIds (one query, not one per app). */
  read(
    appIds: readonly string[],
  ): Promise<{ cache: Map<string, AppCacheDoc>; overrides: Map<string, string> }>;
  write(docs: readonly AppCacheDoc[]): Promise<void>;
}

export interface IdentityResolverOptions {
  readonly directory: Directory;
  readonly apps: AppStore;
  readonly businessUnitTagPrefix: string;
  readonly now?: () => Date;
  /** How long a name is trusted, in memory and in `apps`. */
  readonly resolvedTtlMs?: number;
  /** Negative caching of deleted or foreign apps: short, so a new app appears soon. */
  readonly unknownTtlMs?: number;
  readonly maxEntries?: number;
}

/**
 * In-memory LRU → shared `apps` container → Graph. Only apps missing or stale in both caches reach
 * Graph, all in one directory call. A directory failure is `pending`, never cached, never thrown.
 */
export function createIdentityResolver(options: IdentityResolverOptions): IdentityResolver {
  const now = options.now ?? (() => new Date());
  const resolvedTtl = options.resolvedTtlMs ?? 24 * 3600_000;
  const unknownTtl = options.unknownTtlMs ?? 3600_000;
  const memory = new LRUCache<string, AppIdentity>({ max: options.maxEntries ?? 50_000, ttl: 10 * 60_000 });
  let stats = { memoryHits: 0, storeHits: 0, graphLookups: 0, graphUnavailable: 0, appsStoreErrors: 0 };

  const fresh = (doc: AppCacheDoc) =>
    now().getTime() - Date.parse(doc.resolvedAt) < (doc.status === 'resolved' ? resolvedTtl : unknownTtl);

  // Batches in flight at once (CLI ingest overlaps them) share one lookup per app, not one each.
  const inFlight = new Map<string, Promise<AppIdentity | undefined>>();

  const resolveMisses = async (misses: readonly string[]): Promise<Map<string, AppIdentity>> => {
    const result = new Map<string, AppIdentity>();
    // The `apps` cache is an optimisation: if it fails, Graph answers; the batch log counts it.
    const { cache, overrides } = await options.apps.read(misses).catch(() => {
      stats.appsStoreErrors++;
      return { cache: new Map<string, AppCacheDoc>(), overrides: new Map<string, string>() };
    });
    const toLookup = misses.filter((appId) => {
      const doc = cache.get(appId);
      if (doc === undefined || !fresh(doc)) return true;
      stats.storeHits++;
      return false;
    });
    const looked =
      toLookup.length > 0 ? await options.directory.lookup(toLookup) : new Map<string, DirectoryResult>();
    stats.graphLookups += toLookup.length;

    const at = now().toISOString();
    const written: AppCacheDoc[] = [];
    for (const appId of toLookup) {
      const answer = looked.get(appId) ?? { kind: 'unavailable', reason: 'no answer' };
      if (answer.kind === 'unavailable') {
        stats.graphUnavailable++;
        continue;
      }
      written.push(cacheDoc(appId, answer, options.businessUnitTagPrefix, at));
    }
    for (const doc of written) cache.set(doc.appId, doc);
    await options.apps.write(written).catch(() => {
      stats.appsStoreErrors++;
    });

    for (const appId of misses) {
      // A stale name beats none when Graph is down; only a never-seen app is pending.
      const doc = cache.get(appId);
      const override = overrides.get(appId) ?? null;
      if (doc === undefined) {
        result.set(appId, { ...PENDING, businessUnit: override });
        continue;
      }
      const identity: AppIdentity = {
        status: doc.status,
        displayName: doc.displayName,
        businessUnit: override ?? doc.businessUnitFromTag,
        servicePrincipalType: doc.servicePrincipalType,
      };
      memory.set(appId, identity, {
        ttl: doc.status === 'resolved' ? undefined : Math.min(unknownTtl, 10 * 60_000),
      });
      result.set(appId, identity);
    }
    return result;
  };

  return {
    async resolve(appIds) {
      const result = new Map<string, AppIdentity>();
      const fresh: string[] = [];
      const waiting: [string, Promise<AppIdentity | undefined>][] = [];
      for (const appId of appIds) {
        const hit = memory.get(appId);
        const pending = inFlight.get(appId);
        if (hit) {
          stats.memoryHits++;
          result.set(appId, hit);
        } else if (pending) waiting.push([appId, pending]);
        else fresh.push(appId);
      }
      if (fresh.length > 0) {
        const lookup = resolveMisses(fresh);
        for (const appId of fresh) {
          const one = lookup.then((found) => found.get(appId));
          inFlight.set(appId, one);
          waiting.push([appId, one]);
        }
        // Errors reach the caller through `waiting`; this chain only clears the map.
        lookup
          .finally(() => {
            for (const appId of fresh) inFlight.delete(appId);
          })
          .catch(() => undefined);
      }
      for (const [appId, promise] of waiting) {
        result.set(appId, (await promise) ?? PENDING);
      }
      return result;
    },
    takeStats() {
      const taken = stats;
      stats = { memoryHits: 0, storeHits: 0, graphLookups: 0, graphUnavailable: 0, appsStoreErrors: 0 };
      return taken;
    },
  };
}

const PENDING: AppIdentity = {
  status: 'pending',
  displayName: null,
  businessUnit: null,
  servicePrincipalType: null,
};

function cacheDoc(appId: string, answer: DirectoryResult, prefix: string, at: string): AppCacheDoc {
  const sp = answer.kind === 'found' ? answer.servicePrincipal : undefined;
  return {
    id: appId,
    pk: appId,
    docType: 'app',
    appId,
    status: sp ? 'resolved' : 'unknown',
    displayName: sp?.displayName ?? null,
    servicePrincipalType: sp?.servicePrincipalType ?? null,
    tags: sp ? [...sp.tags] : [],
    businessUnitFromTag: sp ? businessUnitFromTags(sp.tags, prefix) : null,
    resolvedAt: at,
    lastSeen: at,
  };
}
