import type { AccessToken, TokenCredential } from '@azure/identity';
import { Agent, fetch } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startGraphStandIn,
  type GraphStandIn,
  type StandInServicePrincipal,
} from '../../local/graphStandIn.js';
import { odataString, servicePrincipalByAppIdUrl } from '../../shared/identity/graphBatch.js';
import { parseRetryAfterMs } from '../../shared/identity/retryAfter.js';
import {
  createGraphDirectory,
  type GraphDirectory,
  type GraphDirectoryOptions,
} from '../../shared/identity/graphDirectory.js';
import type { DirectoryResult } from '../../shared/identity/types.js';

// From graph_sp_get_official_doc_example1.json (appId made a GUID, tags given a business unit): the extra
// properties prove that `$select` is honoured end to end.
const MY_APP: StandInServicePrincipal = {
  accountEnabled: true,
  alternativeNames: ['http://contoso/a7770d29-4321-41a6-b863-ca11d6639448'],
  appDisplayName: 'My app',
  appId: 'a7770d29-4321-41a6-b863-ca11d6639448',
  appOwnerOrganizationId: '65415bb1-9267-4313-bbf5-ae259732ee12',
  appRoles: [],
  displayName: 'My app instance in tenant',
  id: '00af5dfb-85da-4b41-a677-0c6b86dd34f8',
  servicePrincipalType: 'Application',
  signInAudience: 'AzureADandPersonalMicrosoftAccount',
  tags: ['WindowsAzureActiveDirectoryIntegratedApp', 'businessUnit:Retail'],
};
// From graph_sp_list_select_filter_official_doc.json.
const SALESFORCE: StandInServicePrincipal = {
  id: '167e33e9-f80e-490e-b4d8-698d4a80fb3e',
  appId: 'cd3ed3de-93ee-400b-8b19-b61ef44a0f29',
  displayName: 'Salesforce',
};
// From graph_sp_managed_identity_user_assigned_directoryObjects_select.json.
const MANAGED_IDENTITY: StandInServicePrincipal = {
  alternativeNames: [
    'isExplicit=True',
    '/subscriptions/1b877039-42c8-467f-a80b-950b770fa4ff/resourcegroups/kjh-microsoft-learn/providers/Microsoft.ManagedIdentity/userAssignedIdentities/kjh-mi',
  ],
  appId: 'a72223ed-0a1e-4683-9b4b-44bed448bccc',
  displayName: 'kjh-mi',
  id: '8097154c-b14f-4898-928c-16ca80e12dfd',
  servicePrincipalNames: [
    'a72223ed-0a1e-4683-9b4b-44bed448bccc',
    'https://identity.azure.net/ClNzn4fxz/63fEHulvQtfB7agLtUDIkCJSx4OFAC3Tw=',
  ],
  servicePrincipalType: 'ManagedIdentity',
};
const MISSING = '5b31c38c-2584-42f0-aa47-657fb3a84230';
const INJECTION = "x') or 1 eq 1 or ('";

const generated = (i: number): StandInServicePrincipal => ({
  id: `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  appId: `20000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  displayName: `app ${i}`,
  servicePrincipalType: 'Application',
  tags: [`businessUnit:unit-${i % 3}`],
});
const MANY = Array.from({ length: 45 }, (_, i) => generated(i));

let standIn: GraphStandIn;
const opened: GraphDirectory[] = [];

beforeEach(async () => {
  standIn = await startGraphStandIn({ servicePrincipals: [MY_APP, SALESFORCE, MANAGED_IDENTITY, ...MANY] });
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((d) => d.close()));
  await standIn.close();
});

function directory(options: Partial<GraphDirectoryOptions> = {}): GraphDirectory {
  const d = createGraphDirectory({ baseUrl: standIn.url, auth: 'none', trustedCa: standIn.cert, ...options });
  opened.push(d);
  return d;
}

function get(results: Map<string, DirectoryResult>, appId: string): DirectoryResult {
  const result = results.get(appId);
  if (!result) throw new Error(`no result for ${appId}`);
  return result;
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await work();
  return [value, performance.now() - start];
}

