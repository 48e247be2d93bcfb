import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { normalizeEvent, type NormalizeResult } from '../../../shared/events/normalize.js';
import type { EventSource } from '../../../shared/events/types.js';
import { buildDeadLetter } from '../../../shared/pipeline/deadLetter.js';
import { decodeSpill, encodeSpill } from '../../../shared/spill/spillFormat.js';
import { body, deep, NOW, source, v2, valid } from '../fuzz/arbitraries.js';

const SEED = 0x5911_2026;

/** What an event becomes, as stored (JSON: -0 is 0): its record (the whole usage) or its dead letter's id. */
function outcome(result: NormalizeResult, src: EventSource): unknown {
  const kept = result.ok ? { record: result.usage } : { deadLetter: buildDeadLetter(result, src, NOW).id };
  return JSON.parse(JSON.stringify(kept)) as unknown;
}

function replayed(bodies: unknown[], sources: EventSource[]): unknown[] {
  const text = encodeSpill(bodies, sources, 'store down', NOW);
  const batch = decodeSpill(text);
  return batch.bodies.map((b, i) =>
    outcome(
      normalizeEvent(b, batch.sources[i] ?? { kind: 'eventhub' }, NOW),
      sources[i] ?? { kind: 'eventhub' },
    ),
  );
}

const direct = (bodies: unknown[], sources: EventSource[]) =>
  bodies.map((b, i) =>
    outcome(normalizeEvent(b, sources[i] ?? { kind: 'eventhub' }, NOW), sources[i] ?? { kind: 'eventhub' }),
  );

describe('a spill replays to exactly what the first delivery would have written', () => {
  it('for every fuzz body (valid, mutated, nested, polluted, broken, bytes): the same record or dead-letter id', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(body, source), { minLength: 1, maxLength: 5 }), (pairs) => {
        const bodies = pairs.map(([b]) => b);
        const sources = pairs.map(([, s]) => s);
        expect(replayed(bodies, sources)).toEqual(direct(bodies, sources));
      }),
      { seed: SEED, numRuns: 1_000 },
    );
  });

  it('for valid events carrying fields the pipeline does not read, with and without a request id', () => {
    fc.assert(
      fc.property(valid, source, fc.boolean(), fc.string(), (event, src, keyed, secret) => {
        const planted: Record<string, unknown> = {
          ...(event as Record<string, unknown>),
          messages: [{ role: 'user', content: secret }],
          'api-key': secret,
        };
        if (!keyed) {
          delete planted.requestId;
          delete planted['message-id'];
        }
        expect(replayed([planted], [src])).toEqual(direct([planted], [src]));
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('reads a format-1 spill (whole bodies) as it always did', () => {
    const events = fc.sample(valid, { seed: SEED, numRuns: 3 });
    const bodies: unknown[] = [
      events[0],
      JSON.stringify(events[1]),
      Buffer.from(JSON.stringify(events[2])),
      '{oops',
    ];
    const sources: EventSource[] = bodies.map((_, i) => ({
      kind: 'eventhub',
      partitionId: '0',
      sequenceNumber: i,
    }));
    const v1 = JSON.stringify({
      format: 'chargeback-spill/1',
      savedAt: NOW.toISOString(),
      reason: 'store down',
      bodies: bodies.map((b) => (Buffer.isBuffer(b) ? { base64: b.toString('base64') } : { value: b })),
      sources,
    });
    const batch = decodeSpill(v1);
    const outcomes = batch.bodies.map((b, i) =>
      outcome(
        normalizeEvent(b, batch.sources[i] ?? { kind: 'eventhub' }, NOW),
        sources[i] ?? { kind: 'eventhub' },
      ),
    );
    expect(outcomes).toEqual(direct(bodies, sources));
  });
});

describe('a replayed dead letter is the one the first delivery would have written, whole', () => {
  const letters = (bodies: unknown[], sources: EventSource[], spilled: boolean) => {
    const batch = spilled
      ? decodeSpill(encodeSpill(bodies, sources, 'store down', NOW))
      : { bodies, sources };
    return batch.bodies.map((b, i) => {
      const src = sources[i] ?? { kind: 'eventhub' as const };
      const result = normalizeEvent(b, src, NOW);
      return result.ok ? undefined : buildDeadLetter(result, src, NOW);
    });
  };

  it('for the usual refusals: bad app id, negative tokens, bad time, unparseable, too deep, with extra fields', () => {
    const [event] = fc.sample(v2, { seed: SEED, numRuns: 1 }) as Record<string, unknown>[];
    const usage = { prompt_tokens: 3, completion_tokens: -1, completion_tokens_details: { audio_tokens: 0 } };
    const bodies: unknown[] = [
      { ...event, appId: 'not-a-guid', extra: { note: 'text', list: [1, 2] } },
      JSON.stringify({ ...event, usage }),
      Buffer.from(JSON.stringify({ ...event, eventTime: '31/12/2025 10:00:00' })),
      '{"schema":"aoai-usage/2", oops',
      { ...event, extra: deep(50) },
    ];
    const sources = bodies.map((_, i): EventSource => ({
      kind: 'eventhub',
      partitionId: '4',
      sequenceNumber: i,
    }));
    const direct = letters(bodies, sources, false);
    expect(direct.every((d) => d !== undefined)).toBe(true);
    expect(letters(bodies, sources, true)).toEqual(direct);
  });
});

describe('a spill is bounded whatever the bodies', () => {
  it('refuses a body that throws when read, and keeps the rest of its batch', () => {
    const [event] = fc.sample(v2, { seed: SEED, numRuns: 1 });
    const hostile = Object.defineProperty({ schema: 'aoai-usage/2' }, 'usage', {
      enumerable: true,
      get() {
        throw new Error('PLANTED-getter');
      },
    });
    const bodies = [event, hostile, JSON.stringify(event)];
    const sources: EventSource[] = bodies.map((_, i) => ({
      kind: 'eventhub',
      partitionId: '5',
      sequenceNumber: i,
    }));
    const text = encodeSpill(bodies, sources, 'store down', NOW);
    expect(text).not.toContain('PLANTED');
    expect(replayed(bodies, sources)).toEqual(direct(bodies, sources));
    expect(direct(bodies, sources).map((o) => Object.keys(o as object)[0])).toEqual([
      'record',
      'deadLetter',
      'record',
    ]);
  });

  const deepArray = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
  const deepObject = (n: number) => deep(n);

  it('spills a batch holding bodies 20,000 levels deep (object, JSON text, bytes) beside valid ones', () => {
    const events = fc.sample(valid, { seed: SEED, numRuns: 3 });
    const bodies: unknown[] = [
      events[0],
      deepObject(20_000),
      events[1],
      `{"a":${deepArray(20_000)}}`,
      Buffer.from(`{"usage":${deepArray(20_000)}}`),
      events[2],
    ];
    const sources: EventSource[] = bodies.map((_, i) => ({
      kind: 'eventhub',
      partitionId: '3',
      sequenceNumber: i,
    }));
    const text = encodeSpill(bodies, sources, 'store down', NOW);
    expect(text.length).toBeLessThan(20_000);
    const outcomes = replayed(bodies, sources);
    expect(outcomes).toEqual(direct(bodies, sources));
    expect(outcomes.map((o) => Object.keys(o as object)[0])).toEqual([
      'record',
      'deadLetter',
      'record',
      'deadLetter',
      'deadLetter',
      'record',
    ]);
  });
});
