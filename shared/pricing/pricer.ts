import type { PriceOverrides } from '../config.js';
import { ensureError } from '../errors.js';
import { costNanosOfParts, type PricedPart, type TokenPrice } from '../cost/computeCost.js';
import { attoToDecimal } from '../cost/money.js';
import { priceSetOf, type PriceSet } from '../cost/priceSet.js';
import { kindLabel, tokenParts } from '../cost/tokenParts.js';
import type { AppliedPrice, CostResult } from '../cost/types.js';
import type { ImageFacts, NormalizedUsage } from '../events/types.js';
import type { InventoryPricing } from '../inventory/inventoryPricing.js';
import type { Pricer, ResolvedPriceKey } from '../pipeline/ports.js';
import { effectivePrice } from './overrides.js';
import { durationUnpriced, perImageKind, SPEECH_UNPRICED } from './perImageKind.js';
import type { PriceBook, PriceRow } from './priceBook.js';
import { repriceFingerprint } from './repriceFingerprint.js';
import {
  resolvePriceKeyWithSources,
  type PriceKeySettings,
  type PriceKeySources,
} from './resolvePriceKey.js';
import { TOKEN_KINDS, type TokenKind } from './types.js';
import { unsplitCachedProblem } from './unsplitCached.js';

export interface PricerSettings extends PriceKeySettings {
  readonly currency: string;
  readonly overrides: PriceOverrides | undefined;
}

/** A pricer over an in-memory book; without a book every record is `unpriced: no price book`. */
export function createPricer(
  book: PriceBook | null,
  settings: PricerSettings,
  inventory?: InventoryPricing,
): Pricer {
  // A pricer lives as long as its book (the pricing port's TTL). A day's traffic has a few dozen
  // (model, deployment, type, region) tuples, meters and sets of meters, so the memos stay small.
  const keys: KeyMemo = new Map();
  // Each resolved key object (memoized or not) to where its parts came from, for `sourcesOf`.
  const sources = new WeakMap<ResolvedPriceKey, PriceKeySources>();
  const prices = new Map<PriceRow, PricedRow>();
  const sets = new Map<string, PriceSet>();
  let memoized = 0;
  const keyOf = (usage: NormalizedUsage): ResolvedPriceKey => {
    // Nested maps, not one joined string: no string is built per event. A null part is its own key
    // (`null`), so a deployment named "null" stays apart from no deployment.
    const byDeployment = child(keys, usage.model);
    const byType = child(byDeployment, usage.deployment);
    const byRegion = child(byType, usage.deploymentType);
    let key = byRegion.get(usage.region);
    if (key === undefined) {
      const resolved = resolvePriceKeyWithSources(usage, settings);
      key = resolved.key;
      sources.set(key, resolved.sources);
      if (memoized < 10_000) {
        byRegion.set(usage.region, key);
        memoized++;
      }
    }
    return key;
  };
  const priceOf = (row: PriceRow): PricedRow => {
    let priced = prices.get(row);
    if (priced === undefined) {
      const price = effectivePrice(row, settings.overrides);
      priced = {
        index: prices.size,
        price: { atto: price.atto, unitSize: row.unitSize },
        applied: {
          kind: row.kind,
          meterId: row.meterId,
          meterName: row.meterName,
          unitPrice: attoToDecimal(price.atto),
          unitSize: row.unitSize,
          effectiveStartDate: row.effectiveStartDate,
          ...(price.override === undefined ? {} : { override: price.override }),
        },
      };
      prices.set(row, priced);
    }
    return priced;
  };
  // Hashing once per distinct set keeps SHA-256 off the per-event path. Priced rows are memoized, so a
  // set is found by the rows' indices, a short string, without serializing the prices per event.
  const setOf = (rows: readonly PricedRow[]): PriceSet => {
    const key = rows.map((row) => row.index).join(',');
    let set = sets.get(key);
    if (set === undefined) {
      set = priceSetOf(
        settings.currency,
        rows.map((row) => row.applied),
      );
      sets.set(key, set);
    }
    return set;
  };
  // [inventory hook] With the deployment inventory on, it decides SKU, type and region (and so the
  // meters, or none for provisioned deployments) on top of the key today's rules resolve.
  // Per resolved key object (the memo above hands out one per tuple): its version and meter finder.
  const meterKeys = new WeakMap<ResolvedPriceKey, MeterKey>();
  const meterKeyOf = (bookNow: PriceBook, key: ResolvedPriceKey): MeterKey => {
    let found = meterKeys.get(key);
    if (found === undefined) {
      const version = chooseVersion(bookNow, key);
      found = {
        version,
        find: version.ok
          ? bookNow.finder(key.family, version.version, key.deploymentType, key.region)
          : () => ({ ok: false, reason: 'no version' }),
      };
      meterKeys.set(key, found);
    }
    return found;
  };
  const priceKey = (key: ResolvedPriceKey, usage: NormalizedUsage): CostResult => {
    if (book === null) return { status: 'unpriced', reason: 'no price book' };
    try {
      return priceUsage(book, key, usage, priceOf, setOf, meterKeyOf(book, key));
    } catch (error) {
      // One event's pricing failure (a price the book cannot use) is that event's, never the batch's.
      return { status: 'unpriced', reason: `pricing failed: ${ensureError(error).message}` };
    }
  };
  const fingerprint = repriceFingerprint(settings, book?.version ?? null, inventory?.version);
  if (inventory !== undefined) {
    return {
      fingerprint,
      sourcesOf: (key) => sources.get(key),
      currency: settings.currency,
      price: (usage) => {
        const base = keyOf(usage);
        const baseSources = sources.get(base);
        const priced = inventory.price(
          usage,
          base,
          (key) => priceKey(key, usage),
          baseSources?.deploymentType ?? 'event',
        );
        // The inventory decided type and region: the record says so, and backfill knows it is settled by ARM.
        if (
          baseSources !== undefined &&
          priced.key !== base &&
          priced.deployment.deploymentSource === 'inventory'
        ) {
          sources.set(priced.key, { ...baseSources, deploymentType: 'inventory', region: 'inventory' });
        }
        return priced;
      },
      takeStats: () => inventory.takeStats(),
    };
  }
  return {
    fingerprint,
    sourcesOf: (key) => sources.get(key),
    currency: settings.currency,
    price(usage) {
      const key = keyOf(usage);
      return { key, cost: priceKey(key, usage) };
    },
  };
}

