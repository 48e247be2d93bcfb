import type { Dispatcher } from 'undici';
import { z } from 'zod';

import { DependencyError, UserError } from '../errors.js';
import { isGuid } from '../events/guid.js';
import { describeUrl, getJsonWithRetry, type RetryPolicy } from '../pricing/retailPricesHttp.js';
import {
  AOAI_KINDS,
  accountHosts,
  armAccountSchema,
  armDeploymentSchema,
  listPageSchema,
  observedDeployment,
  subscriptionOf,
} from './armWire.js';
import type { ObservedAccount } from './types.js';

export const ARM_API_VERSION = '2024-10-01';
export const ARM_SCOPE = 'https://management.azure.com/.default';
// A guard against a server that never stops paging.
const MAX_PAGES = 1000;

export interface ArmClientOptions {
  /** ARM_ENDPOINT: origin only; every URL, nextLinks included, must stay on it. */
  readonly endpoint: string;
  /** A bearer token per request (ARM_AUTH=default); undefined sends none (ARM_AUTH=none, stand-ins). */
  readonly token?: (() => Promise<string>) | undefined;
  readonly dispatcher?: Dispatcher | undefined;
  /** Attempts per page, the first included; default 5. */
  readonly maxAttempts?: number;
  /** Per request; default 30 s. */
  readonly timeoutMs?: number;
  /** First backoff ceiling; default 1 s. */
  readonly baseDelayMs?: number;
  /** Longest single Retry-After honoured; default 60 s. */
  readonly maxRetryAfterMs?: number;
  /** All Retry-After waits of one page together; default 120 s. */
  readonly waitBudgetMs?: number;
  readonly log?: (message: string) => void;
}

export interface ArmReading {
  readonly accounts: readonly ObservedAccount[];
  /** Accounts of other kinds (Speech, Vision…) that were skipped. */
  readonly skippedAccounts: number;
  readonly requests: number;
}

const errorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string().optional() }) });

/**
 * 401 and 403 are not transient: say which role is missing instead of retrying. ARM's error body
 * (`{"error":{"code":"AuthorizationFailed",…}}`) adds its code when present.
 */
export function explainArmStatus(status: number, body: string, url: string): Error | undefined {
  if (status !== 401 && status !== 403) return undefined;
  let code = '';
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(body));
    if (parsed.success) code = ` (${parsed.data.error.code})`;
  } catch {
    // Not JSON: the status says enough.
  }
  const path = new URL(url).pathname;
  const subscription = subscriptionOf(path) ?? 'the subscription';
  const scope = `Reader on subscription ${subscription}, or on the resource groups holding its Azure OpenAI accounts`;
  return new DependencyError(
    'arm',
    status === 401
      ? `${describeUrl(url)} answered 401${code}: no valid token. With ARM_AUTH=default the function's ` +
          `managed identity (or your az login) needs ${scope}; ARM_AUTH=none is for local stand-ins only`
      : `${describeUrl(url)} answered 403${code}: the identity lacks the role ${scope} ` +
          `(infra/README.md, "Deployment inventory", shows how to grant it)`,
  );
}

/** Lists a subscription's Azure OpenAI accounts and their deployments, following every nextLink. */
export async function readSubscription(
  subscriptionId: string,
  options: ArmClientOptions,
): Promise<ArmReading> {
  if (!isGuid(subscriptionId))
    throw new UserError(`INVENTORY_SUBSCRIPTIONS: "${subscriptionId}" is not a GUID`);
  const base = checkedEndpoint(options.endpoint);
  let requests = 0;
  const policy: RetryPolicy = {
    dependency: 'arm',
    dispatcher: options.dispatcher,
    maxAttempts: options.maxAttempts ?? 5,
    timeoutMs: options.timeoutMs ?? 30_000,
    baseDelayMs: options.baseDelayMs ?? 1000,
    maxDelayMs: 30_000,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
    waitBudgetMs: options.waitBudgetMs ?? 120_000,
    log: options.log ?? (() => undefined),
    onRequest: () => {
      requests++;
    },
    explainStatus: explainArmStatus,
    ...(options.token === undefined
      ? {}
      : { headers: async () => ({ authorization: `Bearer ${await (options.token ?? noToken)()}` }) }),
  };
  const list = <T extends z.ZodType>(path: string, item: T) =>
    listAll(base, path, listPageSchema(item), policy);

  const all = await list(
    `/subscriptions/${subscriptionId}/providers/Microsoft.CognitiveServices/accounts`,
    armAccountSchema,
  );
  const kept = all.filter((account) => AOAI_KINDS.has(account.kind ?? ''));
  const accounts: ObservedAccount[] = [];
  for (const account of kept) {
    const deployments = await list(`${account.id}/deployments`, armDeploymentSchema);
    const subdomain = account.properties?.customSubDomainName?.trim().toLowerCase();
    accounts.push({
      id: account.id.toLowerCase(),
      subscriptionId: subscriptionOf(account.id) ?? subscriptionId,
      name: account.name,
      kind: account.kind ?? '',
      location: (account.location ?? '').toLowerCase().replace(/\s+/g, ''),
      hosts: accountHosts(account),
      customSubDomain: subdomain === undefined || subdomain === '' ? null : subdomain,
      deployments: deployments.map(observedDeployment),
    });
  }
  return { accounts, skippedAccounts: all.length - kept.length, requests };
}

const noToken = (): Promise<string> => Promise.reject(new Error('no token source'));

async function listAll<T>(
  base: URL,
  path: string,
  schema: z.ZodType<{ value: T[]; nextLink?: string | null | undefined }>,
  policy: RetryPolicy,
): Promise<T[]> {
  const first = new URL(path, base);
  first.searchParams.set('api-version', ARM_API_VERSION);
  const items: T[] = [];
  const seen = new Set<string>();
  let next: string | null = first.href;
  for (let page = 1; next !== null; page++) {
    if (page > MAX_PAGES || seen.has(next)) {
      throw new DependencyError('arm', `paging did not end at ${describeUrl(next)} (page ${page})`);
    }
    seen.add(next);
    const parsed = schema.safeParse(await getJsonWithRetry(next, policy));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new DependencyError(
        'arm',
        `${describeUrl(next)} (page ${page}): ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'unexpected shape'}`,
      );
    }
    items.push(...parsed.data.value);
    next =
      parsed.data.nextLink === null || parsed.data.nextLink === undefined
        ? null
        : checkedNextLink(parsed.data.nextLink, base);
  }
  return items;
}

/** The token goes with every page: a nextLink may never lead it off the configured ARM origin. */
function checkedNextLink(link: string, base: URL): string {
  let resolved: URL;
  try {
    resolved = new URL(link, base);
  } catch {
    throw new DependencyError('arm', `nextLink is not a URL: ${link.slice(0, 200)}`);
  }
  if (resolved.origin !== base.origin) {
    throw new DependencyError(
      'arm',
      `refusing to follow nextLink to ${resolved.origin}: ARM_ENDPOINT is ${base.origin}`,
    );
  }
  return resolved.href;
}

function checkedEndpoint(endpoint: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(endpoint);
  } catch {
    throw new UserError('ARM_ENDPOINT is not a URL');
  }
  if (parsed.protocol !== 'https:') throw new UserError('ARM_ENDPOINT must be an https:// URL');
  return new URL(parsed.origin);
}
