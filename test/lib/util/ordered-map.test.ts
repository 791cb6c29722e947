import { describe, expect, it } from 'vitest';
import { orderedMap } from '../../../actions/lib/util/ordered-map.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('orderedMap', () => {
  it('yields results in input order even when later items finish first', async () => {
    const delays = [30, 1, 15, 0, 5];
    const results = await collect(
      orderedMap(delays, 3, async (ms) => {
        await sleep(ms);
        return ms * 2;
      }),
    );
    expect(results).toEqual([60, 2, 30, 0, 10]);
  });

  it('never has more than `limit` calls in flight, and runs them in parallel up to it', async () => {
    let inFlight = 0;
    let most = 0;
    await collect(
      orderedMap(
        Array.from({ length: 12 }, (_, i) => i),
        4,
        async (i) => {
          inFlight++;
          most = Math.max(most, inFlight);
          await sleep(2 + (i % 3));
          inFlight--;
          return i;
        },
      ),
    );
    expect(most).toBe(4);
  });

  it('reads no further ahead of a slow consumer than `limit` items', async () => {
    const started: number[] = [];
    const iterator = orderedMap(
      Array.from({ length: 10 }, (_, i) => i),
      2,
      async (i) => {
        started.push(i);
        return i;
      },
    );
    expect((await iterator.next()).value).toBe(0);
    await sleep(5);
    expect(started).toEqual([0, 1]);
    await iterator.return(undefined);
  });

  it('takes async iterables and yields nothing for nothing', async () => {
    async function* source() {
      yield 'a';
      await sleep(1);
      yield 'b';
    }
    expect(await collect(orderedMap(source(), 1, async (s) => s.toUpperCase()))).toEqual([
      'A',
      'B',
    ]);
    expect(await collect(orderedMap([], 3, async (x: number) => x))).toEqual([]);
  });

  it('rethrows the first failure in order', async () => {
    const results: number[] = [];
    const run = async () => {
      for await (const r of orderedMap([1, 2, 3], 3, async (i) => {
        if (i === 2) throw new Error('two');
        return i;
      })) {
        results.push(r);
      }
    };
    await expect(run()).rejects.toThrow('two');
    expect(results).toEqual([1]);
  });
});
