import type { DeploymentType, ImageFacts, SpeechFacts, TokenKinds } from '../events/types.js';
import type { IdentityStatus } from '../identity/types.js';
import type { StoredPriceKeySources } from './ports.js';

/** One document of the `usage` container: one AOAI request, priced and named. */
export interface UsageRecord {
  readonly id: string;
  /** `<appId>|<yyyy-mm-dd>`: spreads one heavy app over a partition per day (see README, "Partitioning"). */
  readonly pk: string;
  readonly requestId: string | null;
  readonly eventTime: string;
  readonly day: string;
  readonly appId: string;
  readonly appDisplayName: string | null;
  readonly businessUnit: string | null;
  readonly identityStatus: IdentityStatus;
  readonly model: string;
  readonly deployment: string | null;
  readonly deploymentType: DeploymentType;
  readonly region: string;
  /**
   * Where the price-key parts the event did not carry came from (`map` or `default`; a part not
   * named came from the event): backfill re-resolves those when DEPLOYMENTS or the defaults change.
   * Absent on records written before it existed; backfill then re-resolves them (docs/reliability.md).
   */
  readonly priceKeySources?: StoredPriceKeySources;
  /**
   * The pricing inputs this record was last checked against (`RepriceFingerprint`), or `event`
   * when no setting can change it. Backfill skips records whose stamp is current. Absent: not
   * checked yet (no price book at the time, or written before it existed).
   */
  readonly repriceCheckedAgainst?: string;
  readonly operation: string;
  readonly promptTokens: number;
  readonly cachedTokens: number;
  readonly completionTokens: number;
  readonly reasoningTokens: number;
  readonly totalTokens: number;
  /** Audio and image tokens inside the totals, only the non-zero kinds; absent for text-only usage. */
  readonly tokenKinds?: TokenKinds;
  /** A DALL-E call's images returned, size and quality: what its per-image meter is chosen by. */
  readonly images?: ImageFacts;
  /** A text-to-speech call's input characters and output bytes (it has no token usage). */
  readonly speech?: SpeechFacts;
  /** Whisper's seconds of audio (it reports no tokens). */
  readonly durationSeconds?: number;
  readonly currency: string;
  /** Total cost in `currency`; null when unpriced (never 0 for "unknown"). */
  readonly cost: number | null;
  /** The same cost in integer nano-units: what rollups and reports sum. */
  readonly costNanos: number | null;
  /** `provisioned`: a PTU deployment, billed per PTU-hour; `cost` stays null and is never per token. */
  readonly costStatus: 'priced' | 'unpriced' | 'provisioned';
  readonly unpricedReason: string | null;
  /**
   * The price set the cost was computed with: a document in `prices` (pk `priceSet`) naming each
   * meter, its unit price after overrides and its effective date. Null when unpriced.
   */
  readonly priceSetId: string | null;
  readonly schema: 'v1' | 'v2';
  readonly tenantId: string | null;
  readonly subscriptionId: string | null;
  readonly stream: boolean | null;
  readonly modelTimeMs: number | null;
  // [inventory hook] Present only when INVENTORY_SUBSCRIPTIONS is set (README, "Deployment inventory").
  /** The Azure OpenAI account's ARM id, lower-case; null when the inventory does not know the deployment. */
  readonly resourceId?: string | null;
  /** The deployment's `sku.name` at `eventTime`, from the inventory. */
  readonly sku?: string | null;
  /** Who decided the deployment type: `inventory`, `event`, `map` (DEPLOYMENTS) or `default`. */
  readonly deploymentSource?: 'inventory' | 'event' | 'map' | 'default';
}

export function usagePartitionKey(appId: string, day: string): string {
  return `${appId}|${day}`;
}
