/**
 * Realistic v2 gateway events (see infra/apim/chargeback-logging.xml) for demos, load tests and the
 * sample producer. Pure and seedable: the same seed always gives the same events, byte for byte.
 * Usage objects copy the key structure of the real responses in shared/reference/api-shapes/aoai_*.
 */

import { mulberry32, seededGuid, seededHex } from './seededRandom.js';

export type SampleUsage = Readonly<Record<string, number | Readonly<Record<string, number>>>>;

/** One event as the gateway policy logs it. */
export interface SampleV2Event {
  readonly schema: 'aoai-usage/2';
  readonly requestId: string;
  readonly eventTime: string;
  readonly appId: string;
  readonly tenantId: string;
  readonly subscriptionId: string;
  readonly productId: string;
  readonly deployment: string;
  readonly deploymentType: 'global' | 'datazone' | 'regional';
  readonly region: string;
  readonly backend: string;
  readonly operation: 'chat.completion' | 'embedding' | 'response' | 'transcriptions' | 'generations';
  readonly model: string;
  readonly stream: boolean;
  readonly statusCode: number;
  readonly modelTimeMs: number;
  readonly usage: SampleUsage;
}

export interface SampleOptions {
  readonly seed: number;
  /** How many distinct apps to spread the traffic over (default 5), or the exact app ids to use. */
  readonly apps?: number | readonly string[];
  /** Time of the first event (default 2025-09-01T08:00:00Z); later events follow seconds apart. */
  readonly start?: Date | string;
  /**
   * Share of audio chat, transcription and gpt-image-1 events (0 to 1, default 0). At 0 the events are
   * exactly those of earlier releases, seed for seed.
   */
  readonly multimodalShare?: number;
}

type Api = 'chat' | 'embeddings' | 'responses' | 'audioChat' | 'transcription' | 'image';

interface Deployment {
  readonly deployment: string;
  readonly model: string;
  readonly api: Api;
  readonly reasoning: boolean;
  readonly deploymentType: SampleV2Event['deploymentType'];
  readonly region: string;
  /** Relative share of traffic. */
  readonly weight: number;
}

// Each deployment runs in one place, as real ones do, so a price book can be checked against them.
// [deployment, model, api, reasoning, deploymentType, region, weight]
/** A deployment from its table row: name, model, API, reasoning, type, region, weight. */
function deploymentOf([deployment, model, api, reasoning, deploymentType, region, weight]: readonly [
  string,
  string,
  Api,
  boolean,
  Deployment['deploymentType'],
  string,
  number,
]): Deployment {
  return { deployment, model, api, reasoning, deploymentType, region, weight };
}

const DEPLOYMENTS: readonly Deployment[] = (
  [
    ['gpt4o-prod', 'gpt-4o-2024-08-06', 'chat', false, 'global', 'eastus', 4],
    ['gpt4o-responses', 'gpt-4o-2024-08-06', 'responses', false, 'global', 'eastus', 2],
    ['gpt4o-mini', 'gpt-4o-mini-2024-07-18', 'chat', false, 'datazone', 'eastus2', 5],
    ['o3-mini', 'o3-mini-2025-01-31', 'chat', true, 'global', 'swedencentral', 2],
    ['gpt5-mini', 'gpt-5-mini-2025-08-07', 'responses', true, 'global', 'eastus2', 3],
    ['embed-large', 'text-embedding-3-large', 'embeddings', false, 'global', 'eastus', 4],
  ] as const
).map(deploymentOf);
const TOTAL_WEIGHT = DEPLOYMENTS.reduce((sum, d) => sum + d.weight, 0);
/** The multimodal deployments, in eastus where the reference catalog has their meters. */
const MULTIMODAL: readonly Deployment[] = (
  [
    ['gpt4o-audio', 'gpt-4o-audio-preview-2024-12-17', 'audioChat', false, 'global', 'eastus', 1],
    ['gpt-4o-transcribe', 'gpt-4o-transcribe', 'transcription', false, 'global', 'eastus', 1],
    ['gpt-image-1', 'gpt-image-1', 'image', false, 'global', 'eastus', 1],
  ] as const
).map(deploymentOf);
const OPERATIONS: Readonly<Record<Api, SampleV2Event['operation']>> = {
  chat: 'chat.completion',
  audioChat: 'chat.completion',
  embeddings: 'embedding',
  responses: 'response',
  transcription: 'transcriptions',
  image: 'generations',
};
const PRODUCTS = ['aoai-standard', 'aoai-premium'] as const;
const DEFAULT_START = '2025-09-01T08:00:00.000Z';

