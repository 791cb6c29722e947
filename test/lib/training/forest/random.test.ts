import { describe, expect, it } from 'vitest';
import { createRandom, deriveSeed } from '../../../../actions/lib/training/forest/random.ts';

describe('createRandom', () => {
  it('repeats its stream for the same seed and differs for another', () => {
    const draw = (seed: number) => {
      const random = createRandom(seed);
      return Array.from({ length: 5 }, () => random.nextUint32());
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
  });

  it('draws integers below the bound, about uniformly', () => {
    const random = createRandom(3);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) {
      const k = random.nextInt(10);
      expect(Number.isInteger(k) && k >= 0 && k < 10).toBe(true);
      counts[k]!++; // 0 ≤ k < 10 (asserted above)
    }
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });

  it('derives distinct seeds per stream and per seed, including seeds beyond 32 bits', () => {
    const seeds = new Set<number>();
    for (const seed of [0, 1, 2 ** 32, 2 ** 40 + 1]) {
      for (let stream = 0; stream < 50; stream++) seeds.add(deriveSeed(seed, stream));
    }
    expect(seeds.size).toBe(200);
  });
});
