import type { DeploymentEntry } from '../config.js';
import type { DeploymentType, NormalizedUsage } from '../events/types.js';
import type { PriceKeySource, PriceKeySources, ResolvedPriceKey } from '../pipeline/ports.js';

export type { PriceKeySources };
import { versionFromModelName } from './modelFamily.js';

export interface PriceKeySettings {
  readonly deployments: Readonly<Record<string, DeploymentEntry>>;
  readonly defaultRegion: string;
  readonly defaultDeploymentType: ResolvedPriceKey['deploymentType'];
}

/** What one source knows about a usage's key; a part it does not know is left out. */
interface KeyFacts {
  readonly family?: string;
  readonly version?: string;
  readonly deploymentType?: DeploymentType;
  readonly region?: string;
}

interface KeySource {
  readonly name: PriceKeySource;
  facts(usage: NormalizedUsage): KeyFacts;
}

/**
 * The sources, best first (README, "Pricing"). Each part of the key comes from the
 * first source that knows it. An ARM deployment inventory would go between `event` and `map`.
 */
function keySources(settings: PriceKeySettings): readonly KeySource[] {
  return [
    { name: 'event', facts: eventFacts },
    { name: 'map', facts: (usage) => mapFacts(usage, settings.deployments) },
    { name: 'default', facts: (usage) => defaultFacts(usage, settings) },
  ];
}

export function resolvePriceKey(usage: NormalizedUsage, settings: PriceKeySettings): ResolvedPriceKey {
  return resolvePriceKeyWithSources(usage, settings).key;
}

/** The key and, per part, the source it came from (stored so backfill can re-resolve the rest). */
export function resolvePriceKeyWithSources(
  usage: NormalizedUsage,
  settings: PriceKeySettings,
): { readonly key: ResolvedPriceKey; readonly sources: PriceKeySources } {
  const known = keySources(settings).map((source) => ({ name: source.name, facts: source.facts(usage) }));
  const pick = <K extends keyof KeyFacts>(part: K) => {
    for (const { name, facts } of known) {
      const value = facts[part];
      if (value !== undefined) return { value, source: name };
    }
    return undefined;
  };
  // `defaultFacts` knows every part but the version: no version means "the book's only one".
  const family = pick('family');
  const version = pick('version');
  const deploymentType = pick('deploymentType');
  const region = pick('region');
  if (family === undefined || deploymentType === undefined || region === undefined)
    throw new Error('price key sources: the default source must know every part');
  return {
    key: {
      family: family.value,
      version: version?.value ?? null,
      deploymentType: deploymentType.value,
      region: region.value,
    },
    sources: {
      model: family.source,
      version: version?.source ?? 'default',
      deploymentType: deploymentType.source,
      region: region.source,
    },
  };
}

function eventFacts(usage: NormalizedUsage): KeyFacts {
  const logged = versionFromModelName(usage.model);
  return {
    // A deployment alias ("prod-chat") names no model: then the map or, failing that, the name as-is.
    ...(looksLikeModel(usage.model) ? { family: logged.family } : {}),
    ...(logged.version === null ? {} : { version: logged.version }),
    ...(usage.deploymentType === null ? {} : { deploymentType: usage.deploymentType }),
    ...(usage.region === null ? {} : { region: usage.region }),
  };
}

/** DEPLOYMENTS by deployment name, then by logged model name. */
function mapFacts(usage: NormalizedUsage, deployments: PriceKeySettings['deployments']): KeyFacts {
  const byDeployment = usage.deployment === null ? undefined : own(deployments, usage.deployment);
  const entries = [byDeployment, own(deployments, usage.model)].filter(
    (e): e is DeploymentEntry => e !== undefined,
  );
  const mappedModel = entries.find((e) => e.model !== undefined)?.model;
  const mapped = mappedModel === undefined ? undefined : versionFromModelName(mappedModel);
  const version = entries.find((e) => e.version !== undefined)?.version ?? mapped?.version ?? undefined;
  const deploymentType = entries.find((e) => e.deploymentType)?.deploymentType;
  const region = entries.find((e) => e.region)?.region;
  return {
    ...(mapped === undefined ? {} : { family: mapped.family }),
    ...(version === undefined ? {} : { version }),
    ...(deploymentType === undefined ? {} : { deploymentType }),
    ...(region === undefined ? {} : { region }),
  };
}

function defaultFacts(usage: NormalizedUsage, settings: PriceKeySettings): KeyFacts {
  return {
    family: versionFromModelName(usage.model).family,
    deploymentType: settings.defaultDeploymentType,
    region: settings.defaultRegion,
  };
}

function own<T>(map: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

/** APIM's v1 policy logs the response's `model`, always a model name; v2 may log a deployment alias. */
function looksLikeModel(name: string): boolean {
  return /^(gpt|o\d|text-embedding|ada|dall-e|whisper|tts|davinci|babbage|codex|computer-use)/i.test(name);
}
