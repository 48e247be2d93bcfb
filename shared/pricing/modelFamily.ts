// The family rule, shared by the meter parser and the price resolver: a meter's family and an event's
// model family are equal exactly when they name the same model.
//
// Normalized family: lower-case words joined by hyphens, where
// - context-size markers (`4k`, `16K`, `128K`) are dropped: `gpt-35-turbo-16k` → `gpt-35-turbo`;
// - a GPT generation keeps its dot (`gpt-4.1`, `gpt-5.4`), as in the AOAI model names and most meters;
//   the undotted spellings (`gpt 41`, `54`, seen in armSkuName) get it back. GPT-3.5 is the exception:
//   Azure calls it `gpt-35-turbo`, so OpenAI's `gpt-3.5-turbo` becomes that;
// - a name that starts with a bare version (`5.4 opt Dz`, the Foundry GPT-5 meters) is a GPT name;
// - abbreviations are spelled out (`trb` → `turbo`, `prvw` → `preview`; the 1M media meters' `mn` →
//   `mini`, `trscb` → `transcribe`: `gpt4o mn trscb` is gpt-4o-mini-transcribe), and `Rsng` is
//   dropped: `GPT 5 Rsng` is the gpt-5 reasoning model itself ($1.25 / $10 per 1M, gpt-5's price);
// - a few names that differ between meters and model ids are aliased (ada embeddings, computer-use);
// - other publishers' model names lose the words their meters never carry (`Llama-3.3-70B-Instruct`
//   is `llama-3.3-70b`; partnerPublishers.ts).
// A trailing date (`-2024-08-06`) or MMDD (`-0613`) is a version, never part of the family.

import { splitNameWords } from './nameWords.js';
import { partnerModelWords } from './partnerPublishers.js';

const CONTEXT_MARKER = /^\d+k$/;
/** Azure's fine-tuned model names: the base model, `.ft-`, the job's id (and any suffix the customer chose). */
const FINE_TUNED = /^(.+?)\.ft-[\w.-]+$/i;
const DATE_SUFFIX = /^20\d\d-(\d\d)-(\d\d)$/;
/** `5`, `5.4`, `41`: a GPT generation written without `gpt` (not `0806`, which is a version). */
const BARE_VERSION = /^[1-9]\d?(?:\.\d+)?$/;
/** Two digits after `gpt` mean N.M from GPT-4 on (`41` → `4.1`); `35` stays, it is Azure's own name. */
const UNDOTTED_GENERATION = /^([4-9])(\d)$/;

const WORD_ALIASES: ReadonlyMap<string, string> = new Map([
  ['trb', 'turbo'],
  ['prvw', 'preview'],
  ['mn', 'mini'],
  ['trscb', 'transcribe'],
]);
const DROPPED_WORDS: ReadonlySet<string> = new Set(['rsng']);

/** Whole-family aliases: the catalog's name on the right, every known spelling on the left. */
const FAMILY_ALIASES: ReadonlyMap<string, string> = new Map([
  // The catalog says `embedding-ada`; AOAI deploys `text-embedding-ada-002`; old responses say `ada`.
  ['ada', 'text-embedding-ada-002'],
  ['ada-002', 'text-embedding-ada-002'],
  ['embedding-ada', 'text-embedding-ada-002'],
  ['text-embedding-ada', 'text-embedding-ada-002'],
  // The model id is `computer-use-preview-2025-03-11`; its meters say `computer-use`.
  ['computer-use-preview', 'computer-use'],
]);

/** `MMDD` when `word` is a plausible month and day, else null. */
export function mmddVersion(word: string): string | null {
  if (!/^\d{4}$/.test(word)) return null;
  const month = Number(word.slice(0, 2));
  const day = Number(word.slice(2));
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 ? word : null;
}

/** The family of already-split words that carry no version (see the rule at the top of this file). */
export function familyFromWords(words: readonly string[]): string {
  const kept = words.filter((word) => !CONTEXT_MARKER.test(word) && !DROPPED_WORDS.has(word));
  const spelled = [...partnerModelWords(kept.map((word) => WORD_ALIASES.get(word) ?? word))];
  const first = spelled[0];
  if (first !== undefined && BARE_VERSION.test(first)) spelled.unshift('gpt');
  const dotted = spelled.map((word, i) => (spelled[i - 1] === 'gpt' ? dotGeneration(word) : word));
  const family = dotted.join('-');
  return FAMILY_ALIASES.get(family) ?? family;
}

function dotGeneration(word: string): string {
  if (word === '3.5') return '35';
  const undotted = UNDOTTED_GENERATION.exec(word);
  return undotted ? `${undotted[1] ?? ''}.${undotted[2] ?? ''}` : word;
}

/**
 * Splits a logged model name into family and MMDD version:
 * `gpt-4o-2024-08-06` → `gpt-4o`/`0806`, `gpt-35-turbo-16k-0613` → `gpt-35-turbo`/`0613`,
 * `text-embedding-3-large` → version null. Only a trailing date or MMDD counts as the version.
 */
export function versionFromModelName(model: string): { family: string; version: string | null } {
  // A fine-tuned model (`gpt-4o-mini-2024-07-18.ft-0e20…`) is priced by its base's fine-tuned meters
  // (`gpt-4.1-mini-ft input global`): family `<base>-ft`, the base's version.
  const fineTunedOf = fineTunedBase(model);
  if (fineTunedOf !== null) {
    const base = versionFromModelName(fineTunedOf);
    return { family: `${base.family}-ft`, version: base.version };
  }
  const words = splitNameWords(model);
  const date = DATE_SUFFIX.exec(words.slice(-3).join('-'));
  if (words.length > 3 && date !== null) {
    const version = mmddVersion(`${date[1] ?? ''}${date[2] ?? ''}`);
    if (version !== null) return { family: familyFromWords(words.slice(0, -3)), version };
  }
  const last = words.at(-1);
  const version = last === undefined || words.length < 2 ? null : mmddVersion(last);
  return version === null
    ? { family: familyFromWords(words), version: null }
    : { family: familyFromWords(words.slice(0, -1)), version };
}

/** The normalized family of any model or meter family name; a trailing version is ignored. */
export function normalizeFamily(name: string): string {
  return versionFromModelName(name).family;
}

/**
 * The Developer tier's family for a fine-tuned family (`gpt-4.1-ft` → `gpt-4.1-dev-ft`), or null when
 * `family` is not fine-tuned: the tier serves fine-tuned models only, so anything else is not guessed at.
 */
export function developerTierFamily(family: string): string | null {
  return family.endsWith('-ft') ? `${family.slice(0, -'-ft'.length)}-dev-ft` : null;
}

/** The base model of a fine-tuned model's name (`gpt-4o-mini-2024-07-18.ft-0e20…` → `gpt-4o-mini-2024-07-18`), else null. */
export function fineTunedBase(model: string): string | null {
  return FINE_TUNED.exec(model.trim())?.[1] ?? null;
}

/** Whether a logged model is a fine-tuned one: priced at `-ft` meters, and sharing its deployment's hosting. */
export const isFineTuned = (model: string): boolean => fineTunedBase(model) !== null;
