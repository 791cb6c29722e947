import { describe, expect, it } from 'vitest';
import { groupObjects, type Parsed } from '../../../actions/lib/ingest/group-objects.ts';
import { ObjectBatch } from '../../../actions/lib/toar/object-batch.ts';

/** A parsed object of `lines` rejected lines (the grouping counts lines, whatever they are). */
function parsed(task: string, lines: number): Parsed<string> {
  const batch = new ObjectBatch(task, 0, 0);
  for (let line = 1; line <= lines; line++) {
    batch.addRejection({ line, reason: 'bad-json', message: 'x', raw: 'x' });
  }
  return { task, batch };
}

async function* stream<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

async function shape(
  items: Parsed<string>[],
  options: { groupLines?: number; maxObjects?: number },
) {
  const out: string[] = [];
  for await (const item of groupObjects(stream(items), options)) {
    out.push(
      item.kind === 'group'
        ? `[${item.items.map((i) => i.task).join(' ')}]`
        : item.kind === 'large'
          ? `large ${item.task}`
          : `failed ${item.task}: ${(item.error as Error).message}`,
    );
  }
  return out;
}

describe('groupObjects', () => {
  it('closes a group once it reaches the line count, in arrival order, and yields the rest last', async () => {
    const items = [parsed('a', 4), parsed('b', 4), parsed('c', 3), parsed('d', 9), parsed('e', 1)];
    expect(await shape(items, { groupLines: 8 })).toEqual(['[a b]', '[c d]', '[e]']);
  });

  it('closes a group at the object limit too', async () => {
    const items = ['a', 'b', 'c', 'd', 'e'].map((t) => parsed(t, 1));
    expect(await shape(items, { groupLines: 100, maxObjects: 2 })).toEqual([
      '[a b]',
      '[c d]',
      '[e]',
    ]);
  });

  it('passes a failed object through at once, without closing the group being filled', async () => {
    const items: Parsed<string>[] = [
      parsed('a', 2),
      { task: 'b', error: new Error('gzip') },
      parsed('c', 2),
    ];
    expect(await shape(items, { groupLines: 4 })).toEqual(['failed b: gzip', '[a c]']);
  });

  it('yields nothing for no objects, and a group of each object with one line per group', async () => {
    expect(await shape([], {})).toEqual([]);
    expect(await shape([parsed('a', 1), parsed('b', 1)], { groupLines: 1 })).toEqual([
      '[a]',
      '[b]',
    ]);
  });
});
