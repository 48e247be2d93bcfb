import { z } from 'zod';

import { optionalTokenCount, tokenCount } from './tokenCount.js';

/** Token counts of one call, whatever API produced them. */
export interface TokenUsage {
  readonly promptTokens: number;
  readonly cachedTokens: number;
  readonly completionTokens: number;
  readonly reasoningTokens: number;
  readonly totalTokens: number;
}

// Shapes from reference/api-shapes/aoai_*: chat/completions (details may be absent or null),
// embeddings (no completion), and the Responses API (input/output naming).
const chatUsage = z.object({
  prompt_tokens: tokenCount,
  completion_tokens: tokenCount,
  total_tokens: tokenCount.optional(),
  prompt_tokens_details: z.object({ cached_tokens: optionalTokenCount }).nullish(),
  completion_tokens_details: z.object({ reasoning_tokens: optionalTokenCount }).nullish(),
});

const embeddingsUsage = z.object({
  prompt_tokens: tokenCount,
  total_tokens: tokenCount,
});

const responsesUsage = z.object({
  input_tokens: tokenCount,
  output_tokens: tokenCount,
  total_tokens: tokenCount.optional(),
  input_tokens_details: z.object({ cached_tokens: optionalTokenCount }).nullish(),
  output_tokens_details: z.object({ reasoning_tokens: optionalTokenCount }).nullish(),
});

/** Picks the schema by its distinguishing key, so errors name the fields of the shape that was meant. */
export const usageSchema = z
  .record(z.string(), z.unknown(), { error: 'must be the usage object of the response' })
  .transform((usage, ctx): TokenUsage => {
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
    const tokens = toTokenUsage(result.data);
    const problem = inconsistency(tokens);
    if (problem !== undefined) {
      ctx.addIssue({ code: 'custom', message: problem.message, path: [problem.path] });
      return z.NEVER;
    }
    return tokens;
  });

type AnyUsage = z.infer<typeof chatUsage> | z.infer<typeof embeddingsUsage> | z.infer<typeof responsesUsage>;

function toTokenUsage(usage: AnyUsage): TokenUsage {
  if ('input_tokens' in usage) {
    return {
      promptTokens: usage.input_tokens,
      cachedTokens: usage.input_tokens_details?.cached_tokens ?? 0,
      completionTokens: usage.output_tokens,
      reasoningTokens: usage.output_tokens_details?.reasoning_tokens ?? 0,
      totalTokens: usage.total_tokens ?? usage.input_tokens + usage.output_tokens,
    };
  }
  if ('completion_tokens' in usage) {
    return {
      promptTokens: usage.prompt_tokens,
      cachedTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
      completionTokens: usage.completion_tokens,
      reasoningTokens: usage.completion_tokens_details?.reasoning_tokens ?? 0,
      totalTokens: usage.total_tokens ?? usage.prompt_tokens + usage.completion_tokens,
    };
  }
  return {
    promptTokens: usage.prompt_tokens,
    cachedTokens: 0,
    completionTokens: 0,
    reasoningTokens: 0,
    totalTokens: usage.total_tokens,
  };
}

/** Cached tokens are a subset of prompt tokens and reasoning of completion; otherwise cost would go negative. */
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
  return undefined;
}
