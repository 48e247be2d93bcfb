// The words of the retail catalog's meter names, as spelled in the real eastus catalog (2025-08) and the
// 2026 Foundry Models meters. Every entry is a whole word: `gpt` must not match `pt`, nor `Glbl` `Gl`.

import type { DeploymentType } from '../events/types.js';

/** `in` is the 1M media meters' spelling (`gpt aud mn in gl 1215 1M`) and other publishers' (`70b-IN-FT`). */
export const INPUT_WORDS: ReadonlySet<string> = new Set(['inp', 'input', 'inpt', 'in']);
export const OUTPUT_WORDS: ReadonlySet<string> = new Set(['outp', 'output', 'opt', 'outpt', 'out']);
/**
 * `cd` is the Foundry spelling (`5.4 cd inp Gl`); `cched` occurs in grader meters, `ccchd` in
 * `gpt-5-codex-ccchd-inp-glbl` (2025-09).
 */
export const CACHED_WORDS: ReadonlySet<string> = new Set(['cached', 'cchd', 'cched', 'ccchd', 'cd']);

/**
 * What a token is, when the name says (`gpt-4o-transcribe-aud-inp-glbl`, `gpt-image-1-inp-img-glbl`,
 * `gpt-4o-aud-1217-txt Inp glbl`). `image` is not one: it is part of the family `gpt-image-1`. `aud`
 * right before a version is the family's own name instead (`gpt-4o-aud-1217` is gpt-4o-audio-preview).
 */
export const MODALITY_WORDS: ReadonlyMap<string, 'text' | 'audio' | 'image'> = new Map([
  ['txt', 'text'],
  ['aud', 'audio'],
  ['audio', 'audio'],
  ['img', 'image'],
]);

export const DEPLOYMENT_WORDS: ReadonlyMap<string, DeploymentType> = new Map([
  ['glbl', 'global'],
  ['global', 'global'],
  ['glb', 'global'],
  ['gl', 'global'],
  ['datazone', 'datazone'],
  ['dzone', 'datazone'],
  ['dzn', 'datazone'],
  ['dz', 'datazone'],
  ['regnl', 'regional'],
  ['regional', 'regional'],
  ['rgnl', 'regional'],
  ['regn', 'regional'],
]);

/** The trailing `1K` / `1M` of some names; it must agree with unitOfMeasure. */
export const UNIT_SIZE_WORDS: ReadonlyMap<string, 1000 | 1000000> = new Map([
  ['1k', 1000],
  ['1m', 1000000],
]);

/** Two-word spellings read as one word, so the sets above and below stay whole-word. */
const PAIRS: ReadonlyMap<string, string> = new Map([
  ['data zone', 'datazone'],
  ['file search', 'filesearch'],
  ['code interpreter', 'codeinterpreter'],
  ['fine tune', 'finetune'],
  ['fine tuned', 'finetune'],
  ['fine tuning', 'finetune'],
]);

export function joinPairs(words: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const pair = PAIRS.get(`${words[i] ?? ''} ${words[i + 1] ?? ''}`);
    if (pair === undefined) {
      out.push(words[i] ?? '');
    } else {
      out.push(pair);
      i++;
    }
  }
  return out;
}

/**
 * Meters never used for a standard pay-as-you-go request, first match wins. They are checked before
 * the name is parsed because many are cheaper than the standard meter of the same model (batch is half
 * price), so a lax parse would undercharge rather than fail.
 * - `pp` is priority processing (armSkuName spells it `Prty`); `longco` is the long-context tier.
 * - Realtime meters price WebSocket sessions, which the gateway does not meter (docs/gateway.md).
 * - DALL-E meters price images, not tokens; whisper and speech meters price hours or characters.
 */
export const EXCLUSIONS: readonly { readonly reason: string; readonly words: ReadonlySet<string> }[] = [
  { reason: 'provisioned meter', words: new Set(['provisioned', 'ptu']) },
  { reason: 'reservation meter', words: new Set(['reservation']) },
  { reason: 'grader meter', words: new Set(['grader', 'grdr']) },
  // `Trng` and `Hstng` are the `-FT-` meters' spellings (`gpt-4o-mini-0718-FT-Trng-glbl Tokens`, per token).
  { reason: 'training meter', words: new Set(['training', 'trng', 'rft']) },
  { reason: 'hosting meter', words: new Set(['hosting', 'hstng']) },
  // `-ft` inference meters (`gpt-4.1-ft input global`, `gpt-4o-mini-0718-FT-inp-glbl`) are priced under the
  // family `gpt-4.1-ft` / `gpt-4o-mini-ft`, which only a fine-tuned model's name (`….ft-<job>`) resolves to;
  // grader, training and hosting meters stop above.
  { reason: 'fine-tune meter', words: new Set(['ftuned', 'finetune', 'finetuned']) },
  { reason: 'batch meter', words: new Set(['batch']) },
  { reason: 'priority processing meter', words: new Set(['pp', 'prty', 'priority']) },
  { reason: 'flex processing meter', words: new Set(['flex', 'fl']) },
  {
    reason: 'long context meter',
    words: new Set(['longcontext', 'longco', 'loco', 'lngctx', 'longctx', 'long', 'lng']),
  },
  { reason: 'realtime meter', words: new Set(['realtime', 'rtime', 'rt']) },
  { reason: 'audio meter', words: new Set(['whisper', 'speech']) },
  { reason: 'image meter', words: new Set(['images', 'dall']) },
  { reason: 'file search meter', words: new Set(['filesearch']) },
  { reason: 'code interpreter meter', words: new Set(['codeinterpreter']) },
  { reason: 'cache write meter', words: new Set(['wr', 'write']) },
];