/** Builds `count` events in time order. Throws only on a bad argument. */
export function buildSampleEvents(count: number, options: SampleOptions): SampleV2Event[] {
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`count must be a whole number >= 0, got ${count}`);
  const random = mulberry32(options.seed);
  const tenantId = seededGuid(random);
  const apps = appList(options.apps, random).map((appId, i) => ({
    appId,
    subscriptionId: `sub-${seededHex(random, 8)}`,
    productId: PRODUCTS[i % PRODUCTS.length] ?? PRODUCTS[0],
  }));
  let time = startTime(options.start);
  const events: SampleV2Event[] = [];
  for (let i = 0; i < count; i++) {
    time += 200 + Math.floor(random() * 5_000);
    const app = pick(apps, random);
    const share = options.multimodalShare ?? 0;
    // Drawn only when asked for, so the default sequence of events does not change.
    const dep =
      share > 0 && random() < share
        ? (MULTIMODAL[Math.floor(random() * MULTIMODAL.length)] ?? pickDeployment(random))
        : pickDeployment(random);
    const stream = (dep.api === 'chat' || dep.api === 'responses') && random() < 0.3;
    events.push({
      schema: 'aoai-usage/2',
      requestId: seededGuid(random),
      eventTime: new Date(time).toISOString(),
      appId: app.appId,
      tenantId,
      subscriptionId: app.subscriptionId,
      productId: app.productId,
      deployment: dep.deployment,
      deploymentType: dep.deploymentType,
      region: dep.region,
      backend: `https://aoai-${dep.region}.openai.azure.com`,
      operation: OPERATIONS[dep.api],
      model: dep.model,
      stream,
      statusCode: 200,
      modelTimeMs: 40 + Math.floor(random() * (dep.reasoning ? 9_000 : 2_500)),
      usage: buildUsage(dep, random),
    });
  }
  return events;
}

function buildUsage(dep: Deployment, random: () => number): SampleUsage {
  const prompt = dep.api === 'embeddings' ? int(random, 3, 2_000) : int(random, 20, 6_000);
  if (dep.api === 'embeddings') return { prompt_tokens: prompt, total_tokens: prompt };
  const multimodal = multimodalUsage(dep.api, prompt, random);
  if (multimodal !== undefined) return multimodal;
  // Prompt caching starts at 1,024 tokens and then hits in 128-token steps (prompt-caching doc).
  const cached =
    prompt >= 1_024 && random() < 0.5 ? 1_024 + 128 * Math.floor((random() * (prompt - 1_024)) / 128) : 0;
  const visible = int(random, 1, 800);
  const reasoning = dep.reasoning ? 64 * int(random, 0, 40) : 0;
  const completion = visible + reasoning;
  const total = prompt + completion;
  if (dep.api === 'responses') {
    // Raw Responses API wire shape (the SDK dump in the reference omits input_tokens_details).
    return {
      input_tokens: prompt,
      input_tokens_details: { cached_tokens: cached },
      output_tokens: completion,
      output_tokens_details: { reasoning_tokens: reasoning },
      total_tokens: total,
    };
  }
  // Same keys, same alphabetical order as aoai_chat_completion_gpt41_real.json.
  return {
    completion_tokens: completion,
    completion_tokens_details: {
      accepted_prediction_tokens: 0,
      audio_tokens: 0,
      reasoning_tokens: reasoning,
      rejected_prediction_tokens: 0,
    },
    prompt_tokens: prompt,
    prompt_tokens_details: { audio_tokens: 0, cached_tokens: cached },
    total_tokens: total,
  };
}

/** Shapes of test/fixtures/api-shapes/oai_*: audio chat, transcription, gpt-image-1. */
function multimodalUsage(api: Api, prompt: number, random: () => number): SampleUsage | undefined {
  const output = int(random, 1, 800);
  if (api === 'transcription') {
    const audio = Math.min(prompt, int(random, 10, 3_000));
    return {
      input_token_details: { audio_tokens: audio, text_tokens: prompt - audio },
      input_tokens: prompt,
      output_tokens: output,
      total_tokens: prompt + output,
    };
  }
  if (api === 'image') {
    const image = int(random, 0, prompt);
    return {
      input_tokens: prompt,
      input_tokens_details: { image_tokens: image, text_tokens: prompt - image },
      output_tokens: output,
      total_tokens: prompt + output,
    };
  }
  if (api !== 'audioChat') return undefined;
  const audioIn = int(random, 0, prompt);
  const audioOut = int(random, 0, output);
  return {
    completion_tokens: output,
    completion_tokens_details: {
      accepted_prediction_tokens: 0,
      audio_tokens: audioOut,
      reasoning_tokens: 0,
      rejected_prediction_tokens: 0,
      text_tokens: output - audioOut,
    },
    prompt_tokens: prompt,
    prompt_tokens_details: { audio_tokens: audioIn, cached_tokens: 0, text_tokens: prompt - audioIn },
    total_tokens: prompt + output,
  };
}

function appList(apps: SampleOptions['apps'], random: () => number): string[] {
  if (typeof apps === 'object') {
    if (apps.length === 0) throw new RangeError('apps must name at least one app id');
    return apps.map((id) => id.toLowerCase());
  }
  const n = apps ?? 5;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`apps must be a whole number >= 1, got ${n}`);
  return Array.from({ length: n }, () => seededGuid(random));
}

function startTime(start: SampleOptions['start']): number {
  const ms = new Date(start ?? DEFAULT_START).getTime();
  if (Number.isNaN(ms)) throw new RangeError(`start is not a date: ${String(start)}`);
  return ms;
}

function pickDeployment(random: () => number): Deployment {
  let roll = random() * TOTAL_WEIGHT;
  for (const dep of DEPLOYMENTS) {
    roll -= dep.weight;
    if (roll < 0) return dep;
  }
  return DEPLOYMENTS[DEPLOYMENTS.length - 1] ?? pick(DEPLOYMENTS, random);
}

function pick<T>(items: readonly T[], random: () => number): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new RangeError('cannot pick from an empty list');
  return item;
}

function int(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}
