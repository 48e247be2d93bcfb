/**
 * Splits `amount` integer nano-units over `weights` in proportion, exactly: each share is the floor
 * of its quota and the units left over go one each to the largest remainders (ties to the earlier
 * entry), so the shares always add up to `amount`. A negative amount (a refund or correction) is
 * split as its absolute value and negated. Returns shares in the order of `weights`.
 */
export function largestRemainder(amount: bigint, weights: readonly bigint[]): bigint[] {
  if (weights.some((w) => w < 0n)) throw new RangeError('weights must not be negative');
  const total = weights.reduce((a, b) => a + b, 0n);
  if (total === 0n) throw new RangeError('at least one weight must be positive');
  const negative = amount < 0n;
  const abs = negative ? -amount : amount;
  const shares = weights.map((w) => (abs * w) / total);
  let left = abs - shares.reduce((a, b) => a + b, 0n);
  const order = weights
    .map((w, index) => ({ index, remainder: (abs * w) % total }))
    .sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const { index } of order) {
    if (left === 0n) break;
    shares[index] = (shares[index] ?? 0n) + 1n;
    left -= 1n;
  }
  return negative ? shares.map((s) => -s) : shares;
}
