import { BlobServiceClient } from '@azure/storage-blob';

import type { Settings } from '../shared/config.js';
import { DependencyError } from '../shared/errors.js';

/** Socket, DNS and TLS failures: the service was never reached, so nothing was saved. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'TimeoutError',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_SOCKET',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The endpoint answered with a certificate Node does not trust: a local stand-in or emulator. */
const UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);
const TRUST_HINT =
  '; for a local stand-in, trust its certificate with CHARGEBACK_TRUSTED_CA_FILE (npm run local prints it)';

const SETTING_OF: Record<DependencyError['dependency'], string> = {
  cosmos: 'COSMOS_ENDPOINT',
  blob: 'AzureWebJobsStorage',
  graph: 'GRAPH_BASE_URL',
  retailPrices: 'RETAIL_PRICES_URL',
  eventhub: 'EventHubConnection',
  arm: 'ARM_ENDPOINT',
};

interface Endpoint {
  readonly setting: string;
  readonly url: URL;
}

/** Where each setting points, so a socket error can be traced to the setting that chose the address. */
function endpoints(settings: Settings): Endpoint[] {
  const found: Endpoint[] = [];
  const add = (setting: string, url: string | undefined) => {
    if (url === undefined) return;
    try {
      found.push({ setting, url: new URL(url) });
    } catch {
      // An unparsable value was already refused by the settings schema or the client.
    }
  };
  add('COSMOS_ENDPOINT', settings.COSMOS_ENDPOINT);
  add('GRAPH_BASE_URL', settings.GRAPH_BASE_URL);
  add('RETAIL_PRICES_URL', settings.RETAIL_PRICES_URL);
  add('ARM_ENDPOINT', settings.ARM_ENDPOINT);
  const storage =
    settings.AzureWebJobsStorage ??
    (settings.AzureWebJobsStorage__accountName === undefined &&
    settings.AzureWebJobsStorage__blobServiceUri === undefined
      ? 'UseDevelopmentStorage=true'
      : undefined);
  if (storage !== undefined) {
    try {
      add('AzureWebJobsStorage', BlobServiceClient.fromConnectionString(storage).url);
    } catch {
      // Not a connection string: the spill store reports that itself.
    }
  } else {
    add(
      'AzureWebJobsStorage',
      settings.AzureWebJobsStorage__blobServiceUri ??
        `https://${settings.AzureWebJobsStorage__accountName ?? ''}.blob.core.windows.net`,
    );
  }
  return found;
}

/** The error and everything it wraps (`cause`, AggregateError's `errors`). */
function chain(error: unknown): unknown[] {
  const seen: unknown[] = [];
  const queue = [error];
  while (queue.length > 0 && seen.length < 20) {
    const next = queue.shift();
    if (typeof next !== 'object' || next === null || seen.includes(next)) continue;
    seen.push(next);
    const { cause, errors } = next as { cause?: unknown; errors?: unknown };
    queue.push(cause);
    if (Array.isArray(errors)) queue.push(...(errors as unknown[]));
  }
  return seen;
}

function unreachableCode(error: unknown): string | undefined {
  for (const link of chain(error)) {
    const code = (link as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE.has(code)) return code;
  }
  return undefined;
}

function port(url: URL): string {
  if (url.port !== '') return url.port;
  return url.protocol === 'http:' ? '80' : '443';
}

/** The setting whose endpoint the failed address belongs to. */
function settingFor(error: unknown, settings: Settings): Endpoint | undefined {
  const text = chain(error)
    .map((link) => {
      const { message, address, port: p, hostname } = link as Record<string, unknown>;
      return [message, address, p, hostname]
        .filter((v) => typeof v === 'string' || typeof v === 'number')
        .join(' ');
    })
    .join(' ')
    .concat(' ');
  return endpoints(settings).find(
    ({ url }) => text.includes(`${url.hostname}:${port(url)}`) || text.includes(url.hostname + ' '),
  );
}

/** A store or service was unreachable or failed: nothing of this run was saved. Exit 4. */
export class InfrastructureFailure extends Error {
  override readonly name = 'InfrastructureFailure';
}

/**
 * Turns "the service was not reached" into an InfrastructureFailure that names the setting to
 * check, so it exits 4 rather than 1 (a finding). Anything else is returned unchanged.
 */
export function asInfrastructureFailure(error: unknown, settings: Settings): unknown {
  const code = unreachableCode(error);
  const trust = code !== undefined && UNTRUSTED.has(code) ? TRUST_HINT : '';
  if (error instanceof DependencyError) {
    const setting = SETTING_OF[error.dependency];
    const hint = error.message.includes(setting) ? '' : ` (check ${setting})`;
    return new InfrastructureFailure(`${error.message}${hint}${trust}`, { cause: error });
  }
  if (code === undefined) return error;
  const message = error instanceof Error ? error.message : String(error);
  const endpoint = settingFor(error, settings);
  if (endpoint === undefined) {
    return new InfrastructureFailure(`a service could not be reached (${code}): ${message}`, {
      cause: error,
    });
  }
  return new InfrastructureFailure(
    `cannot reach ${endpoint.url.origin} (${message}); check ${endpoint.setting}${trust}`,
    { cause: error },
  );
}
