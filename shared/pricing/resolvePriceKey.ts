import type { DeploymentEntry } from '../config.js';
import type { NormalizedUsage } from '../events/types.js';
import type { ResolvedPriceKey } from '../pipeline/ports.js';
import { versionFromModelName } from './modelFamily.js';

export interface PriceKeySettings {
  readonly deployments: Readonly<Record<string, DeploymentEntry>>;
  readonly defaultRegion: string;
  readonly defaultDeploymentType: ResolvedPriceKey['deploymentType'];
}

/**
 * Each part of the key comes from, in order: the event's own fields, DEPLOYMENTS by deployment
 * name, DEPLOYMENTS by logged model name, then the defaults (README, "Pricing").
 */
export function resolvePriceKey(usage: NormalizedUsage, settings: PriceKeySettings): ResolvedPriceKey {
  const byDeployment = usage.deployment === null ? undefined : own(settings.deployments, usage.deployment);
  const byModel = own(settings.deployments, usage.model);
  const entries = [byDeployment, byModel].filter((e): e is DeploymentEntry => e !== undefined);

  const logged = versionFromModelName(usage.model);
  const mappedModel = entries.find((e) => e.model !== undefined)?.model;
  const mapped = mappedModel === undefined ? undefined : versionFromModelName(mappedModel);
  // A deployment name often says nothing about the model ("prod-chat"): the map then names it.
  const family = mapped !== undefined && !looksLikeModel(usage.model) ? mapped.family : logged.family;
  const version =
    logged.version ?? entries.find((e) => e.version !== undefined)?.version ?? mapped?.version ?? null;

  return {
    family,
    version,
    deploymentType:
      usage.deploymentType ??
      entries.find((e) => e.deploymentType)?.deploymentType ??
      settings.defaultDeploymentType,
    region: usage.region ?? entries.find((e) => e.region)?.region ?? settings.defaultRegion,
  };
}

function own<T>(map: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

/** APIM's v1 policy logs the response's `model`, always a model name; v2 may log a deployment alias. */
function looksLikeModel(name: string): boolean {
  return /^(gpt|o\d|text-embedding|ada|dall-e|whisper|tts|davinci|babbage|codex|computer-use)/i.test(name);
}
