// DALL-E meters price images, 100 to the unit: `Image-Dall-E-3 HD HighRes-regnl EP Images`,
// `Image-DALL-E-2-regnl Images`. DALL-E returns no token usage, so these are the only way to price it.

import type { DeploymentType } from '../events/types.js';
import { DEPLOYMENT_WORDS } from './meterVocabulary.js';
import type { MeterClassification, PerImageKind } from './types.js';

/** Words of the DALL-E names that say nothing about the price (`EP`, `Images`). */
const IGNORED = new Set(['ep', 'images']);

/**
 * The per-image meter a DALL-E name describes, `unrecognised name` for a DALL-E name that does not
 * parse, or undefined when the item is no DALL-E meter (the token rules then apply).
 */
export function classifyImageMeter(
  words: readonly string[],
  unitOfMeasure: string,
  type: string | undefined,
  productName: string,
): MeterClassification | undefined {
  if (!words.includes('dall') || (type ?? 'Consumption') !== 'Consumption') return undefined;
  if (!/openai/i.test(productName) || unitOfMeasure.trim() !== '100') return undefined;
  const unrecognised = { priced: false, reason: 'unrecognised name' } as const;
  // image dall e <generation> …
  if (words[0] !== 'image' || words[1] !== 'dall' || words[2] !== 'e') return unrecognised;
  const generation = words[3];
  if (generation !== '2' && generation !== '3') return unrecognised;
  let quality: 'standard' | 'hd' | null = null;
  let resolution: 'low' | 'high' | null = null;
  let deployment: DeploymentType | null = null;
  const rest = words.slice(4);
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i] ?? '';
    const type = DEPLOYMENT_WORDS.get(word);
    if (type !== undefined && deployment === null) deployment = type;
    else if ((word === 'hd' || word === 'std') && quality === null)
      quality = word === 'hd' ? 'hd' : 'standard';
    else if ((word === 'high' || word === 'low') && rest[i + 1] === 'res' && resolution === null) {
      resolution = word;
      i++;
    } else if (!IGNORED.has(word)) return unrecognised;
  }
  if (deployment === null) return unrecognised;
  let kind: PerImageKind;
  if (generation === '2') {
    if (quality !== null || resolution !== null) return unrecognised;
    kind = 'perImage';
  } else {
    if (quality === null || resolution === null) return unrecognised;
    kind = PER_IMAGE[quality][resolution];
  }
  return {
    priced: true,
    meter: { family: `dall-e-${generation}`, version: null, kind, deploymentType: deployment, unitSize: 100 },
  };
}

const PER_IMAGE = {
  standard: { low: 'perImageStandard', high: 'perImageStandardHighRes' },
  hd: { low: 'perImageHd', high: 'perImageHdHighRes' },
} as const satisfies Record<string, Record<string, PerImageKind>>;
