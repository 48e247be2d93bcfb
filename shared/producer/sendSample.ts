import {
  type EventDataBatch,
  EventHubProducerClient,
  parseEventHubConnectionString,
  type TokenCredential,
} from '@azure/event-hubs';

import { DependencyError, ensureError, UserError } from '../errors.js';
import { buildSampleEvents, type SampleOptions, type SampleV2Event } from './sampleEvents.js';

/** Where to send: a connection string (local tools, emulator), or a namespace plus a caller's credential. */
export type SendSampleTarget =
  | {
      readonly connectionString: string;
      readonly fullyQualifiedNamespace?: undefined;
      readonly credential?: undefined;
    }
  | {
      readonly connectionString?: undefined;
      readonly fullyQualifiedNamespace: string;
      readonly credential: TokenCredential;
    };

export type SendSampleOptions = SendSampleTarget & {
  readonly eventHubName: string;
  readonly count: number;
  readonly seed: number;
  /** Retries per operation; keep it low for interactive use so a wrong address fails fast (default 2). */
  readonly maxRetries?: number;
  /** Per-try timeout in ms (default 10 000). */
  readonly timeoutMs?: number;
  readonly apps?: SampleOptions['apps'];
  readonly start?: SampleOptions['start'];
};

export interface SendSampleResult {
  readonly sent: number;
  readonly batches: number;
}

/**
 * Sends `count` sample v2 events, partition key = appId (as the gateway policy does), batched with
 * `createBatch`. Failures become one DependencyError naming the namespace; the key is never printed.
 */
export async function sendSampleEvents(options: SendSampleOptions): Promise<SendSampleResult> {
  const target = describeTarget(options);
  const maxRetries = options.maxRetries ?? 2;
  const timeoutInMs = options.timeoutMs ?? 10_000;
  const retryOptions = { maxRetries, retryDelayInMs: 500, maxRetryDelayInMs: 2_000, timeoutInMs };
  const events = buildEvents(options);

  const producer =
    options.connectionString !== undefined
      ? new EventHubProducerClient(options.connectionString, options.eventHubName, { retryOptions })
      : new EventHubProducerClient(
          options.fullyQualifiedNamespace,
          options.eventHubName,
          options.credential,
          {
            retryOptions,
          },
        );
  try {
    let batches = 0;
    for (const [appId, appEvents] of groupByApp(events)) {
      batches += await sendForApp(producer, appId, appEvents);
    }
    return { sent: events.length, batches };
  } catch (error) {
    if (error instanceof UserError) throw error;
    const reason = redact(describeFailure(error), options.connectionString);
    throw new DependencyError(
      'eventhub',
      `could not send to namespace ${target.namespace}, hub ${options.eventHubName} ` +
        `(gave up after ${maxRetries} retries, ${timeoutInMs} ms per try): ${reason}`,
    );
  } finally {
    // Closing a client that never connected is harmless; a close failure must not hide the real error.
    await producer.close().catch(() => undefined);
  }
}

/** Sends one app's events in as few batches as fit; returns how many batches it sent. */
async function sendForApp(
  producer: EventHubProducerClient,
  appId: string,
  events: readonly SampleV2Event[],
): Promise<number> {
  let batches = 0;
  let batch: EventDataBatch = await producer.createBatch({ partitionKey: appId });
  for (const event of events) {
    const data = { body: event, contentType: 'application/json' };
    if (batch.tryAdd(data)) continue;
    if (batch.count > 0) {
      await producer.sendBatch(batch);
      batches++;
      batch = await producer.createBatch({ partitionKey: appId });
      if (batch.tryAdd(data)) continue;
    }
    throw new UserError(`event ${event.requestId} is larger than a whole batch`);
  }
  if (batch.count > 0) {
    await producer.sendBatch(batch);
    batches++;
  }
  return batches;
}

function buildEvents(options: SendSampleOptions): SampleV2Event[] {
  try {
    return buildSampleEvents(options.count, { seed: options.seed, apps: options.apps, start: options.start });
  } catch (error) {
    throw new UserError(ensureError(error).message);
  }
}

function groupByApp(events: readonly SampleV2Event[]): Map<string, SampleV2Event[]> {
  const groups = new Map<string, SampleV2Event[]>();
  for (const event of events) {
    const group = groups.get(event.appId);
    if (group) group.push(event);
    else groups.set(event.appId, [event]);
  }
  return groups;
}

/**
 * Validates the target before the SDK sees it: the SDK's own errors for a bad or mismatched
 * connection string quote the whole string, key included.
 */
function describeTarget(options: SendSampleOptions): { namespace: string } {
  if (options.eventHubName.trim() === '') throw new UserError('eventHubName must not be empty');
  if (options.connectionString === undefined) {
    if (options.fullyQualifiedNamespace.trim() === '')
      throw new UserError('fullyQualifiedNamespace must not be empty');
    return { namespace: options.fullyQualifiedNamespace };
  }
  let parsed: ReturnType<typeof parseEventHubConnectionString>;
  try {
    parsed = parseEventHubConnectionString(options.connectionString);
  } catch (error) {
    throw new UserError(
      `the Event Hubs connection string is not valid: ${redact(ensureError(error).message, options.connectionString)}`,
    );
  }
  const namespace = parsed.fullyQualifiedNamespace || '(no namespace)';
  if (parsed.eventHubName !== undefined && parsed.eventHubName !== options.eventHubName) {
    throw new UserError(
      `the connection string for ${namespace} names hub "${parsed.eventHubName}" (EntityPath), ` +
        `but eventHubName is "${options.eventHubName}"`,
    );
  }
  return { namespace };
}

/**
 * The SDK's retry wraps every attempt's error in an AggregateError with an empty message (and
 * sometimes nests it as `cause`), so dig out the last attempt's message and system error code.
 */
function describeFailure(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 5; depth++) {
    if (current instanceof AggregateError && current.errors.length > 0) current = current.errors.at(-1);
    else if (current instanceof Error && current.message === '' && current.cause !== undefined)
      current = current.cause;
    else break;
  }
  const last = ensureError(current);
  const code = (last as { code?: unknown }).code;
  const hint = typeof code === 'string' ? HINTS[code] : undefined;
  const text = last.message || (typeof code === 'string' ? code : last.name);
  return hint === undefined ? text : `${text} (${hint})`;
}

const HINTS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'nothing is listening at that address',
  ENOTFOUND: 'the host name does not resolve; check the namespace',
  ETIMEDOUT: 'no answer in time; check the namespace and the network path',
  UnauthorizedError: 'the key or identity may not send to this hub',
};

/** Removes the connection string and any key or signature in it from a message meant for people. */
export function redact(message: string, connectionString: string | undefined): string {
  let out = message;
  if (connectionString !== undefined && connectionString !== '') {
    out = out.split(connectionString).join('<redacted>');
    // A key quoted on its own; short values would match ordinary words, and real keys are 44 characters.
    const key = /SharedAccess(?:Key|Signature)=([^;]+)/i.exec(connectionString)?.[1];
    if (key !== undefined && key.length >= 8) out = out.split(key).join('<redacted>');
  }
  return out.replace(/(SharedAccessKey|SharedAccessSignature)=[^;"'\s]*/gi, '$1=<redacted>');
}