/** model → deployment → deployment type → region → the resolved key. */
type KeyMemo = Map<string, Map<string | null, Map<string | null, Map<string | null, ResolvedPriceKey>>>>;

function child<K, M extends Map<unknown, unknown>>(map: Map<K, M>, key: K): M {
  let found = map.get(key);
  if (found === undefined) {
    found = new Map<unknown, unknown>() as M;
    map.set(key, found);
  }
  return found;
}

/** A resolved key's version choice and its meters, found once per key object. */
interface MeterKey {
  readonly version: VersionChoice;
  readonly find: ReturnType<PriceBook['finder']>;
}

/** A row's effective price (overrides applied) and how the record names it: the same for every use. */
interface PricedRow {
  /** Order of first use in this pricer: names the row in the price-set memo. */
  readonly index: number;
  readonly price: TokenPrice;
  readonly applied: AppliedPrice;
}

function priceUsage(
  book: PriceBook,
  key: ResolvedPriceKey,
  usage: NormalizedUsage,
  priceOf: (row: PriceRow) => PricedRow,
  setOf: (rows: readonly PricedRow[]) => PriceSet,
  meterKey: MeterKey,
): CostResult {
  const noTokens = usage.promptTokens === 0 && usage.completionTokens === 0;
  if (noTokens && usage.images !== undefined)
    return priceImages(book, key, usage, usage.images, priceOf, setOf);
  if (noTokens && usage.speech !== undefined) return { status: 'unpriced', reason: SPEECH_UNPRICED };
  if (noTokens && usage.durationSeconds !== undefined)
    return { status: 'unpriced', reason: durationUnpriced(usage.durationSeconds) };
  if (usage.kindsUnknown === true && book.hasNonTextMeters(key.family, key.deploymentType, key.region))
    return { status: 'unpriced', reason: KINDS_UNKNOWN };
  const version = meterKey.version;
  if (!version.ok) return { status: 'unpriced', reason: version.reason };
  const find = (kind: TokenKind) => meterKey.find(kind, usage.eventTime);
  const counts = tokenParts(usage);
  // A kind's meter, or why there is none: the reason names the kind, so audio is never read as text.
  const missing = (kind: TokenKind, reason: string) =>
    kind in TEXT_KINDS || !/^no .* meter$/.test(reason)
      ? reason
      : `no ${kindLabel(kind)} meter for ${key.family} ${version.version ?? '(versionless)'} ${key.deploymentType} ${key.region}`;

  // The input meter is always part of the set (as for text-only usage before token kinds).
  const input = find('input');
  if (!input.ok) return { status: 'unpriced', reason: input.reason };
  // Rare (an audio or image input whose cached tokens the usage did not split): no closure per event.
  if (usage.tokenKinds?.cachedUnsplit !== undefined) {
    const unsplit = unsplitCachedProblem(usage, key.family, (kind) => {
      const found = find(kind);
      return found.ok ? priceOf(found.row).price : undefined;
    });
    if (unsplit !== undefined) return { status: 'unpriced', reason: unsplit };
  }
  const rows: PricedRow[] = [priceOf(input.row)];
  const parts: PricedPart[] = [{ tokens: counts.input, price: priceOf(input.row).price }];
  for (const kind of PRICED_KINDS) {
    const tokens = counts[kind];
    if (tokens === 0) continue;
    const found = find(kind);
    let row: PriceRow;
    if (found.ok) {
      row = found.row;
    } else {
      // Without a cached meter, cached tokens are billed at their own kind's input price (README,
      // "Pricing"); an ambiguous cached meter must not fall back.
      const fallback = CACHED_FALLBACK[kind];
      if (fallback === undefined || found.ambiguous === true)
        return { status: 'unpriced', reason: missing(kind, found.reason) };
      const base = fallback === 'input' ? input : find(fallback);
      if (!base.ok) return { status: 'unpriced', reason: missing(fallback, base.reason) };
      row = base.row;
    }
    const priced = priceOf(row);
    if (!rows.includes(priced)) rows.push(priced);
    parts.push({ tokens, price: priced.price });
  }
  const nanos = costNanosOfParts(parts);
  // Records and rollups carry costNanos as a JSON number: beyond 2^53 it would silently lose nano-units.
  if (nanos > BigInt(Number.MAX_SAFE_INTEGER) || nanos < 0n)
    return { status: 'unpriced', reason: `cost ${nanos} nano-units is out of range` };
  return { status: 'priced', costNanos: Number(nanos), priceSet: setOf(rows) };
}

