import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';

import { closeServer } from './closeServer.js';
import { loopbackCertificate } from './tls.js';

// Wire format: Microsoft.CognitiveServices 2024-10-01 AccountListResult / DeploymentListResult, as in
// test/fixtures/api-shapes/arm_cognitiveservices_*; errors are ARM's ErrorResponse `{ error: { code, message } }`.

export interface StandInArmDeployment {
  readonly name: string;
  /** `sku.name`, e.g. GlobalStandard, ProvisionedManaged, GlobalBatch. */
  readonly sku: string;
  readonly capacity: number;
  readonly model: { readonly format: string; readonly name: string; readonly version: string };
  readonly provisioningState?: string;
  /** Served as `systemData.lastModifiedAt` when set. */
  readonly lastModifiedAt?: string;
  /** Served as `systemData.createdAt` when set. */
  readonly createdAt?: string;
}

export interface StandInArmAccount {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
  /** OpenAI, AIServices, or another kind the client must skip (e.g. SpeechServices). */
  readonly kind: string;
  readonly location: string;
  readonly customSubDomainName?: string;
  readonly deployments: readonly StandInArmDeployment[];
}

export interface ArmStandInRequest {
  readonly url: string;
  readonly authorization: string | undefined;
}

export interface ArmStandIn {
  /** ARM_ENDPOINT for the stand-in. */
  readonly url: string;
  readonly cert: string;
  readonly requests: ArmStandInRequest[];
  /** Replaces every account (e.g. a deployment that moved to another SKU). */
  setAccounts(accounts: readonly StandInArmAccount[]): void;
  /** The next request answers 429 with this Retry-After (seconds), once. */
  throttleOnce(retryAfterSeconds: number): void;
  /** Without a bearer token, every request answers 401 (what ARM does). */
  requireToken(required: boolean): void;
  /** Requests under this path prefix (lower-case match) answer `status` until cleared with undefined. */
  failPath(prefix: string, status: number | undefined): void;
  close(): Promise<void>;
}

export interface ArmStandInOptions {
  readonly accounts?: readonly StandInArmAccount[];
  /** Items per page before a nextLink; default 2, so paging is always exercised. */
  readonly pageSize?: number;
  /** A fixed port (`npm run local`); any free one otherwise. */
  readonly port?: number;
}

export function standInAccountId(account: StandInArmAccount): string {
  return `/subscriptions/${account.subscriptionId}/resourceGroups/${account.resourceGroup}/providers/Microsoft.CognitiveServices/accounts/${account.name}`;
}

function accountBody(account: StandInArmAccount): unknown {
  const sub = account.customSubDomainName ?? account.name.toLowerCase();
  const openai = `https://${sub}.openai.azure.com/`;
  const endpoint = account.kind === 'OpenAI' ? openai : `https://${sub}.cognitiveservices.azure.com/`;
  return {
    id: standInAccountId(account),
    name: account.name,
    type: 'Microsoft.CognitiveServices/accounts',
    location: account.location,
    sku: { name: 'S0' },
    kind: account.kind,
    properties: {
      endpoint,
      endpoints: { 'OpenAI Language Model Instance API': openai },
      ...(account.customSubDomainName === undefined
        ? {}
        : { customSubDomainName: account.customSubDomainName }),
      provisioningState: 'Succeeded',
    },
  };
}

function deploymentBody(account: StandInArmAccount, deployment: StandInArmDeployment): unknown {
  return {
    id: `${standInAccountId(account)}/deployments/${deployment.name}`,
    name: deployment.name,
    type: 'Microsoft.CognitiveServices/accounts/deployments',
    sku: { name: deployment.sku, capacity: deployment.capacity },
    ...(deployment.lastModifiedAt === undefined && deployment.createdAt === undefined
      ? {}
      : {
          systemData: {
            ...(deployment.createdAt === undefined ? {} : { createdAt: deployment.createdAt }),
            ...(deployment.lastModifiedAt === undefined ? {} : { lastModifiedAt: deployment.lastModifiedAt }),
          },
        }),
    properties: { model: deployment.model, provisioningState: deployment.provisioningState ?? 'Succeeded' },
  };
}

