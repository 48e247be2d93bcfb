import type { ImageFacts } from '../events/types.js';
import type { PerImageKind } from './types.js';

/** Reason of a speech response: its body is audio, and Azure bills its tokens, which it does not report. */
export const SPEECH_UNPRICED = 'speech responses carry no token usage';

/** Whisper reports seconds of audio, and no meter in the book prices audio by time. */
export function durationUnpriced(seconds: number): string {
  return `whisper usage is ${seconds} seconds of audio, and no meter prices audio by duration`;
}

/** DALL-E 3's sizes: 1024×1024 is the LowRes meter, the two larger ones HighRes. */
const DALLE3_SIZES: Readonly<Record<string, 'low' | 'high'>> = {
  '1024x1024': 'low',
  '1792x1024': 'high',
  '1024x1792': 'high',
};
const DALLE3_KINDS = {
  standard: { low: 'perImageStandard', high: 'perImageStandardHighRes' },
  hd: { low: 'perImageHd', high: 'perImageHdHighRes' },
} as const satisfies Record<string, Record<string, PerImageKind>>;

/**
 * The per-image meter kind of a DALL-E call, from what its request said. A missing size or quality is
 * the API's documented default (1024×1024, standard), not a guess; anything else without a meter is
 * refused with the fact that is missing.
 */
export function perImageKind(
  family: string,
  facts: ImageFacts,
): { readonly ok: true; readonly kind: PerImageKind } | { readonly ok: false; readonly reason: string } {
  if (family === 'dall-e-2') return { ok: true, kind: 'perImage' };
  if (family !== 'dall-e-3') {
    return { ok: false, reason: `image responses of ${family} carry no token usage` };
  }
  const size = facts.size ?? '1024x1024';
  const resolution = Object.hasOwn(DALLE3_SIZES, size) ? DALLE3_SIZES[size] : undefined;
  if (resolution === undefined) return { ok: false, reason: `no dall-e-3 meter for size ${size}` };
  const quality = facts.quality ?? 'standard';
  if (quality !== 'standard' && quality !== 'hd') {
    return { ok: false, reason: `no dall-e-3 meter for quality ${quality}` };
  }
  return { ok: true, kind: DALLE3_KINDS[quality][resolution] };
}
