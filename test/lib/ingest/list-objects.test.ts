import { describe, expect, it } from 'vitest';
import { listObjects } from '../../../actions/lib/ingest/list-objects.ts';
import type { Source, TimeSpan } from '../../../actions/lib/openaq/source.ts';

const MIN10 = 600_000;
const T = Date.parse('2018-06-07T00:00:00Z');

/** A source whose listing of the interval starting at `failAt` fails; it lists one object per interval. */
function source(failAt: number, listed: TimeSpan[]): Source {
  return {
    url: 'memory://',
    async check() {},
    async list(span) {
      listed.push(span);
      if (span.start === failAt) throw new Error('listing refused');
      return {
        objects: [{ key: `k/${span.start / 1000}.ndjson`, fetchedAt: span.start }],
        skipped: span.start === T ? ['k/README'] : [],
        misfiled: [],
      };
    },
    // biome-ignore lint/correctness/useYield: a body that fails at once
    async *read() {
      throw new Error('not read here');
    },
  };
}

describe('listObjects', () => {
  it('lists each interval in order, one listing per request, and yields a failed listing as its error', async () => {
    const listed: TimeSpan[] = [];
    const intervals = [0, 1, 2].map((i) => ({ start: T + i * MIN10, end: T + (i + 1) * MIN10 }));
    const iterator = listObjects(source(T + MIN10, listed), intervals);

    const first = await iterator.next();
    // Nothing is listed ahead of the consumer.
    expect(listed).toHaveLength(1);
    expect(first.value).toMatchObject({
      interval: intervals[0],
      objects: [{ key: `k/${T / 1000}.ndjson`, fetchedAt: T }],
      skipped: ['k/README'],
    });
    const second = await iterator.next();
    expect(second.value?.objects).toEqual([]);
    expect(second.value?.error).toEqual(new Error('listing refused'));
    const third = await iterator.next();
    expect(third.value?.objects).toHaveLength(1);
    expect(third.value?.error).toBeUndefined();
    expect((await iterator.next()).done).toBe(true);
    expect(listed).toEqual(intervals);
  });
});
