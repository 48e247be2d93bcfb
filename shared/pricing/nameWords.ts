// One tokenizer for both sides of the price lookup, so a meter name and a logged model name that mean
// the same model break into the same words.

const SEPARATORS = /[\s\-_/,()]+/;

/**
 * Spellings where two words are written as one. Each pattern splits a word into its captured parts.
 * - `gpt4o`, `gpt4omini`, `gpt35`: the realtime/audio meters drop the hyphen after `gpt`; partner
 *   meters do it after `grok` and `llama` (`Grok4 Fast Outp DZone`, `Llama3.3-Out-FT`).
 * - `4omini`: what is left of `gpt4omini` after the first split.
 * - `mini0718`, `aud1217`: a version glued to the word before it (`gpt 4o mini0718 BatchOutp`).
 * - `trb16k`, `turbo128k`: a context-size marker glued to the word before it.
 */
const GLUED: readonly RegExp[] = [
  /^(gpt|grok|llama)(\d.*)$/,
  /^(\d+(?:\.\d+)?o)(mini|nano)$/,
  /^([a-z]+)(\d{4})$/,
  /^([a-z]+)(\d+k)$/,
];

function unglue(word: string): string[] {
  for (const pattern of GLUED) {
    const match = pattern.exec(word);
    if (match?.[1] !== undefined && match[2] !== undefined) {
      return [...unglue(match[1]), ...unglue(match[2])];
    }
  }
  return [word];
}

/**
 * The lower-case words of a meter or model name. Hyphens, spaces and underscores separate words; dots
 * do not (`4.1` stays one word). camelCase is split first because the catalog glues words that way
 * (`realtimePrvwAudInp`, `BatchOutp`, `DataZone`); runs of capitals (`DZone`, `FTuned`) are kept whole.
 */
export function splitNameWords(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(SEPARATORS)
    .filter((word) => word !== '')
    .flatMap(unglue);
}
