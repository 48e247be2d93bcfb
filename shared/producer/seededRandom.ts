/**
 * Small, fast, well-mixed 32-bit PRNG (mulberry32): reproducible across Node versions unlike
 * Math.random, so sample data, benchmarks and fault schedules can be replayed from their seed.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Lower-case hex digits drawn from the seeded generator (never from crypto). */
export function seededHex(random: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += Math.floor(random() * 16).toString(16);
  return out;
}

/** A lower-case, version-4-shaped GUID drawn from the seeded generator. */
export function seededGuid(random: () => number): string {
  const h = seededHex(random, 32).split('');
  h[12] = '4';
  h[16] = '89ab'[Math.floor(random() * 4)] ?? '8';
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
