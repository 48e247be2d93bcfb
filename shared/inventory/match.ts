import type { InventoryAccount, InventoryDeployment } from './types.js';

/** What an event says about where it went. */
export interface MatchQuery {
  /** The backend the gateway forwarded to (v2 `backend`): a URL or a host; null for v1 events. */
  readonly backend: string | null;
  readonly deployment: string | null;
}

export type MatchResult =
  | {
      readonly matched: true;
      readonly account: InventoryAccount;
      readonly deployment: InventoryDeployment;
      readonly by: 'backend' | 'name';
    }
  | { readonly matched: false; readonly reason: string };

export interface InventoryIndex {
  readonly accounts: readonly InventoryAccount[];
  match(query: MatchQuery): MatchResult;
}

/** The host of a backend URL or bare host, lower-case; null when it is neither. */
export function backendHost(backend: string): string | null {
  const text = backend.trim();
  if (text === '') return null;
  try {
    return new URL(text.includes('://') ? text : `https://${text}`).hostname.toLowerCase() || null;
  } catch {
    return null;
  }
}

/**
 * Indexes accounts by host, custom subdomain and deployment name. Deployment names are matched as ARM
 * stores them: exactly, then case-insensitively (ARM resource names are case-insensitive).
 */
export function indexInventory(accounts: readonly InventoryAccount[]): InventoryIndex {
  // A host several accounts list (an old regional endpoint such as eastus.api.cognitive.microsoft.com)
  // names none of them: it maps to all, and a match through it is ambiguous.
  const byHost = new Map<string, InventoryAccount[]>();
  const bySubdomain = new Map<string, InventoryAccount[]>();
  const add = (map: Map<string, InventoryAccount[]>, key: string, account: InventoryAccount) => {
    const list = map.get(key) ?? [];
    if (!list.includes(account)) list.push(account);
    map.set(key, list);
  };
  const byDeployment = new Map<string, { account: InventoryAccount; deployment: InventoryDeployment }[]>();
  for (const account of accounts) {
    for (const host of account.hosts) add(byHost, host, account);
    if (account.customSubDomain !== null) add(bySubdomain, account.customSubDomain, account);
    for (const deployment of account.deployments) {
      const key = deployment.name.toLowerCase();
      const list = byDeployment.get(key) ?? [];
      list.push({ account, deployment });
      byDeployment.set(key, list);
    }
  }

  // One URL parse per distinct backend, not per event: a gateway has a handful of backends.
  const hosts = new Map<string, string | null>();
  const hostOfBackend = (backend: string): string | null => {
    let host = hosts.get(backend);
    if (host === undefined) {
      host = backendHost(backend);
      if (hosts.size < 1000) hosts.set(backend, host);
    }
    return host;
  };
  const accountsOf = (host: string): readonly InventoryAccount[] =>
    byHost.get(host) ?? bySubdomain.get(host.split('.')[0] ?? '') ?? [];

  function match(query: MatchQuery): MatchResult {
    const name = query.deployment;
    if (name === null || name === '') return { matched: false, reason: 'the event names no deployment' };
    if (query.backend !== null && query.backend !== '') {
      const host = hostOfBackend(query.backend);
      if (host === null) return { matched: false, reason: `backend "${query.backend}" is not a URL or host` };
      const [account, ...more] = accountsOf(host);
      if (account === undefined)
        return { matched: false, reason: `backend host ${host} is no inventoried account` };
      if (more.length > 0) {
        const names = [account, ...more]
          .map((a) => a.name)
          .sort()
          .join(', ');
        return { matched: false, reason: `backend host ${host} is shared by accounts ${names}` };
      }
      const deployment = findDeployment(account, name);
      if (deployment === undefined) {
        return { matched: false, reason: `account ${account.name} has no deployment "${name}"` };
      }
      return { matched: true, account, deployment, by: 'backend' };
    }
    const candidates = byDeployment.get(name.toLowerCase()) ?? [];
    const exact = candidates.filter((c) => c.deployment.name === name);
    const pool = exact.length > 0 ? exact : candidates;
    const [only, ...others] = pool;
    if (only === undefined)
      return { matched: false, reason: `no inventoried account has deployment "${name}"` };
    if (others.length > 0) {
      const names = pool
        .map((c) => c.account.name)
        .sort()
        .join(', ');
      return {
        matched: false,
        reason: `deployment "${name}" is ambiguous without a backend: accounts ${names} all have it`,
      };
    }
    return { matched: true, account: only.account, deployment: only.deployment, by: 'name' };
  }

  return { accounts, match };
}

function findDeployment(account: InventoryAccount, name: string): InventoryDeployment | undefined {
  const lower = name.toLowerCase();
  return (
    account.deployments.find((d) => d.name === name) ??
    account.deployments.find((d) => d.name.toLowerCase() === lower)
  );
}
