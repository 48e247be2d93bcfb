import { z } from 'zod';

import { REQUEST_ID, REQUEST_ID_PROBLEM } from './guid.js';
import { isWellFormedText, NOT_UNICODE_PROBLEM } from './unicode.js';
import { tokenCountString } from './tokenCount.js';
import { inconsistency } from './usageShapes.js';

const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine(isWellFormedText, NOT_UNICODE_PROBLEM);

/**
 * The seed's APIM policy: every value a string, `event-time` from .NET `DateTime.UtcNow.ToString()`,
 * `modeltime` possibly "", `message-id` optional.
 */
export const v1EventSchema = z
  .object({
    'event-time': text(64),
    appid: text(64),
    operation: text(128),
    model: text(128),
    modeltime: z
      .union([z.string().max(32).refine(isWellFormedText, NOT_UNICODE_PROBLEM), z.number()])
      .optional(),
    prompt_tokens: tokenCountString,
    completion_tokens: tokenCountString.optional(),
    total_tokens: tokenCountString.optional(),
    'message-id': z.string().trim().regex(REQUEST_ID, REQUEST_ID_PROBLEM).optional(),
  })
  .superRefine((event, ctx) => {
    const problem = inconsistency({
      promptTokens: event.prompt_tokens,
      cachedTokens: 0,
      completionTokens: event.completion_tokens ?? 0,
      reasoningTokens: 0,
      totalTokens: event.total_tokens ?? 0,
    });
    if (problem) ctx.addIssue({ code: 'custom', message: problem.message, path: [problem.path] });
  });

export type V1Event = z.infer<typeof v1EventSchema>;
