// The marker grammar shared by every token meter name: `<model words> [MMDD] <direction, cache,
// modality, deployment, 1K/1M, and for Azure OpenAI `FT`, in any order>`. Who the words name is the caller's rule (`toFamily`):
// Azure OpenAI names models one way (modelFamily.ts), other publishers another (partnerMeter.ts).

import type { DeploymentType } from '../events/types.js';
import {
  CACHED_WORDS,
  DEPLOYMENT_WORDS,
  INPUT_WORDS,
  MODALITY_WORDS,
  OUTPUT_WORDS,
  UNIT_SIZE_WORDS,
} from './meterVocabulary.js';
import { familyFromWords, mmddVersion } from './modelFamily.js';
import type { TokenKind, TokenMeter } from './types.js';

export const UNRECOGNISED_NAME = 'unrecognised name';

const CONTEXT_MARKER = /^\d+k$/;

interface Markers {
  version: string | null;
  input: boolean;
  output: boolean;
  cached: boolean;
  deployment: DeploymentType | null;
  /** `txt`, `aud`, `img`; null when the name does not say (text, or the family's own modality). */
  modality: 'text' | 'audio' | 'image' | null;
}

/**
 * `<family words> [MMDD] <direction, deployment, 1K/1M in any order>`. Context markers (`16K`) may sit
 * anywhere; after the first marker every word must be a marker, and none may repeat.
 */
export function parseTokenMeter(
  words: readonly string[],
  size: 1000 | 1000000 | null,
  toFamily: (familyWords: readonly string[]) => string = familyFromWords,
  /** Another publisher's meters may omit the deployment type (`Phi-4-Input Tokens`); Azure OpenAI's never. */
  deploymentOptional = false,
): TokenMeter | null {
  const familyWords: string[] = [];
  const markers: Markers = {
    version: null,
    input: false,
    output: false,
    cached: false,
    deployment: null,
    modality: null,
  };
  let inMarkers = false;
  // `aud` before a marker says the tokens are audio (`-transcribe-aud-inp-`); before anything else it
  // names an audio model, whose tokens are audio unless `txt` says text. After a model's name it is that
  // model's audio preview (`gpt-4o-aud-1217` is gpt-4o-audio-preview); right after a bare `gpt` it is
  // the GA gpt-audio line (`gpt aud 0828` is gpt-audio-2025-08-28, `gpt aud mn` gpt-audio-mini).
  let audioFamily = false;
  // `img` right after a bare `gpt` names an image model (`gpt img 1 mini` is gpt-image-1-mini).
  let imageFamily = false;
  // `FT` after the version (`gpt-4o-mini-0718-FT-inp-glbl`) is the fine-tuned model of that base.
  let fineTuned = false;
  for (const [i, word] of words.entries()) {
    const afterBareGpt = familyWords.length === 1 && familyWords[0] === 'gpt';
    if (!inMarkers && (word === 'aud' || word === 'audio') && !isMarkerWord(words[i + 1])) {
      const preview = !afterBareGpt && mmddVersion(words[i + 1] ?? '') !== null;
      familyWords.push(...(preview ? ['audio', 'preview'] : ['audio']));
      audioFamily = true;
      continue;
    }
    if (!inMarkers && word === 'img' && afterBareGpt && !isMarkerWord(words[i + 1])) {
      familyWords.push('image');
      imageFamily = true;
      continue;
    }
    if (inMarkers && word === 'ft') {
      if (fineTuned || familyWords.at(-1) === 'ft') return null;
      fineTuned = true;
      continue;
    }
    if (UNIT_SIZE_WORDS.has(word)) {
      if (UNIT_SIZE_WORDS.get(word) !== size) return null;
      inMarkers = true;
      continue;
    }
    if (CONTEXT_MARKER.test(word)) continue;
    const role = readMarker(markers, word);
    if (role === 'conflict' || (role === 'family' && inMarkers)) return null;
    if (role === 'family') familyWords.push(word);
    else inMarkers = true;
  }
  if (fineTuned) familyWords.push('ft');
  // An image model's meters always say which tokens they price; none is assumed.
  if (imageFamily && markers.modality === null) return null;
  if (audioFamily && markers.modality === null) markers.modality = 'audio';
  const kind = tokenKind(markers, familyWords);
  if (familyWords.length === 0 || kind === null || size === null) return null;
  if (markers.deployment === null && !deploymentOptional) return null;
  return {
    family: toFamily(familyWords),
    version: markers.version,
    kind,
    deploymentType: markers.deployment ?? 'global',
    unitSize: size,
    ...(markers.deployment === null ? { anyDeployment: true as const } : {}),
  };
}

/** A direction, cache, deployment or unit word, or the end of the name. */
function isMarkerWord(word: string | undefined): boolean {
  if (word === undefined) return true;
  return (
    INPUT_WORDS.has(word) ||
    OUTPUT_WORDS.has(word) ||
    CACHED_WORDS.has(word) ||
    DEPLOYMENT_WORDS.has(word) ||
    UNIT_SIZE_WORDS.has(word)
  );
}

/** Records `word` in `markers` if it is one; `conflict` when that marker was already set. */
function readMarker(markers: Markers, word: string): 'marker' | 'family' | 'conflict' {
  const deployment = DEPLOYMENT_WORDS.get(word);
  if (deployment !== undefined) {
    if (markers.deployment !== null) return 'conflict';
    markers.deployment = deployment;
    return 'marker';
  }
  const direction = INPUT_WORDS.has(word)
    ? 'input'
    : OUTPUT_WORDS.has(word)
      ? 'output'
      : CACHED_WORDS.has(word)
        ? 'cached'
        : null;
  if (direction !== null) {
    if (markers[direction]) return 'conflict';
    markers[direction] = true;
    return 'marker';
  }
  const modality = MODALITY_WORDS.get(word);
  if (modality !== undefined) {
    if (markers.modality !== null) return 'conflict';
    markers.modality = modality;
    return 'marker';
  }
  const version = mmddVersion(word);
  if (version === null) return 'family';
  if (markers.version !== null) return 'conflict';
  markers.version = version;
  return 'marker';
}

/** Direction × modality; `inp cached img` is cached image input, `output img` image output. */
const KINDS = {
  text: { input: 'input', cached: 'cachedInput', output: 'output' },
  audio: { input: 'audioInput', cached: 'cachedAudioInput', output: 'audioOutput' },
  image: { input: 'imageInput', cached: 'cachedImageInput', output: 'imageOutput' },
} as const satisfies Record<string, Record<string, TokenKind>>;

function tokenKind(markers: Markers, familyWords: readonly string[]): TokenKind | null {
  const kinds = KINDS[markers.modality ?? 'text'];
  if (markers.output) return markers.input || markers.cached ? null : kinds.output;
  if (markers.cached) return kinds.cached;
  if (markers.input) return kinds.input;
  // Embedding meters carry no direction word (`text-embedding-3-large-glbl`): they price input.
  return familyWords.includes('embedding') && markers.modality === null ? 'input' : null;
}
