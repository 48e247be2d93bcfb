import { describe, expect, it } from 'vitest';

import { normalizeEvent } from '../../../shared/events/normalize.js';
import { redactedView } from '../../../shared/events/redact.js';
import type { EventSource } from '../../../shared/events/types.js';
import { parseV2Fast } from '../../../shared/events/v2FastPath.js';
import { readApiShape } from '../../helpers/apiShapes.js';

const NOW = new Date('2026-11-20T12:00:00.000Z');
const FILE: EventSource = { kind: 'file', file: 'events.jsonl', line: 1 };

function usageOf(file: string): Record<string, unknown> {
  return (readApiShape(file) as { usage: Record<string, unknown> }).usage;
}

function event(usage: unknown, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schema: 'aoai-usage/2',
    requestId: '0cb1e29c-658c-4a14-95e6-0af593bd04cf',
    eventTime: '2026-11-20T10:11:12.345Z',
    appId: '7d8a1c3e-2b4f-4e6a-9c1d-0f2e3a4b5c6d',
    deploymentType: 'global',
    region: 'eastus',
    operation: 'chat.completion',
    model: 'gpt-4o-audio-preview-2024-12-17',
    usage,
    ...overrides,
  };
}

function normalized(body: Record<string, unknown>) {
  const result = normalizeEvent(body, FILE, NOW);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.usage;
}

describe('token kinds from the real usage shapes', () => {
  it('chat with audio: audio input and output inside the totals, which keep their meaning', () => {
    const usage = normalized(event(usageOf('oai_chat_usage_audio_fields_spec.json')));
    expect(usage).toMatchObject({ promptTokens: 1117, completionTokens: 530, totalTokens: 1647 });
    expect(usage.tokenKinds).toEqual({ audioInput: 1000, audioOutput: 480 });
  });

  it('transcription: the singular input_token_details is read, by the fast path as by zod', () => {
    const body = event(usageOf('oai_transcription_gpt4o_transcribe_usage_api_reference.json'), {
      operation: 'transcriptions',
      model: 'gpt-4o-transcribe',
    });
    expect(parseV2Fast(body)?.usage?.tokenKinds).toEqual({ audioInput: 14 });
    const usage = normalized(body);
    expect(usage).toMatchObject({ promptTokens: 14, completionTokens: 45, totalTokens: 59 });
    expect(usage.tokenKinds).toEqual({ audioInput: 14 });
  });

  it('gpt-image-1 on the Images API: image input from the details, every output token an image token', () => {
    const body = event(usageOf('oai_images_gpt_image_1_usage_api_reference.json'), {
      operation: 'generations',
      model: 'gpt-image-1',
    });
    const usage = normalized(body);
    expect(usage).toMatchObject({ promptTokens: 50, completionTokens: 50, totalTokens: 100 });
    expect(usage.tokenKinds).toEqual({ imageInput: 40, imageOutput: 50 });
  });

  it('the same usage on another operation says nothing of the output', () => {
    const usage = normalized(
      event(usageOf('oai_images_gpt_image_1_usage_api_reference.json'), { operation: 'response' }),
    );
    expect(usage.tokenKinds).toEqual({ imageInput: 40 });
  });

  it('text-only usage carries no tokenKinds at all (records stay as they were)', () => {
    const usage = normalized(
      event({
        prompt_tokens: 10,
        completion_tokens: 5,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
      }),
    );
    expect('tokenKinds' in usage).toBe(false);
  });
});

describe('counts that do not add up are refused with a reason', () => {
  const cases: [string, Record<string, unknown>, string, string][] = [
    [
      'audio input beyond the prompt',
      { prompt_tokens: 100, completion_tokens: 0, prompt_tokens_details: { audio_tokens: 101 } },
      'usage.audio_tokens',
      '101 audio and 0 image tokens exceed 100 prompt tokens',
    ],
    [
      'cached text beyond the text, the split given',
      {
        prompt_tokens: 100,
        completion_tokens: 0,
        prompt_tokens_details: {
          audio_tokens: 60,
          cached_tokens: 50,
          cached_tokens_details: { text_tokens: 50, audio_tokens: 0 },
        },
      },
      'usage.cached_tokens',
      '50 cached text tokens exceed the 40 text tokens of 100 prompt tokens (60 audio, 0 image)',
    ],
    [
      'cached audio beyond the audio',
      {
        input_tokens: 100,
        output_tokens: 0,
        input_tokens_details: {
          audio_tokens: 40,
          cached_tokens: 50,
          cached_tokens_details: { audio_tokens: 50 },
        },
      },
      'usage.cached_tokens_details.audio_tokens',
      '50 cached audio tokens exceed 40 audio tokens',
    ],
    [
      'a cached split that does not add up to the cached tokens',
      {
        input_tokens: 100,
        output_tokens: 0,
        input_tokens_details: {
          image_tokens: 40,
          cached_tokens: 50,
          cached_tokens_details: { text_tokens: 20, image_tokens: 20 },
        },
      },
      'usage.cached_tokens_details',
      'text, audio and image cached tokens add up to 40, not the 50 cached tokens',
    ],
    [
      'audio output beyond the completion',
      { prompt_tokens: 1, completion_tokens: 10, completion_tokens_details: { audio_tokens: 11 } },
      'usage.audio_tokens',
      '11 audio and 0 image output tokens exceed 10 completion tokens',
    ],
    [
      'transcription audio beyond the input',
      { type: 'tokens', input_tokens: 5, output_tokens: 1, input_token_details: { audio_tokens: 6 } },
      'usage.audio_tokens',
      '6 audio and 0 image tokens exceed 5 input tokens',
    ],
    [
      'image input beyond the input',
      { input_tokens: 5, output_tokens: 1, input_tokens_details: { image_tokens: 6, text_tokens: 0 } },
      'usage.image_tokens',
      '0 audio and 6 image tokens exceed 5 input tokens',
    ],
    [
      'both spellings of the input details',
      { input_tokens: 5, output_tokens: 1, input_tokens_details: {}, input_token_details: {} },
      'usage.input_token_details',
      'must not be sent together with input_tokens_details',
    ],
  ];
  it.each(cases)('%s', (_name, usage, path, problem) => {
    const body = event(usage);
    expect(parseV2Fast(body)).toBeUndefined();
    const result = normalizeEvent(body, FILE, NOW);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues).toContainEqual({ path, problem });
  });

  it('the dead letter keeps the new usage keys (values, not shapes)', () => {
    const view = redactedView(event(usageOf('oai_transcription_gpt4o_transcribe_usage_api_reference.json')));
    expect(view.usage).toEqual(usageOf('oai_transcription_gpt4o_transcribe_usage_api_reference.json'));
    const chat = redactedView(event(usageOf('oai_chat_usage_audio_fields_spec.json')));
    expect((chat.usage as Record<string, unknown>).prompt_tokens_details).toEqual({
      cached_tokens: 0,
      audio_tokens: 1000,
      text_tokens: 117,
      image_tokens: 0,
    });
  });
});
