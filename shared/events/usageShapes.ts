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
    const problem = inconsistency(tokens);
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
      input?.audio_tokens ?? 0,
      input?.image_tokens ?? 0,
      usage.output_tokens_details?.audio_tokens ?? 0,
      usage.output_tokens_details?.image_tokens ?? 0,
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
      usage.prompt_tokens_details?.audio_tokens ?? 0,
      usage.prompt_tokens_details?.image_tokens ?? 0,
      usage.completion_tokens_details?.audio_tokens ?? 0,
      usage.completion_tokens_details?.image_tokens ?? 0,
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

/** The totals with only the non-zero kinds attached (no object at all for text-only usage). */
export function withKinds(
  totals: TokenUsage,
  audioInput: number,
  imageInput: number,
  audioOutput: number,
  imageOutput: number,
): TokenUsage {
  if (audioInput === 0 && imageInput === 0 && audioOutput === 0 && imageOutput === 0) return totals;
  const kinds: { -readonly [K in keyof TokenKinds]: number } = {};
  if (audioInput > 0) kinds.audioInput = audioInput;
  if (imageInput > 0) kinds.imageInput = imageInput;
  if (audioOutput > 0) kinds.audioOutput = audioOutput;
  if (imageOutput > 0) kinds.imageOutput = imageOutput;
  return { ...totals, tokenKinds: kinds };
}

/**
 * Each count is a subset of its total (cached and audio/image of prompt, reasoning and audio/image of
 * completion); otherwise the text remainder, and so the cost, would go negative.
 */
export function inconsistency(tokens: TokenUsage): { path: string; message: string } | undefined {
  if (tokens.cachedTokens > tokens.promptTokens) {
    return {
      path: 'cached_tokens',
      message: `${tokens.cachedTokens} cached tokens exceed ${tokens.promptTokens} prompt tokens`,
    };
  }
  if (tokens.reasoningTokens > tokens.completionTokens) {
    return {
      path: 'reasoning_tokens',
      message: `${tokens.reasoningTokens} reasoning tokens exceed ${tokens.completionTokens} completion tokens`,
    };
  }
  const kinds = tokens.tokenKinds;
  if (kinds === undefined) return undefined;
  const audioIn = kinds.audioInput ?? 0;
  const imageIn = kinds.imageInput ?? 0;
  const cachedAudio = kinds.cachedAudioInput ?? 0;
  const cachedImage = kinds.cachedImageInput ?? 0;
  if (cachedAudio > audioIn || cachedImage > imageIn || cachedAudio + cachedImage > tokens.cachedTokens) {
    return {
      path: 'cached_tokens',
      message: `cached audio (${cachedAudio}) and image (${cachedImage}) tokens exceed their totals`,
    };
  }
  // Uncached audio and image plus all cached tokens must fit in the prompt, leaving text ≥ 0.
  if (audioIn - cachedAudio + imageIn - cachedImage + tokens.cachedTokens > tokens.promptTokens) {
    return {
      path: 'audio_tokens',
      message: `${audioIn} audio, ${imageIn} image and ${tokens.cachedTokens} cached tokens exceed ${tokens.promptTokens} prompt tokens`,
    };
  }
  const audioOut = kinds.audioOutput ?? 0;
  const imageOut = kinds.imageOutput ?? 0;
  if (audioOut + imageOut > tokens.completionTokens) {
    return {
      path: 'audio_tokens',
      message: `${audioOut} audio and ${imageOut} image output tokens exceed ${tokens.completionTokens} completion tokens`,
    };
  }
  return undefined;
}
