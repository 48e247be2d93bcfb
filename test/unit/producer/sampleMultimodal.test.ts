import { describe, expect, it } from 'vitest';

import { normalizeEvent } from '../../../shared/events/normalize.js';
import { buildSampleEvents } from '../../../shared/producer/sampleEvents.js';

describe('sample events with a multimodal share (the bench mixes in 10%)', () => {
  it('leaves the default events exactly as they were', () => {
    expect(buildSampleEvents(300, { seed: 11, multimodalShare: 0 })).toEqual(
      buildSampleEvents(300, { seed: 11 }),
    );
  });

  it('mixes in audio chat, transcription and image events that normalize with their token kinds', () => {
    const events = buildSampleEvents(2_000, { seed: 11, multimodalShare: 0.1 });
    const multimodal = events.filter((e) =>
      ['gpt-4o-audio-preview-2024-12-17', 'gpt-4o-transcribe', 'gpt-image-1'].includes(e.model),
    );
    expect(multimodal.length).toBeGreaterThan(150);
    expect(multimodal.length).toBeLessThan(250);
    for (const event of multimodal) {
      const result = normalizeEvent(
        event,
        { kind: 'file', file: 'bench.jsonl', line: 1 },
        new Date('2026-01-01'),
      );
      expect(result.ok, JSON.stringify(result.ok ? null : result.issues)).toBe(true);
    }
    const withKinds = multimodal.filter((event) => {
      const result = normalizeEvent(
        event,
        { kind: 'file', file: 'bench.jsonl', line: 1 },
        new Date('2026-01-01'),
      );
      return result.ok && result.usage.tokenKinds !== undefined;
    });
    expect(withKinds.length).toBeGreaterThan(multimodal.length * 0.9);
  });
});
