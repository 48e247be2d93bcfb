import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { createLookupQueue, type QueuedKey } from '../../../shared/identity/lookupQueue.js';

/** A `send` whose calls the test answers by hand, recording every batch it was given. */
function manualSend() {
  const calls: { keys: string[]; queuedAt: number[]; answer: () => void; fail: (e: Error) => void }[] = [];
  const send = (batch: readonly QueuedKey<string>[]) =>
    new Promise<ReadonlyMap<string, string>>((resolve, reject) => {
      const keys = batch.map((queued) => queued.key);
      calls.push({
        keys,
        queuedAt: batch.map((queued) => queued.queuedAt),
        answer: () => {
          resolve(new Map(keys.map((key) => [key, `answer ${key}`])));
        },
        fail: reject,
      });
    });
  return { calls, send };
}

const keys = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

/** Flushes microtasks (and 0 ms timers) without letting the linger run out. */
const settle = () => vi.advanceTimersByTimeAsync(0);

/** Tracks whether a promise has settled, without awaiting it. */
function watch<T>(promise: Promise<T>) {
  const state: { done: boolean; value?: T } = { done: false };
  void promise.then((value) => {
    state.done = true;
    state.value = value;
  });
  return state;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('lookup queue', () => {
  it('sends a full batch at once and a partial one only after the linger', async () => {
    const { calls, send } = manualSend();
    const queue = createLookupQueue({ batchSize: 20, lingerMs: 20, maxInFlight: 4, send });
    const result = watch(queue.lookup(keys('a', 25)));
    await settle();
    expect(calls.map((c) => c.keys.length)).toEqual([20]);

    await vi.advanceTimersByTimeAsync(19);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.map((c) => c.keys.length)).toEqual([20, 5]);

    calls[0]?.answer();
    await settle();
    expect(result.done).toBe(false); // five of its keys are still unanswered
    calls[1]?.answer();
    await settle();
    expect(result.done).toBe(true);
    expect(result.value?.size).toBe(25);
    expect(result.value?.get('a24')).toBe('answer a24');
  });

  it('fills batches across concurrent callers: 15 + 15 + 10 keys are two full sends, no linger', async () => {
    const { calls, send } = manualSend();
    const queue = createLookupQueue({ batchSize: 20, lingerMs: 20, maxInFlight: 4, send });
    const a = watch(queue.lookup(keys('a', 15)));
    const b = watch(queue.lookup(keys('b', 15)));
    const c = watch(queue.lookup(keys('c', 10)));
    await settle();
    expect(calls.map((call) => call.keys)).toEqual([
      [...keys('a', 15), ...keys('b', 5)],
      [...keys('b', 15).slice(5), ...keys('c', 10)],
    ]);

    calls[0]?.answer();
    await settle();
    expect([a.done, b.done, c.done]).toEqual([true, false, false]);
    expect([...(a.value?.keys() ?? [])]).toEqual(keys('a', 15));
    calls[1]?.answer();
    await settle();
    expect([b.value?.size, c.value?.size]).toEqual([15, 10]);
    await vi.runAllTimersAsync();
    expect(calls).toHaveLength(2);
  });

  it('asks for a key once while it is queued or in flight, and reports when it was first asked', async () => {
    const { calls, send } = manualSend();
    const queue = createLookupQueue({ batchSize: 20, lingerMs: 20, maxInFlight: 4, send });
    const start = Date.now();
    const first = queue.lookup(['x', 'y', 'x']);
    await vi.advanceTimersByTimeAsync(5);
    const second = queue.lookup(['y', 'z']); // a new key: the linger restarts
    await vi.advanceTimersByTimeAsync(19);
    expect(calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.map((c) => c.keys)).toEqual([['x', 'y', 'z']]);
    expect(calls[0]?.queuedAt).toEqual([start, start, start + 5]);

    const third = queue.lookup(['x']); // in flight: joins it
    await vi.advanceTimersByTimeAsync(20);
    expect(calls).toHaveLength(1);
    calls[0]?.answer();
    expect([...(await first)]).toEqual([
      ['x', 'answer x'],
      ['y', 'answer y'],
    ]);
    expect((await second).get('z')).toBe('answer z');
    expect((await third).get('x')).toBe('answer x');

    void queue.lookup(['x']); // answered: asked again
    await vi.advanceTimersByTimeAsync(20);
    expect(calls).toHaveLength(2);
  });

  it('keeps at most maxInFlight sends; queued keys keep filling batches until a slot frees', async () => {
    const { calls, send } = manualSend();
    const queue = createLookupQueue({ batchSize: 20, lingerMs: 20, maxInFlight: 1, send });
    const a = queue.lookup(keys('a', 25));
    await vi.advanceTimersByTimeAsync(100);
    expect(calls.map((c) => c.keys.length)).toEqual([20]);

    const b = queue.lookup(keys('b', 10));
    calls[0]?.answer();
    await settle();
    // The lingered remainder of `a` went out with `b`'s keys as one batch.
    expect(calls.map((c) => c.keys.length)).toEqual([20, 15]);
    calls[1]?.answer();
    expect((await a).size).toBe(25);
    expect((await b).size).toBe(10);
  });

  it('waits while keys keep arriving, up to maxLingerMs; keys already queued do not extend it', async () => {
    const { calls, send } = manualSend();
    const queue = createLookupQueue({ batchSize: 20, lingerMs: 20, maxLingerMs: 50, maxInFlight: 4, send });
    void queue.lookup(['a']);
    await vi.advanceTimersByTimeAsync(15);
    void queue.lookup(['a']); // nothing new: no extension
    await vi.advanceTimersByTimeAsync(5);
    expect(calls.map((c) => c.keys)).toEqual([['a']]);

    for (const [i, key] of ['b', 'c', 'd', 'e'].entries()) {
      void queue.lookup([key]);
      await vi.advanceTimersByTimeAsync(i === 0 ? 0 : 15); // each arrives before the linger runs out
    }
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(5); // 50 ms after `b`: the cap, though `e` came 5 ms ago
    expect(calls.map((c) => c.keys)).toEqual([['a'], ['b', 'c', 'd', 'e']]);
  });

  it('makes no send for an empty lookup', async () => {
    const { calls, send } = manualSend();
    const queue = createLookupQueue({ batchSize: 20, lingerMs: 20, maxInFlight: 4, send });
    expect((await queue.lookup([])).size).toBe(0);
    await vi.runAllTimersAsync();
    expect(calls).toHaveLength(0);
  });

  it('leaves out keys the answer lacks', async () => {
    const queue = createLookupQueue<string, string>({
      batchSize: 20,
      lingerMs: 20,
      maxInFlight: 4,
      send: () => Promise.resolve(new Map([['a', 'A']])),
    });
    const result = queue.lookup(['a', 'b']);
    await vi.advanceTimersByTimeAsync(20);
    expect([...(await result)]).toEqual([['a', 'A']]);
  });

  it('rejects the callers of a failed send and goes on serving others', async () => {
    const { calls, send } = manualSend();
    const queue = createLookupQueue({ batchSize: 2, lingerMs: 20, maxInFlight: 1, send });
    const failing = queue.lookup(['a', 'b']);
    const rejected = expect(failing).rejects.toThrow('boom');
    const later = queue.lookup(['c', 'd']);
    await settle();
    calls[0]?.fail(new Error('boom'));
    await rejected;
    await settle();
    expect(calls[1]?.keys).toEqual(['c', 'd']);
    calls[1]?.answer();
    expect((await later).size).toBe(2);
  });
});