/** A DALL-E call: images returned × the per-image meter of its quality and size (unit: 100 images). */
function priceImages(
  book: PriceBook,
  key: ResolvedPriceKey,
  usage: NormalizedUsage,
  facts: ImageFacts,
  priceOf: (row: PriceRow) => PricedRow,
  setOf: (rows: readonly PricedRow[]) => PriceSet,
): CostResult {
  const kind = perImageKind(key.family, facts);
  if (!kind.ok) return { status: 'unpriced', reason: kind.reason };
  // DALL-E meters carry no version.
  const found = book.find(key.family, null, key.deploymentType, key.region, kind.kind, usage.eventTime);
  if (!found.ok) {
    const reason = /^no .* meter$/.test(found.reason)
      ? `no ${kindLabel(kind.kind)} meter for ${key.family} ${key.deploymentType} ${key.region}`
      : found.reason;
    return { status: 'unpriced', reason };
  }
  const priced = priceOf(found.row);
  const nanos = costNanosOfParts([{ tokens: facts.count, price: priced.price }]);
  return { status: 'priced', costNanos: Number(nanos), priceSet: setOf([priced]) };
}

/** Never bill a record's hidden audio or image tokens at a text meter (usageFromRecord.ts). */
export const KINDS_UNKNOWN =
  'recorded before audio and image tokens were read: its totals may hide them; re-ingest the event to price it';

/** Kinds whose reason stays the book's own wording (`no gpt-4o 0806 output global eastus meter`). */
const TEXT_KINDS = { input: true, cachedInput: true, output: true } as const;
/** Every kind after `input`, in the order a price set lists them. */
const PRICED_KINDS: readonly TokenKind[] = TOKEN_KINDS.filter((kind) => kind !== 'input');
/** The price a cached kind falls back to when its family has no cached meter. */
export const CACHED_FALLBACK: Partial<Record<TokenKind, TokenKind>> = {
  cachedInput: 'input',
  cachedAudioInput: 'audioInput',
  cachedImageInput: 'imageInput',
};

type VersionChoice = { ok: true; version: string | null } | { ok: false; reason: string };

/**
 * An exact version wins; else a versionless meter of the family; else only an unambiguous one. Another
 * publisher's dated model takes the versionless meter only when no dated meter of its family is there:
 * DeepSeek's `V4 Flash 0731` costs more than `V4 Flash`, so a date the book lacks is no `V4 Flash`.
 */
function chooseVersion(book: PriceBook, key: ResolvedPriceKey): VersionChoice {
  const versions = book.versions(key.family, key.deploymentType, key.region);
  const label = `${key.family} ${key.version ?? '(no version)'} ${key.deploymentType} ${key.region}`;
  if (versions.length === 0) return { ok: false, reason: `no meter for ${label}` };
  if (key.version !== null && versions.includes(key.version)) return { ok: true, version: key.version };
  const partnerDated =
    key.version !== null &&
    versions.some((version) => version !== null) &&
    book.publisherOf(key.family, key.deploymentType, key.region) !== undefined;
  if (versions.includes(null) && !partnerDated) return { ok: true, version: null };
  if (key.version === null && versions.length === 1) return { ok: true, version: versions[0] ?? null };
  if (key.version === null) {
    return {
      ok: false,
      reason: `ambiguous version for ${label}: meters exist for ${versions.sort().join(', ')}; map it in DEPLOYMENTS`,
    };
  }
  const held = versions.map((version) => version ?? '(versionless)').sort();
  return { ok: false, reason: `no meter for ${label} (book has ${held.join(', ')})` };
}
