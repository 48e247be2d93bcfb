import { z } from 'zod';

import { optionalTokenCount, tokenCount } from './tokenCount.js';
import type { TokenKinds } from './types.js';

/** Token counts of one call, whatever API produced them. */
export interface TokenUsage {
  readonly promptTokens: number;
  readonly cachedTokens: number;
  readonly completionTokens: number;
  readonly reasoningTokens: number;
  readonly totalTokens: number;
  /** Audio and image tokens inside the totals; absent when there are none. */
  readonly tokenKinds?: TokenKinds;
  /** Whisper's usage: seconds of audio, no tokens (`usage.type: "duration"`). */
  readonly durationSeconds?: number;
}

/** Whisper (`whisper-1`) reports what it bills by, audio seconds, instead of tokens. */
const durationUsage = z.object({
  type: z.literal('duration'),
  seconds: z
    .number()
    .nonnegative()
    .max(86_400 * 31, 'must be at most a month of audio'),
});

/**
 * The cached tokens by kind, as the realtime usage spells it (`input_token_details.cached_tokens_details`)
 * and as an input with audio or image tokens needs it: without it, which cached meter applies is unknown.
 */
const cachedDetails = z
  .object({
    text_tokens: optionalTokenCount,
    audio_tokens: optionalTokenCount,
    image_tokens: optionalTokenCount,
  })
  .nullish();

// Shapes from test/fixtures/api-shapes/aoai_*: chat/completions (details may be absent or null; audio
// chat adds audio_tokens on both sides), embeddings (no completion), the Responses API (input/output
// naming), transcription (`input_token_details`, singular) and gpt-image-1 (`image_tokens` in input).
const chatUsage = z.object({
  prompt_tokens: tokenCount,
  completion_tokens: tokenCount,
  total_tokens: tokenCount.optional(),
  prompt_tokens_details: z
    .object({
      cached_tokens: optionalTokenCount,
      cached_tokens_details: cachedDetails,
      audio_tokens: optionalTokenCount,
      image_tokens: optionalTokenCount,
    })
    .nullish(),
  completion_tokens_details: z
    .object({
      reasoning_tokens: optionalTokenCount,
      audio_tokens: optionalTokenCount,
      image_tokens: optionalTokenCount,
    })
    .nullish(),
});

const embeddingsUsage = z.object({
  prompt_tokens: tokenCount,
  total_tokens: tokenCount,
});

const inputDetails = z
  .object({
    cached_tokens: optionalTokenCount,
    cached_tokens_details: cachedDetails,
    audio_tokens: optionalTokenCount,
    image_tokens: optionalTokenCount,
  })
  .nullish();

const responsesUsage = z.object({
  input_tokens: tokenCount,
  output_tokens: tokenCount,
  total_tokens: tokenCount.optional(),
  input_tokens_details: inputDetails,
  // Transcription spells it without the plural s.
  input_token_details: inputDetails,
  output_tokens_details: z
    .object({
      reasoning_tokens: optionalTokenCount,
      audio_tokens: optionalTokenCount,
      image_tokens: optionalTokenCount,
    })
    .nullish(),
});

/** Picks the schema by its distinguishing key, so errors name the fields of the shape that was meant. */
export const usageSchema = z
  .record(z.string(), z.unknown(), { error: 'must be the usage object of the response' })
  .transform((usage, ctx): TokenUsage => {
    if (usage.type === 'duration') {
      const duration = durationUsage.safeParse(usage);
      if (!duration.success) {
        for (const issue of duration.error.issues) ctx.addIssue({ ...issue, code: 'custom' });
        return z.NEVER;
      }
      return { ...NO_TOKENS, durationSeconds: duration.data.seconds };
    }
    const result =
      'input_tokens' in usage || 'output_tokens' in usage
        ? responsesUsage.safeParse(usage)
        : 'completion_tokens' in usage
          ? chatUsage.safeParse(usage)
          : embeddingsUsage.safeParse(usage);
    if (!result.success) {
      for (const issue of result.error.issues) ctx.addIssue({ ...issue, code: 'custom' });
      return z.NEVER;
    }
    const data = result.data;
    if ('input_token_details' in data && data.input_tokens_details && data.input_token_details) {
      ctx.addIssue({
        code: 'custom',
        message: 'must not be sent together with input_tokens_details',
        path: ['input_token_details'],
      });
      return z.NEVER;
    }
    const tokens = toTokenUsage(data);
    const input =
      'input_tokens' in data ? (data.input_tokens_details ?? data.input_token_details) : undefined;
    const details = 'completion_tokens' in data ? data.prompt_tokens_details : input;
    const problem =
      cachedSplitProblem(tokens.cachedTokens, cachedSplit(details?.cached_tokens_details)) ??
      inconsistency(tokens, 'input_tokens' in data ? RESPONSES_NAMES : CHAT_NAMES);
    if (problem !== undefined) {
      ctx.addIssue({ code: 'custom', message: problem.message, path: [problem.path] });
      return z.NEVER;
    }
    return tokens;
  });

