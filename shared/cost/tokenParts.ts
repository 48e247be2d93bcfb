import type { NormalizedUsage } from '../events/types.js';
import type { MeterKind, TokenKind } from '../pricing/types.js';

/**
 * The usage split into disjoint counts per token kind: the text kinds are what is left of each total
 * once the audio and image kinds (shared/events/types.ts, `TokenKinds`) are taken out. Every kind is
 * listed, zeros included, in the order of TOKEN_KINDS; their sum is prompt + completion.
 */
export function tokenParts(
  usage: Pick<NormalizedUsage, 'promptTokens' | 'cachedTokens' | 'completionTokens'> & {
    readonly tokenKinds?: NormalizedUsage['tokenKinds'] | null;
  },
): Readonly<Record<TokenKind, number>> {
  const k = usage.tokenKinds;
  const audioIn = k?.audioInput ?? 0;
  const imageIn = k?.imageInput ?? 0;
  // An unsplit cached count is read text first, then audio, then image: any reading gives the same
  // cost when the pricer prices it (see pricer.ts, cachedSplitProblem), so this one is canonical.
  const unsplit = k?.cachedUnsplit ?? 0;
  const textIn = usage.promptTokens - audioIn - imageIn;
  const overText = Math.max(0, unsplit - textIn);
  const cachedAudio = unsplit > 0 ? Math.min(overText, audioIn) : (k?.cachedAudioInput ?? 0);
  const cachedImage = unsplit > 0 ? overText - cachedAudio : (k?.cachedImageInput ?? 0);
  const audioOut = k?.audioOutput ?? 0;
  const imageOut = k?.imageOutput ?? 0;
  const cachedText = usage.cachedTokens - cachedAudio - cachedImage;
  return {
    input: usage.promptTokens - usage.cachedTokens - (audioIn - cachedAudio) - (imageIn - cachedImage),
    cachedInput: cachedText,
    output: usage.completionTokens - audioOut - imageOut,
    audioInput: audioIn - cachedAudio,
    cachedAudioInput: cachedAudio,
    audioOutput: audioOut,
    imageInput: imageIn - cachedImage,
    cachedImageInput: cachedImage,
    imageOutput: imageOut,
  };
}

/** How a reason names a kind: `audio-output`, `cached-image-input`. */
export function kindLabel(kind: MeterKind): string {
  return kind.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
