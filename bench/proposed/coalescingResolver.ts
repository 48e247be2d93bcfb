import type { IdentityResolver } from '../../shared/pipeline/ports.js';
import type { AppIdentity } from '../../shared/identity/types.js';

/**
 * PROTOTYPE of the in-flight de-duplication proposed for shared/identity/identityResolver.ts.
 * `ingestStream` (and the Functions host, across partitions of one instance) runs several batches at
 * once; on a cold cache each of them misses the same apps and sends its own `apps` query and Graph
 * `$batch` for them. Here an app already being resolved by another batch is awaited, not looked up again.
 */
export function coalesceInFlight(inner: IdentityResolver): IdentityResolver {
  const inFlight = new Map<string, Promise<AppIdentity | undefined>>();
  return {
    async resolve(appIds) {
      const waiting: [string, Promise<AppIdentity | undefined>][] = [];
      const mine: string[] = [];
      for (const appId of appIds) {
        const pending = inFlight.get(appId);
        if (pending) waiting.push([appId, pending]);
        else mine.push(appId);
      }
      let own: Promise<ReadonlyMap<string, AppIdentity>> = Promise.resolve(new Map());
      if (mine.length > 0) {
        own = inner.resolve(mine);
        for (const appId of mine) {
          const one = own.then(
            (found) => found.get(appId),
            () => undefined,
          );
          inFlight.set(appId, one);
          void one.finally(() => {
            if (inFlight.get(appId) === one) inFlight.delete(appId);
          });
        }
      }
      const result = new Map(await own);
      for (const [appId, pending] of waiting) {
        const identity = await pending;
        if (identity !== undefined) result.set(appId, identity);
      }
      return result;
    },
    takeStats: () => inner.takeStats(),
  };
}
