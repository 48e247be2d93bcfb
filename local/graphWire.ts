import { randomUUID } from 'node:crypto';

/** One HTTP answer, or one `$batch` sub-response before it is wrapped. */
export interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly hangMs: number;
}

// Header sets copied from graph_batch_response_official_doc.json.
export const OK_HEADERS = {
  'Cache-Control': 'no-cache',
  'x-ms-resource-unit': '1',
  'OData-Version': '4.0',
  'Content-Type':
    'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8',
};
export const ERROR_HEADERS = {
  'Cache-Control': 'no-cache',
  'x-ms-resource-unit': '1',
  'Content-Type': 'application/json',
};

/** Graph's error envelope (graph_error_404_request_resourcenotfound.json, graph_429_throttled_official_doc.json). */
export function graphError(status: number, code: string, message: string): unknown {
  const date = new Date().toISOString().slice(0, 19);
  const requestId = randomUUID();
  if (status === 429) {
    const innerError = {
      code: '429',
      date,
      message: 'Please retry after',
      'request-id': requestId,
      status: '429',
    };
    return { error: { code: 'TooManyRequests', innerError, message: 'Please retry again later.' } };
  }
  return {
    error: { code, message, innerError: { date, 'request-id': requestId, 'client-request-id': requestId } },
  };
}

export function errorAnswer(status: number, code: string, message: string, hangMs = 0): Answer {
  return { status, headers: ERROR_HEADERS, body: graphError(status, code, message), hangMs };
}

/** An injected fault; codes as Graph's error reference names them. */
export function faultAnswer(status: number, retryAfterSeconds?: number, hangMs = 0): Answer {
  const code =
    status === 503 ? 'serviceNotAvailable' : status === 429 ? 'TooManyRequests' : 'generalException';
  const headers: Record<string, string> = { ...ERROR_HEADERS };
  if (retryAfterSeconds !== undefined) headers['Retry-After'] = String(retryAfterSeconds);
  return { status, headers, body: graphError(status, code, 'Stand-in fault.'), hangMs };
}

const SP_KEY = /^\/servicePrincipals\(appId='((?:[^']|'')*)'\)$/;

/** Reads `servicePrincipals(appId='…')` with OData unquoting; `appId` is undefined for any other path. */
export function parseServicePrincipalUrl(url: string): { path: string; appId?: string; select?: string } {
  const parsed = new URL(url.startsWith('/') ? url : `/${url}`, 'https://graph.invalid');
  const path = decodeURIComponent(parsed.pathname);
  const key = SP_KEY.exec(path)?.[1];
  const select = parsed.searchParams.get('$select') ?? undefined;
  return {
    path,
    ...(key === undefined ? {} : { appId: key.replaceAll("''", "'") }),
    ...(select ? { select } : {}),
  };
}

/** A single-entity body: selected properties only, null when unset (tags: empty), as Graph does. */
export function entityBody(record: Readonly<Record<string, unknown>>, select: string | undefined): unknown {
  const body: Record<string, unknown> = {
    '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#servicePrincipals${select ? `(${select})` : ''}/$entity`,
  };
  for (const p of select ? select.split(',') : Object.keys(record))
    body[p] = record[p] ?? (p === 'tags' ? [] : null);
  return body;
}

export interface BatchStep {
  readonly id: string;
  readonly method: string;
  readonly url: string;
}

export function parseBatch(text: string): BatchStep[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (
    typeof value !== 'object' ||
    value === null ||
    !('requests' in value) ||
    !Array.isArray(value.requests)
  ) {
    return undefined;
  }
  const out: BatchStep[] = [];
  for (const r of value.requests as unknown[]) {
    if (typeof r !== 'object' || r === null) return undefined;
    const { id, method, url } = r as Record<string, unknown>;
    if (typeof id !== 'string' || typeof method !== 'string' || typeof url !== 'string') return undefined;
    out.push({ id, method: method.toUpperCase(), url });
  }
  return out;
}