const NO_TOKENS: TokenUsage = {
  promptTokens: 0,
  cachedTokens: 0,
  completionTokens: 0,
  reasoningTokens: 0,
  totalTokens: 0,
};

type AnyUsage = z.infer<typeof chatUsage> | z.infer<typeof embeddingsUsage> | z.infer<typeof responsesUsage>;

function toTokenUsage(usage: AnyUsage): TokenUsage {
  if ('input_tokens' in usage) {
    const input = usage.input_tokens_details ?? usage.input_token_details;
    return withKinds(
      {
        promptTokens: usage.input_tokens,
        cachedTokens: input?.cached_tokens ?? 0,
        completionTokens: usage.output_tokens,
        reasoningTokens: usage.output_tokens_details?.reasoning_tokens ?? 0,
        totalTokens: usage.total_tokens ?? usage.input_tokens + usage.output_tokens,
      },
      {
        audioInput: input?.audio_tokens ?? 0,
        imageInput: input?.image_tokens ?? 0,
        audioOutput: usage.output_tokens_details?.audio_tokens ?? 0,
        imageOutput: usage.output_tokens_details?.image_tokens ?? 0,
        cached: cachedSplit(input?.cached_tokens_details),
      },
    );
  }
  if ('completion_tokens' in usage) {
    return withKinds(
      {
        promptTokens: usage.prompt_tokens,
        cachedTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
        completionTokens: usage.completion_tokens,
        reasoningTokens: usage.completion_tokens_details?.reasoning_tokens ?? 0,
        totalTokens: usage.total_tokens ?? usage.prompt_tokens + usage.completion_tokens,
      },
      {
        audioInput: usage.prompt_tokens_details?.audio_tokens ?? 0,
        imageInput: usage.prompt_tokens_details?.image_tokens ?? 0,
        audioOutput: usage.completion_tokens_details?.audio_tokens ?? 0,
        imageOutput: usage.completion_tokens_details?.image_tokens ?? 0,
        cached: cachedSplit(usage.prompt_tokens_details?.cached_tokens_details),
      },
    );
  }
  return {
    promptTokens: usage.prompt_tokens,
    cachedTokens: 0,
    completionTokens: 0,
    reasoningTokens: 0,
    totalTokens: usage.total_tokens,
  };
}

/** What `cached_tokens_details` said, when the usage carried it. */
export interface CachedSplit {
  readonly text: number | undefined;
  readonly audio: number;
  readonly image: number;
}

export function cachedSplit(
  details:
    | { text_tokens?: number | null; audio_tokens?: number | null; image_tokens?: number | null }
    | null
    | undefined,
): CachedSplit | undefined {
  if (details === undefined || details === null) return undefined;
  return {
    text: details.text_tokens ?? undefined,
    audio: details.audio_tokens ?? 0,
    image: details.image_tokens ?? 0,
  };
}

export interface KindCounts {
  readonly audioInput: number;
  readonly imageInput: number;
  readonly audioOutput: number;
  readonly imageOutput: number;
  /** `cached_tokens_details`, when given. */
  readonly cached?: CachedSplit | undefined;
}

/**
 * The totals with only the non-zero kinds attached (no object at all for text-only usage). Cached
 * tokens of an input with audio or image tokens are split by `cached_tokens_details`; without it they
 * are `cachedUnsplit`, never assumed to be text.
 */
export function withKinds(totals: TokenUsage, counts: KindCounts): TokenUsage {
  const { audioInput, imageInput, audioOutput, imageOutput, cached } = counts;
  const cachedKinds = (cached?.audio ?? 0) + (cached?.image ?? 0);
  if (audioInput + imageInput + audioOutput + imageOutput + cachedKinds === 0) return totals;
  const kinds: { -readonly [K in keyof TokenKinds]: number } = {};
  if (audioInput > 0) kinds.audioInput = audioInput;
  if (imageInput > 0) kinds.imageInput = imageInput;
  if (audioOutput > 0) kinds.audioOutput = audioOutput;
  if (imageOutput > 0) kinds.imageOutput = imageOutput;
  if (cached !== undefined) {
    if (cached.audio > 0) kinds.cachedAudioInput = cached.audio;
    if (cached.image > 0) kinds.cachedImageInput = cached.image;
  } else if (totals.cachedTokens > 0 && audioInput + imageInput > 0) {
    kinds.cachedUnsplit = totals.cachedTokens;
  }
  return { ...totals, tokenKinds: kinds };
}