describe('graph directory against the local Graph stand-in', () => {
  it('resolves one app to exactly the selected properties, in one $batch request', async () => {
    const d = directory();
    const results = await d.lookup([MY_APP.appId]);
    expect(get(results, MY_APP.appId)).toEqual({
      kind: 'found',
      servicePrincipal: {
        id: MY_APP.id,
        appId: MY_APP.appId,
        displayName: 'My app instance in tenant',
        servicePrincipalType: 'Application',
        tags: ['WindowsAzureActiveDirectoryIntegratedApp', 'businessUnit:Retail'],
        appOwnerOrganizationId: '65415bb1-9267-4313-bbf5-ae259732ee12',
      },
    });
    expect(d.stats.requests).toBe(1);
    expect(standIn.requests).toMatchObject({ total: 1, batches: 1, subRequests: 1, gets: 0 });
    expect(standIn.requests.received[0]?.url).toBe('/v1.0/$batch');
  });

  it('fills properties Graph leaves unset with null and tags with []', async () => {
    const results = await directory().lookup([SALESFORCE.appId]);
    expect(get(results, SALESFORCE.appId)).toMatchObject({
      kind: 'found',
      servicePrincipal: {
        displayName: 'Salesforce',
        servicePrincipalType: null,
        tags: [],
        appOwnerOrganizationId: null,
      },
    });
  });

  it('resolves a managed identity the same way', async () => {
    const results = await directory().lookup([MANAGED_IDENTITY.appId]);
    expect(get(results, MANAGED_IDENTITY.appId)).toMatchObject({
      kind: 'found',
      servicePrincipal: {
        id: MANAGED_IDENTITY.id,
        displayName: 'kjh-mi',
        servicePrincipalType: 'ManagedIdentity',
      },
    });
  });

  it('sends 45 distinct apps (plus duplicates) as exactly 3 batches, matched by id despite reversed order', async () => {
    const d = directory();
    const appIds = [...MANY.map((sp) => sp.appId), MANY[0]?.appId ?? '', MANY[44]?.appId ?? ''];
    const results = await d.lookup(appIds);
    expect(d.stats.requests).toBe(3);
    expect(standIn.requests).toMatchObject({ total: 3, batches: 3, subRequests: 45 });
    const sizes = standIn.requests.received.map(
      (r) => (JSON.parse(r.body) as { requests: unknown[] }).requests.length,
    );
    expect(sizes.sort((a, b) => a - b)).toEqual([5, 20, 20]);
    expect(results.size).toBe(45);
    for (const sp of MANY) {
      expect(get(results, sp.appId)).toMatchObject({
        kind: 'found',
        servicePrincipal: { appId: sp.appId, id: sp.id, displayName: sp.displayName },
      });
    }
  });

  it('coalesces concurrent lookups of 15 + 15 + 10 new apps into 2 full $batch requests', async () => {
    const d = directory();
    const ids = MANY.map((sp) => sp.appId);
    const parts = [ids.slice(0, 15), ids.slice(15, 30), ids.slice(30, 40)];
    const results = await Promise.all(parts.map((part) => d.lookup(part)));
    expect(d.stats.requests).toBe(2);
    expect(standIn.requests).toMatchObject({ total: 2, batches: 2, subRequests: 40 });
    const sizes = standIn.requests.received.map(
      (r) => (JSON.parse(r.body) as { requests: unknown[] }).requests.length,
    );
    expect(sizes).toEqual([20, 20]);
    results.forEach((result, i) => {
      expect([...result.keys()].sort()).toEqual([...(parts[i] ?? [])].sort());
      for (const appId of result.keys()) expect(get(result, appId).kind).toBe('found');
    });
  });

  it('still sends a lone partial lookup once the linger runs out', async () => {
    const d = directory();
    const part = MANY.slice(0, 5).map((sp) => sp.appId);
    const results = await d.lookup(part);
    expect(d.stats.requests).toBe(1);
    expect(standIn.requests).toMatchObject({ batches: 1, subRequests: 5 });
    for (const appId of part) expect(get(results, appId).kind).toBe('found');
  });

  it('gives each app of a shared batch the throttle budget of its own lookup', async () => {
    standIn.setAppFault(MY_APP.appId, { throttleOnce: 0.3 });
    standIn.setAppFault(SALESFORCE.appId, { throttleOnce: 0.3 });
    // Wide margins so a loaded machine cannot flip the outcome: the second lookup may start up to 1 s
    // late and the stand-in may take up to ~450 ms to answer.
    const d = directory({ throttleBudgetMs: 2_250, lingerMs: 1_500 });
    const early = d.lookup([MY_APP.appId]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // The second lookup restarts the linger, so both ride one batch sent 1.5 s after it: MY_APP then has
    // < 250 ms of its budget left, too little for Retry-After 0.3 s; SALESFORCE has ~750 ms and is retried.
    const late = d.lookup([SALESFORCE.appId]);
    expect(get(await early, MY_APP.appId)).toEqual({
      kind: 'unavailable',
      reason: 'graph 429 throttled: retry-after 300 ms exceeds the budget',
    });
    expect(get(await late, SALESFORCE.appId).kind).toBe('found');
    expect(d.stats.requests).toBe(2);
    expect(standIn.requests.received[1]?.body).toContain(SALESFORCE.appId);
    expect(standIn.requests.received[1]?.body).not.toContain(MY_APP.appId);
  });

  it('makes no request for an empty lookup', async () => {
    const d = directory();
    expect((await d.lookup([])).size).toBe(0);
    expect(standIn.requests.total).toBe(0);
  });

  it('keeps the caller key for an upper-case GUID', async () => {
    const upper = MY_APP.appId.toUpperCase();
    const results = await directory().lookup([upper]);
    expect(get(results, upper)).toMatchObject({ kind: 'found', servicePrincipal: { id: MY_APP.id } });
  });

  it('maps 404 Request_ResourceNotFound to notFound next to found apps', async () => {
    const results = await directory().lookup([MISSING, SALESFORCE.appId]);
    expect(get(results, MISSING)).toEqual({ kind: 'notFound' });
    expect(get(results, SALESFORCE.appId).kind).toBe('found');
  });

  it('retries only the app throttled with an inner 429 after its Retry-After', async () => {
    standIn.setAppFault(MY_APP.appId, { throttleOnce: 1 });
    const d = directory();
    const [results, ms] = await timed(() => d.lookup([MY_APP.appId, SALESFORCE.appId, MISSING]));
    expect(get(results, MY_APP.appId).kind).toBe('found');
    expect(get(results, SALESFORCE.appId).kind).toBe('found');
    expect(get(results, MISSING).kind).toBe('notFound');
    expect(ms).toBeGreaterThanOrEqual(950);
    expect(d.stats.requests).toBe(2);
    expect(standIn.requests.subRequests).toBe(4);
    expect(standIn.requests.received[1]?.body).toContain(MY_APP.appId);
    expect(standIn.requests.received[1]?.body).not.toContain(SALESFORCE.appId);
  });

  it('gives up at once when Retry-After exceeds the throttle budget', async () => {
    standIn.setAppFault(MY_APP.appId, { throttleAlways: 5 });
    const d = directory({ throttleBudgetMs: 1_000 });
    const [results, ms] = await timed(() => d.lookup([MY_APP.appId, SALESFORCE.appId]));
    expect(get(results, MY_APP.appId)).toEqual({
      kind: 'unavailable',
      reason: 'graph 429 throttled: retry-after 5000 ms exceeds the budget',
    });
    expect(get(results, SALESFORCE.appId).kind).toBe('found');
    expect(ms).toBeLessThan(900);
    expect(d.stats.requests).toBe(1);
  });

  it('stops after maxAttempts while throttling persists', async () => {
    standIn.setAppFault(MY_APP.appId, { throttleAlways: 0.1 });
    const d = directory({ maxAttempts: 3 });
    const results = await d.lookup([MY_APP.appId]);
    expect(get(results, MY_APP.appId)).toEqual({
      kind: 'unavailable',
      reason: 'graph 429 throttled: after 3 attempts',
    });
    expect(d.stats.requests).toBe(3);
  });

  it('retries a top-level 429 or 503 that carries Retry-After', async () => {
    for (const status of [429, 503]) {
      standIn.setFault({ status, retryAfterSeconds: 0.2, times: 1 });
      const d = directory();
      const results = await d.lookup([MY_APP.appId]);
      expect(get(results, MY_APP.appId).kind).toBe('found');
      expect(d.stats.requests).toBe(2);
    }
  });

  it('reports a top-level 503 without Retry-After as unavailable, without retrying', async () => {
    standIn.setFault({ status: 503 });
    const d = directory();
    const results = await d.lookup([MY_APP.appId, SALESFORCE.appId]);
    for (const appId of [MY_APP.appId, SALESFORCE.appId]) {
      expect(get(results, appId)).toEqual({ kind: 'unavailable', reason: 'graph 503 serviceNotAvailable' });
    }
    expect(d.stats.requests).toBe(1);
  });

  it('reports an inner 5xx as unavailable for that app only', async () => {
    standIn.setAppFault(MY_APP.appId, { fail5xx: 503 });
    const d = directory();
    const results = await d.lookup([MY_APP.appId, SALESFORCE.appId]);
    expect(get(results, MY_APP.appId)).toEqual({
      kind: 'unavailable',
      reason: 'graph 503 serviceNotAvailable',
    });
    expect(get(results, SALESFORCE.appId).kind).toBe('found');
    expect(d.stats.requests).toBe(1);
  });

  it('aborts a response slower than the timeout and says so', async () => {
    standIn.setAppFault(MY_APP.appId, { hangMs: 10_000 });
    const d = directory({ timeoutMs: 300 });
    const [results, ms] = await timed(() => d.lookup([MY_APP.appId]));
    expect(get(results, MY_APP.appId)).toEqual({ kind: 'unavailable', reason: 'graph timeout after 300 ms' });
    expect(ms).toBeLessThan(1_500);
  });

  it('reports a refused connection as unavailable', async () => {
    const d = directory();
    await standIn.close();
    const results = await d.lookup([MY_APP.appId]);
    expect(get(results, MY_APP.appId)).toMatchObject({ kind: 'unavailable' });
    expect((get(results, MY_APP.appId) as { reason: string }).reason).toMatch(
      /^graph request failed: .*ECONNREFUSED/,
    );
    standIn = await startGraphStandIn();
  });

  it('does not trust the self-signed stand-in without trustedCa', async () => {
    const results = await directory({ trustedCa: undefined }).lookup([MY_APP.appId]);
    expect((get(results, MY_APP.appId) as { reason: string }).reason).toMatch(
      /^graph request failed: .*CERT/,
    );
    expect(standIn.requests.total).toBe(0);
  });

  it('never lets a non-GUID reach the wire', async () => {
    const d = directory();
    const alone = await d.lookup([INJECTION]);
    expect(get(alone, INJECTION)).toEqual({ kind: 'notFound' });
    expect(standIn.requests.total).toBe(0);

    const mixed = await d.lookup([INJECTION, MY_APP.appId]);
    expect(get(mixed, INJECTION)).toEqual({ kind: 'notFound' });
    expect(get(mixed, MY_APP.appId).kind).toBe('found');
    expect(standIn.requests.received).toHaveLength(1);
    for (const r of standIn.requests.received) {
      for (const text of [r.url, r.body]) {
        expect(text).not.toContain('1 eq 1');
        expect(text).not.toContain("x'");
      }
    }
    expect(() => servicePrincipalByAppIdUrl(INJECTION)).toThrow(TypeError);
    expect(odataString("o'brien")).toBe("'o''brien'");
  });

  it('sends the token of the credential, built lazily once, as a bearer header', async () => {
    const scopes: string[][] = [];
    let built = 0;
    const credentialFactory = (): TokenCredential => {
      built += 1;
      return {
        getToken: (requested): Promise<AccessToken> => {
          scopes.push([requested].flat());
          return Promise.resolve({ token: 'fake-token-123', expiresOnTimestamp: Date.now() + 3_600_000 });
        },
      };
    };
    const d = directory({ auth: 'default', credentialFactory });
    expect(built).toBe(0);
    await d.lookup([MY_APP.appId]);
    await d.lookup([SALESFORCE.appId]);
    expect(built).toBe(1);
    expect(scopes[0]).toEqual(['https://graph.microsoft.com/.default']);
    expect(standIn.requests.received.map((r) => r.authorization)).toEqual([
      'Bearer fake-token-123',
      'Bearer fake-token-123',
    ]);
  });

  it('bounds a token request that never returns by the same timeout, sending nothing', async () => {
    const hanging: TokenCredential = { getToken: () => new Promise<AccessToken>(() => undefined) };
    const d = directory({ auth: 'default', credentialFactory: () => hanging, timeoutMs: 200 });
    const [results, ms] = await timed(() => d.lookup([MY_APP.appId]));
    expect(get(results, MY_APP.appId)).toEqual({ kind: 'unavailable', reason: 'graph timeout after 200 ms' });
    expect(ms).toBeLessThan(1_000);
    expect(standIn.requests.total).toBe(0);
  });

  it('sends no Authorization header with auth none', async () => {
    await directory().lookup([MY_APP.appId]);
    expect(standIn.requests.received[0]?.authorization).toBeUndefined();
  });

  it('rejects a base URL with a path', () => {
    expect(() => createGraphDirectory({ baseUrl: `${standIn.url}/v1.0`, auth: 'none' })).toThrow(
      /GRAPH_BASE_URL/,
    );
  });
});

describe('graph stand-in wire format', () => {
  async function call(path: string, init: { method?: string; body?: string } = {}) {
    const dispatcher = new Agent({ connect: { ca: standIn.cert } });
    try {
      const response = await fetch(`${standIn.url}${path}`, { ...init, dispatcher });
      const body: unknown = await response.json();
      return { status: response.status, headers: response.headers, body };
    } finally {
      await dispatcher.close();
    }
  }

  it('honours $select on a single GET', async () => {
    const reply = await call(`/v1.0/servicePrincipals(appId='${MY_APP.appId}')?$select=id,displayName`);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      '@odata.context':
        'https://graph.microsoft.com/v1.0/$metadata#servicePrincipals(id,displayName)/$entity',
      id: MY_APP.id,
      displayName: MY_APP.displayName,
    });
    expect(standIn.requests.gets).toBe(1);
  });

  it('answers a batch in reverse order with per-response status, headers and body', async () => {
    const requests = [MY_APP.appId, MISSING].map((appId, i) => ({
      id: String(i + 1),
      method: 'GET',
      url: servicePrincipalByAppIdUrl(appId),
    }));
    const reply = await call('/v1.0/$batch', { method: 'POST', body: JSON.stringify({ requests }) });
    expect(reply.status).toBe(200);
    const { responses } = reply.body as {
      responses: { id: string; status: number; headers: object; body: unknown }[];
    };
    expect(responses.map((r) => [r.id, r.status])).toEqual([
      ['2', 404],
      ['1', 200],
    ]);
    expect(responses[0]?.body).toMatchObject({ error: { code: 'Request_ResourceNotFound' } });
    expect(responses[1]?.headers).toMatchObject({ 'OData-Version': '4.0' });
  });

  it('rejects a batch of more than 20 steps', async () => {
    const requests = MANY.slice(0, 21).map((sp, i) => ({
      id: String(i),
      method: 'GET',
      url: servicePrincipalByAppIdUrl(sp.appId),
    }));
    const reply = await call('/v1.0/$batch', { method: 'POST', body: JSON.stringify({ requests }) });
    expect(reply.status).toBe(400);
  });
});

describe('Retry-After', () => {
  it('reads fractional seconds, HTTP dates and rejects garbage', () => {
    expect(parseRetryAfterMs('2.128')).toBe(2128);
    expect(parseRetryAfterMs('10')).toBe(10_000);
    expect(parseRetryAfterMs(new Date(61_000).toUTCString(), 1_000)).toBe(60_000);
    expect(parseRetryAfterMs('soon')).toBeUndefined();
    expect(parseRetryAfterMs(null)).toBeUndefined();
  });
});
