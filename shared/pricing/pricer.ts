import type { PriceOverrides } from '../config.js';
import { ensureError } from '../errors.js';
import { computeCostNanos, type TokenPrice } from '../cost/computeCost.js';
import { attoToDecimal } from '../cost/money.js';
import { priceSetOf, type PriceSet } from '../cost/priceSet.js';
import type { AppliedPrice, CostResult } from '../cost/types.js';
import type { NormalizedUsage } from '../events/types.js';
import type { InventoryPricing } from '../inventory/inventoryPricing.js';
import type { Pricer, ResolvedPriceKey } from '../pipeline/ports.js';
import { effectivePrice } from './overrides.js';
import type { PriceBook, PriceRow } from './priceBook.js';
import { repriceFingerprint } from './repriceFingerprint.js';
import {
  resolvePriceKeyWithSources,
  type PriceKeySettings,
  type PriceKeySources,
} from './resolvePriceKey.js';
import type { TokenKind } from './types.js';

type SetsByThird = Map<AppliedPrice | undefined, PriceSet>;
type SetsBySecond = Map<AppliedPrice | undefined, SetsByThird>;

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
  const keys = new Map<string, ResolvedPriceKey>();
  // Each resolved key object (memoized or not) to where its parts came from, for `sourcesOf`.
  const sources = new WeakMap<ResolvedPriceKey, PriceKeySources>();
  const prices = new Map<PriceRow, PricedRow>();
  const sets = new Map<AppliedPrice | undefined, SetsBySecond>();
  const keyOf = (usage: NormalizedUsage): ResolvedPriceKey => {
    // \u0001 for null: a deployment may well be named "null", and `${null}` would say the same.
    const memo = `${usage.model}\u0000${usage.deployment ?? '\u0001'}\u0000${usage.deploymentType ?? '\u0001'}\u0000${usage.region ?? '\u0001'}`;
    let key = keys.get(memo);
    if (key === undefined) {
      const resolved = resolvePriceKeyWithSources(usage, settings);
      key = resolved.key;
      sources.set(key, resolved.sources);
      if (keys.size < 10_000) keys.set(memo, key);
    }
    return key;
  };
  const priceOf = (row: PriceRow): PricedRow => {
    let priced = prices.get(row);
    if (priced === undefined) {
      const price = effectivePrice(row, settings.overrides);
      priced = {
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
  // Hashing once per distinct set keeps SHA-256 off the per-event path. Applied prices are memoized
  // objects (one per row), so a set is found by identity, without building a key per event.
  const setOf = (applied: readonly AppliedPrice[]): PriceSet => {
    const [input, second, third] = applied;
    let bySecond = sets.get(input);
    if (bySecond === undefined) sets.set(input, (bySecond = new Map() as SetsBySecond));
    let byThird = bySecond.get(second);
    if (byThird === undefined) bySecond.set(second, (byThird = new Map() as SetsByThird));
    let set = byThird.get(third);
    if (set === undefined) byThird.set(third, (set = priceSetOf(settings.currency, applied)));
    return set;
  };
  // [inventory hook] With the deployment inventory on, it decides SKU, type and region (and so the
  // meters, or none for provisioned deployments) on top of the key today's rules resolve.
  const priceKey = (key: ResolvedPriceKey, usage: NormalizedUsage): CostResult => {
    if (book === null) return { status: 'unpriced', reason: 'no price book' };
    try {
      return priceUsage(book, key, usage, priceOf, setOf);
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

/** A row's effective price (overrides applied) and how the record names it: the same for every use. */
interface PricedRow {
  readonly price: TokenPrice;
  readonly applied: AppliedPrice;
}

function priceUsage(
  book: PriceBook,
  key: ResolvedPriceKey,
  usage: NormalizedUsage,
  priceOf: (row: PriceRow) => PricedRow,
  setOf: (applied: readonly AppliedPrice[]) => PriceSet,
): CostResult {
  const version = chooseVersion(book, key);
  if (!version.ok) return { status: 'unpriced', reason: version.reason };
  const find = (kind: TokenKind) =>
    book.find(key.family, version.version, key.deploymentType, key.region, kind, usage.eventTime);

  const input = find('input');
  if (!input.ok) return { status: 'unpriced', reason: input.reason };
  const cached = usage.cachedTokens > 0 ? find('cachedInput') : undefined;
  const output = usage.completionTokens > 0 ? find('output') : undefined;
  if (output !== undefined && !output.ok) return { status: 'unpriced', reason: output.reason };
  // A missing cached meter falls back to the input price below; an ambiguous one must not.
  if (cached !== undefined && !cached.ok && cached.ambiguous === true) {
    return { status: 'unpriced', reason: cached.reason };
  }

  const applied: AppliedPrice[] = [];
  const use = (row: PriceRow): TokenPrice => {
    const priced = priceOf(row);
    applied.push(priced.applied);
    return priced.price;
  };
  const inputPrice = use(input.row);
  // Without a cached-input meter, cached tokens are billed at the input price (README, "Pricing").
  const cachedPrice = cached?.ok === true ? use(cached.row) : undefined;
  const outputPrice = output?.ok === true ? use(output.row) : undefined;
  const nanos = computeCostNanos(usage, inputPrice, cachedPrice, outputPrice);
  // Records and rollups carry costNanos as a JSON number: beyond 2^53 it would silently lose nano-units.
  if (nanos > BigInt(Number.MAX_SAFE_INTEGER) || nanos < 0n)
    return { status: 'unpriced', reason: `cost ${nanos} nano-units is out of range` };
  return { status: 'priced', costNanos: Number(nanos), priceSet: setOf(applied) };
}

type VersionChoice = { ok: true; version: string | null } | { ok: false; reason: string };

/** An exact version wins; else a versionless meter of the family; else only an unambiguous one. */
function chooseVersion(book: PriceBook, key: ResolvedPriceKey): VersionChoice {
  const versions = book.versions(key.family, key.deploymentType, key.region);
  const label = `${key.family} ${key.version ?? '(no version)'} ${key.deploymentType} ${key.region}`;
  if (versions.length === 0) return { ok: false, reason: `no meter for ${label}` };
  if (key.version !== null && versions.includes(key.version)) return { ok: true, version: key.version };
  if (versions.includes(null)) return { ok: true, version: null };
  if (key.version === null && versions.length === 1) return { ok: true, version: versions[0] ?? null };
  if (key.version === null) {
    return {
      ok: false,
      reason: `ambiguous version for ${label}: meters exist for ${versions.sort().join(', ')}; map it in DEPLOYMENTS`,
    };
  }
  return { ok: false, reason: `no meter for ${label} (book has ${versions.sort().join(', ')})` };
}
