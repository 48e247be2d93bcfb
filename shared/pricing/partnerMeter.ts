// Reads another publisher's Foundry Models meter (`R1 Inp glbl Tokens`, `Grok 4.1 Outp Glbl Tokens`,
// `3.3 70b Inp FT DZ Tokens`) as a per-token price, or says why it is not one. The marker grammar is
// Azure OpenAI's (tokenMeterWords.ts); what differs is who the words name (partnerPublishers.ts) and
// the `FT` word. Fails closed like the OpenAI rule: a name that does not parse is `unrecognised name`.

import { CACHED_WORDS, INPUT_WORDS, OUTPUT_WORDS } from './meterVocabulary.js';
import { familyFromWords } from './modelFamily.js';
import { partnerModelWordsOfMeter, type Publisher } from './partnerPublishers.js';
import { parseTokenMeter, UNRECOGNISED_NAME } from './tokenMeterWords.js';
import type { MeterClassification } from './types.js';

/**
 * `words` are the name's words without the trailing `Tokens` (the caller has applied the shared
 * exclusions: provisioned, hosting, batch, non-token units…).
 * - `FT` with a direction word is fine-tuned inference, family `<model>-ft`, which only a fine-tuned
 *   model's name (`<base>.ft-<job>`) resolves to, as for Azure OpenAI's `-ft` meters.
 * - `FT` without one is training: `Phi-4-FT`, `3.3 70b FT DZ`, `Mnstrl 3B FT` cost several times their
 *   model's input price per token (0.003 against 0.000125 per 1K for Phi-4), so they are never chosen.
 */
export function classifyPartnerMeter(
  words: readonly string[],
  size: 1000 | 1000000 | null,
  publisher: Publisher,
): MeterClassification {
  // `Llama3.3 70b-IN-FT`, `Ministral 3B Model In-FT`: `in` is an input word (meterVocabulary.ts).
  const fineTuned = words.includes('ft');
  const rest = words.filter((word) => word !== 'ft');
  if (fineTuned && !rest.some(isDirectionWord)) return { priced: false, reason: 'training meter' };
  const meter = parseTokenMeter(
    rest,
    size,
    (modelWords) => familyFromWords(partnerModelWordsOfMeter(publisher, modelWords)),
    true,
  );
  if (meter === null) return { priced: false, reason: UNRECOGNISED_NAME };
  return {
    priced: true,
    meter: {
      ...meter,
      family: fineTuned ? `${meter.family}-ft` : meter.family,
      publisher: publisher.name,
    },
  };
}

function isDirectionWord(word: string): boolean {
  return INPUT_WORDS.has(word) || OUTPUT_WORDS.has(word) || CACHED_WORDS.has(word);
}
