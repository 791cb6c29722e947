/**
 * A small seeded pseudo-random generator (xoshiro128**, seeded through splitmix32), so that a
 * forest trained twice with the same seed is the same forest bit for bit, on any JavaScript engine.
 * `Math.random` cannot be seeded, hence this.
 */

/** A stream of pseudo-random numbers. */
export interface Random {
  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number;
  /** A uniformly distributed integer in `[0, bound)`, for `1 <= bound <= 2^32`. */
  nextInt(bound: number): number;
}

/** splitmix32: spreads a seed over all 32 bits so that nearby seeds give unrelated streams. */
function splitmix32(state: number): number {
  let z = (state + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * Derives a 32-bit seed from a seed and a stream number (e.g. a tree's index), so that each tree
 * draws from its own stream whatever the other trees consumed.
 *
 * @example
 * const random = createRandom(deriveSeed(seed, treeIndex));
 */
export function deriveSeed(seed: number, stream: number): number {
  // Mix both 32-bit halves of a safe integer seed, then the stream number.
  const low = seed >>> 0;
  const high = Math.floor(seed / 0x1_0000_0000) >>> 0;
  return splitmix32(splitmix32(splitmix32(low) ^ high) ^ stream);
}

/**
 * Creates a xoshiro128** generator from a 32-bit seed.
 *
 * @example
 * const random = createRandom(42);
 * const index = random.nextInt(nRows);
 */
export function createRandom(seed: number): Random {
  let s0 = splitmix32(seed);
  let s1 = splitmix32(s0);
  let s2 = splitmix32(s1);
  let s3 = splitmix32(s2);
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1; // the all-zero state is a fixed point
  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
  return {
    nextUint32,
    // Multiply-shift (Lemire) without the rejection step: the bias is below bound / 2^32, far
    // below anything a forest can notice for the bounds used here (rows and features).
    nextInt: (bound) => Math.floor((nextUint32() * bound) / 0x1_0000_0000),
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
