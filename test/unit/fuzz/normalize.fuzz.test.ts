import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

import { normalizeEvent } from '../../../shared/events/normalize.js';
import { processBatch } from '../../../shared/pipeline/processBatch.js';
import { body, deep, NOW, source, v2, valid } from './arbitraries.js';
import { fakePorts } from './fakePorts.js';

// Fixed so a failure replays exactly; fast-check also prints the seed and path of any counterexample.
const SEED = 0x5eed_2025;
console.log(`fuzz seed: ${SEED}`);
const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
let eventsTried = 0;

afterAll(() => {
  console.log(`fuzz: ${eventsTried} generated events`);
  expect(eventsTried).toBeGreaterThanOrEqual(10_000);
});

function expectNoPollution(): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
  expect(typeof Object.prototype.toString).toBe('function');
}

describe('normalizeEvent under fuzzing', () => {
  it('valid v1 and v2 events always normalize', () => {
    fc.assert(
      fc.property(valid, source, (event, src) => {
        eventsTried++;
        const result = normalizeEvent(event, src, NOW);
        if (!result.ok) throw new Error(`rejected a valid event: ${JSON.stringify(result.issues)}`);
        expect(result.usage.cachedTokens).toBeLessThanOrEqual(result.usage.promptTokens);
      }),
      { seed: SEED, numRuns: 2_000 },
    );
  });

  it('any body yields exactly one outcome: a usage with sane numbers, or issues and a raw string', () => {
    fc.assert(
      fc.property(body, source, (input, src) => {
        eventsTried++;
        const result = normalizeEvent(input, src, NOW);
        if (result.ok) {
          const u = result.usage;
          for (const n of [
            u.promptTokens,
            u.cachedTokens,
            u.completionTokens,
            u.reasoningTokens,
            u.totalTokens,
          ]) {
            expect(Number.isSafeInteger(n) && n >= 0).toBe(true);
          }
          expect(u.id).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
          expect(u.appId).toMatch(/^[0-9a-f-]{36}$/);
          expect(Number.isNaN(Date.parse(u.eventTime))).toBe(false);
        } else {
          expect(result.issues.length).toBeGreaterThan(0);
          expect(typeof result.raw).toBe('string');
        }
      }),
      { seed: SEED, numRuns: 7_000 },
    );
    expectNoPollution();
  });
});

describe('found by fuzzing', () => {
  it('a valid event with a deeply nested extra field is dead-lettered the same way at any stack depth', () => {
    const event = { ...fc.sample(v2, { seed: SEED, numRuns: 1 })[0], extra: deep(3_000) };
    const shallow = normalizeEvent(event, { kind: 'file' }, NOW);
    const nested = (depth: number): ReturnType<typeof normalizeEvent> =>
      depth === 0 ? normalizeEvent(event, { kind: 'file' }, NOW) : nested(depth - 1);
    expect(shallow.ok).toBe(false);
    expect(nested(2_000)).toEqual(shallow);
  });
});

describe('processBatch under fuzzing (in-memory ports)', () => {
  it('every input of a batch gets exactly one outcome, and the counts add up to the batch size', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(body, source), { minLength: 1, maxLength: 40 }), async (batch) => {
        eventsTried += batch.length;
        const ports = fakePorts();
        const bodies = batch.map(([b]) => b);
        const sources = batch.map(([, s]) => s);
        const summary = await processBatch(bodies, sources, ports);

        expect(summary.outcomes).toHaveLength(bodies.length);
        expect(summary.outcomes.every((o) => typeof o === 'object')).toBe(true);
        expect(summary.recorded + summary.pending + summary.duplicates + summary.deadLettered).toBe(
          summary.received,
        );
        expect(summary.received).toBe(bodies.length);
        // What was stored is what the outcomes say, once each, and the ledger saw all of it.
        const written = summary.outcomes.filter((o) => o.outcome === 'recorded' || o.outcome === 'pending');
        expect(new Set(written.map((o) => o.id)).size).toBe(written.length);
        expect(ports.records.size).toBe(written.length);
        const dead = new Set(summary.outcomes.filter((o) => o.outcome === 'deadLettered').map((o) => o.id));
        expect(ports.deadLetters.size).toBe(dead.size);
        const ledgered = new Set(ports.ledger.flatMap((d) => [...d.recordIds, ...d.deadLetterIds]));
        expect(ledgered).toEqual(new Set([...ports.records.keys(), ...ports.deadLetters.keys()]));
        for (const record of ports.records.values()) {
          expect(
            record.costStatus === 'priced' ? Number.isSafeInteger(record.costNanos) : record.cost === null,
          ).toBe(true);
          if (record.costStatus === 'unpriced') expect(record.priceSetId).toBeNull();
          else expect(ports.priceSets.get(record.priceSetId ?? '')?.currency).toBe(record.currency);
        }
        for (const dl of ports.deadLetters.values())
          expect(Buffer.byteLength(dl.raw)).toBeLessThanOrEqual(16 * 1024);
      }),
      { seed: SEED, numRuns: 400 },
    );
    expectNoPollution();
  });
});