interface Reply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body: unknown;
}

const armError = (
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
): Reply => ({
  status,
  body: { error: { code, message } },
  ...(headers === undefined ? {} : { headers }),
});

/** A local HTTPS server answering the two ARM list calls the inventory refresh makes. */
export async function startArmStandIn(options: ArmStandInOptions = {}): Promise<ArmStandIn> {
  let accounts = [...(options.accounts ?? [])];
  const pageSize = options.pageSize ?? 2;
  const requests: ArmStandInRequest[] = [];
  let throttle: number | undefined;
  let tokenRequired = false;
  const failures = new Map<string, number>();
  let origin = '';

  function page(items: readonly unknown[], url: URL): Reply {
    const skip = Number(url.searchParams.get('$skipToken') ?? '0');
    const value = items.slice(skip, skip + pageSize);
    const next = new URL(url.pathname, origin);
    next.searchParams.set('api-version', url.searchParams.get('api-version') ?? '');
    next.searchParams.set('$skipToken', String(skip + pageSize));
    return { status: 200, body: skip + pageSize < items.length ? { value, nextLink: next.href } : { value } };
  }

  function route(req: IncomingMessage): Reply {
    const url = new URL(req.url ?? '/', origin);
    const path = url.pathname.toLowerCase();
    if (tokenRequired && !/^Bearer \S+/.test(req.headers.authorization ?? '')) {
      return armError(
        401,
        'AuthenticationFailed',
        "Authentication failed. The 'Authorization' header is missing.",
      );
    }
    if (throttle !== undefined) {
      const seconds = throttle;
      throttle = undefined;
      return armError(429, 'TooManyRequests', 'Too many requests, retry later.', {
        'retry-after': String(seconds),
      });
    }
    for (const [prefix, status] of failures) {
      if (!path.startsWith(prefix)) continue;
      if (status === 403) {
        return armError(
          403,
          'AuthorizationFailed',
          `The client does not have authorization to perform action 'Microsoft.CognitiveServices/accounts/read' over scope '${url.pathname}' or the scope is invalid.`,
        );
      }
      return armError(status, 'InternalServerError', 'Encountered internal server error.');
    }
    if (url.searchParams.get('api-version') !== '2024-10-01') {
      return armError(400, 'InvalidApiVersionParameter', 'The api-version is invalid.');
    }
    const list = /^\/subscriptions\/([^/]+)\/providers\/microsoft\.cognitiveservices\/accounts$/.exec(path);
    if (list !== null) {
      return page(accounts.filter((a) => a.subscriptionId.toLowerCase() === list[1]).map(accountBody), url);
    }
    const account = accounts.find((a) => `${standInAccountId(a).toLowerCase()}/deployments` === path);
    if (account !== undefined)
      return page(
        account.deployments.map((d) => deploymentBody(account, d)),
        url,
      );
    return armError(404, 'ResourceNotFound', `The resource '${url.pathname}' was not found.`);
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    requests.push({ url: req.url ?? '/', authorization: req.headers.authorization });
    const reply =
      req.method === 'GET' ? route(req) : armError(405, 'MethodNotAllowed', 'Only GET is served.');
    res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...reply.headers });
    res.end(JSON.stringify(reply.body));
  }

  const { key, cert } = await loopbackCertificate();
  const server = createServer({ key, cert }, handle);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    cert,
    requests,
    setAccounts: (next) => {
      accounts = [...next];
    },
    throttleOnce: (seconds) => {
      throttle = seconds;
    },
    requireToken: (required) => {
      tokenRequired = required;
    },
    failPath: (prefix, status) => {
      if (status === undefined) failures.delete(prefix.toLowerCase());
      else failures.set(prefix.toLowerCase(), status);
    },
    close: () => closeServer(server),
  };
}
