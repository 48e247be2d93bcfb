/** Where an event came from: the Event Hub position, or a line of a file. */
export interface EventSource {
  readonly kind: 'eventhub' | 'file' | 'spill';
  readonly partitionId?: string;
  readonly sequenceNumber?: number;
  readonly offset?: string;
  readonly enqueuedTimeUtc?: string;
  /** File name and 1-based line for CLI ingest. */
  readonly file?: string;
  readonly line?: number;
}

export type DeploymentType = 'global' | 'datazone' | 'regional';

/**
 * Non-text token counts, each a subset of the totals: audio and image input (cached ones included)
 * within `promptTokens`, their cached parts within `cachedTokens`, audio and image output within
 * `completionTokens`. What is left of each total is text. Only non-zero kinds are present, and the
 * object itself only when one is, so a text-only record stays as it was.
 */
export interface TokenKinds {
  readonly audioInput?: number;
  readonly cachedAudioInput?: number;
  readonly imageInput?: number;
  readonly cachedImageInput?: number;
  readonly audioOutput?: number;
  readonly imageOutput?: number;
  /**
   * Cached tokens the usage did not split by kind (no `cached_tokens_details`) although the input has
   * audio or image tokens: they may be any of them. The pricer prices them only when the split cannot
   * change the cost; `tokenParts` reads them as text first, then audio, then image.
   */
  readonly cachedUnsplit?: number;
}

export const TOKEN_KIND_FIELDS = [
  'audioInput',
  'cachedAudioInput',
  'imageInput',
  'cachedImageInput',
  'audioOutput',
  'imageOutput',
  'cachedUnsplit',
] as const satisfies readonly (keyof TokenKinds)[];

/** One AOAI call's token usage, whatever schema version or usage shape it arrived in. */
export interface NormalizedUsage {
  /** The idempotency key (also the Cosmos document id). */
  readonly id: string;
  /** Gateway request id when the event carried one, else null. */
  readonly requestId: string | null;
  readonly schema: 'v1' | 'v2';
  /** ISO 8601 UTC with milliseconds. */
  readonly eventTime: string;
  /** Lower-case GUID. */
  readonly appId: string;
  readonly tenantId: string | null;
  readonly subscriptionId: string | null;
  /** Logged model name, e.g. `gpt-4o-2024-08-06` or `gpt-35-turbo`. */
  readonly model: string;
  readonly deployment: string | null;
  /** v2 `backend`: where the gateway sent the request (after load balancing); the inventory matches on it. */
  readonly backend?: string | null;
  readonly deploymentType: DeploymentType | null;
  readonly region: string | null;
  readonly operation: string;
  readonly stream: boolean | null;
  readonly statusCode: number | null;
  readonly modelTimeMs: number | null;
  readonly promptTokens: number;
  readonly cachedTokens: number;
  readonly completionTokens: number;
  readonly reasoningTokens: number;
  readonly totalTokens: number;
  /** Audio and image tokens inside the totals; absent for text-only usage. */
  readonly tokenKinds?: TokenKinds;
  /** A DALL-E call's request facts (it returns no usage); absent otherwise. */
  readonly images?: ImageFacts;
  /** A text-to-speech call's measures (it returns no usage); absent otherwise. */
  readonly speech?: SpeechFacts;
  /** Whisper's usage: seconds of audio transcribed (it reports no tokens). */
  readonly durationSeconds?: number;
  /**
   * Set by backfill for an unpriced record without `tokenKinds`: it may have been written before
   * audio and image tokens were read, so its totals may hide them.
   */
  readonly kindsUnknown?: true;
}

export interface ImageFacts {
  /** Images returned: what is billed. */
  readonly count: number;
  /** As requested (`1024x1024`, `1792x1024`), lower-case; null when the request did not say. */
  readonly size: string | null;
  /** As requested (`standard`, `hd`), lower-case; null when the request did not say. */
  readonly quality: string | null;
}

export interface SpeechFacts {
  readonly inputCharacters: number;
  readonly outputBytes: number;
}

/** A validation problem, named by field path. */
export interface FieldIssue {
  readonly path: string;
  readonly problem: string;
}