/** The details must add up: their kinds within the cached count, exactly it when text is given. */
export function cachedSplitProblem(
  cachedTokens: number,
  cached: CachedSplit | undefined,
): { path: string; message: string } | undefined {
  if (cached === undefined) return undefined;
  const sum = (cached.text ?? 0) + cached.audio + cached.image;
  if (sum > cachedTokens || (cached.text !== undefined && sum !== cachedTokens))
    return {
      path: 'cached_tokens_details',
      message: `text, audio and image cached tokens add up to ${sum}, not the ${cachedTokens} cached tokens`,
    };
  return undefined;
}

/** How a shape names its totals, for the messages of `inconsistency`. */
export interface TotalNames {
  readonly input: string;
  readonly output: string;
}
export const CHAT_NAMES: TotalNames = { input: 'prompt', output: 'completion' };
export const RESPONSES_NAMES: TotalNames = { input: 'input', output: 'output' };

/**
 * Each count is a subset of its total (cached and audio/image of input, reasoning and audio/image of
 * output); otherwise the text remainder, and so the cost, would go negative. The path and message
 * name the count at fault in the shape's own words.
 */
export function inconsistency(
  tokens: TokenUsage,
  names: TotalNames = CHAT_NAMES,
): { path: string; message: string } | undefined {
  const [input, output] = [`${names.input} tokens`, `${names.output} tokens`];
  if (tokens.cachedTokens > tokens.promptTokens) {
    return {
      path: 'cached_tokens',
      message: `${tokens.cachedTokens} cached tokens exceed ${tokens.promptTokens} ${input}`,
    };
  }
  if (tokens.reasoningTokens > tokens.completionTokens) {
    return {
      path: 'reasoning_tokens',
      message: `${tokens.reasoningTokens} reasoning tokens exceed ${tokens.completionTokens} ${output}`,
    };
  }
  const kinds = tokens.tokenKinds;
  if (kinds === undefined) return undefined;
  const audioIn = kinds.audioInput ?? 0;
  const imageIn = kinds.imageInput ?? 0;
  const cachedAudio = kinds.cachedAudioInput ?? 0;
  const cachedImage = kinds.cachedImageInput ?? 0;
  if (cachedAudio > audioIn)
    return {
      path: 'cached_tokens_details.audio_tokens',
      message: `${cachedAudio} cached audio tokens exceed ${audioIn} audio tokens`,
    };
  if (cachedImage > imageIn)
    return {
      path: 'cached_tokens_details.image_tokens',
      message: `${cachedImage} cached image tokens exceed ${imageIn} image tokens`,
    };
  if (audioIn + imageIn > tokens.promptTokens) {
    return {
      path: audioIn > 0 ? 'audio_tokens' : 'image_tokens',
      message: `${audioIn} audio and ${imageIn} image tokens exceed ${tokens.promptTokens} ${input}`,
    };
  }
  // Split cached tokens: the cached text must fit in the text, leaving uncached text ≥ 0. Unsplit
  // ones may be of any kind, so only the cached total bounds them (checked above).
  const cachedText = tokens.cachedTokens - cachedAudio - cachedImage;
  if (kinds.cachedUnsplit === undefined && cachedText > tokens.promptTokens - audioIn - imageIn) {
    return {
      path: 'cached_tokens',
      message: `${cachedText} cached text tokens exceed the ${tokens.promptTokens - audioIn - imageIn} text tokens of ${tokens.promptTokens} ${input} (${audioIn} audio, ${imageIn} image)`,
    };
  }
  const audioOut = kinds.audioOutput ?? 0;
  const imageOut = kinds.imageOutput ?? 0;
  if (audioOut + imageOut > tokens.completionTokens) {
    return {
      path: audioOut > 0 ? 'audio_tokens' : 'image_tokens',
      message: `${audioOut} audio and ${imageOut} image output tokens exceed ${tokens.completionTokens} ${output}`,
    };
  }
  return undefined;
}
