/**
 * Counter-based randomness for the synthetic fetches.
 *
 * Every random choice is a pure function of a key (seed, station, series, slot, purpose…), never of
 * how many numbers were drawn before it. That is what lets `fetchLines` compute fetch #100 without
 * generating fetches #0–#99, and what makes two runs byte-identical whatever their order.
 */

const TWO_POW_32 = 4_294_967_296;

/** One round of MurmurHash3's body over a 32-bit word. */
function mixWord(h: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** Mixes an integer of up to 53 bits (negative too) into the state as two 32-bit words. */
function mixInteger(h: number, x: number): number {
  h = mixWord(h, x >>> 0);
  return mixWord(h, Math.floor(x / TWO_POW_32) | 0);
}

/** MurmurHash3's finaliser: every input bit affects every output bit. */
function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A 32-bit hash of up to five integers (each up to 53 bits, e.g. epoch milliseconds): the key of
 * one random decision. Fixed arity rather than rest parameters, since it runs several times per
 * generated record.
 *
 * @example
 * hashKey(42, 7, 3) === hashKey(42, 7, 3); // true, and unrelated to hashKey(42, 7, 4)
 */
export function hashKey(seed: number, a: number, b = 0, c = 0, d = 0): number {
  let h = mixInteger(0x9747b28c, seed);
  h = mixInteger(h, a);
  h = mixInteger(h, b);
  h = mixInteger(h, c);
  h = mixInteger(h, d);
  return finish(h ^ 40);
}

/** A uniform number in [0, 1) for a key (see {@link hashKey}). */
export function uniformAt(seed: number, a: number, b = 0, c = 0, d = 0): number {
  return hashKey(seed, a, b, c, d) / TWO_POW_32;
}

/** A stream of uniform numbers in [0, 1). */
export type Random = () => number;

/**
 * mulberry32: a tiny, fast generator with a 32-bit state, good enough for synthetic data.
 * Seed it with {@link hashKey} of the decision's key, draw a handful of numbers in a fixed order.
 *
 * @example
 * const random = mulberry32(hashKey(seed, station));
 * const lagMinutes = 5 + Math.floor(random() * 45);
 */
export function mulberry32(state: number): Random {
  let a = state | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / TWO_POW_32;
  };
}

/** A standard normal deviate (Box–Muller; draws two uniforms). */
export function gaussian(random: Random): number {
  // 1 - u is in (0, 1], so the logarithm is finite.
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * One element of a non-empty list, uniformly.
 *
 * @throws RangeError when the list is empty
 * @example pick(mulberry32(1), ['o3', 'pm25']) // 'o3' or 'pm25'
 */
export function pick<T>(random: Random, items: readonly T[]): T {
  if (items.length === 0) throw new RangeError('pick: the list is empty');
  // random() is in [0, 1), so the index is in [0, length) of a non-empty list.
  return items[Math.floor(random() * items.length)]!;
}

/**
 * An item of a non-empty list drawn with probability proportional to its weight (one draw).
 *
 * @throws RangeError when the list is empty
 * @example pickWeighted(mulberry32(1), SOURCES, (s) => s.weight)
 */
export function pickWeighted<T>(
  random: Random,
  items: readonly T[],
  weightOf: (item: T) => number,
): T {
  let total = 0;
  for (const item of items) total += weightOf(item);
  let r = random() * total;
  let last: T | undefined;
  for (const item of items) {
    r -= weightOf(item);
    if (r < 0) return item;
    last = item;
  }
  // Rounding can leave r at 0 after the last weight: the last item takes it.
  if (last === undefined) throw new RangeError('pickWeighted: the list is empty');
  return last;
}

/** Fisher–Yates: the numbers 0 … n-1 in a random order. */
export function permutation(random: Random, n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    // 0 <= j <= i < n: both are indices of order.
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}
