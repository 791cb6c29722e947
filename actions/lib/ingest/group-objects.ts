import type { ObjectBatch } from '../toar/object-batch.ts';

/**
 * Lines per load group: large enough that repeated measurements collapse before they are written.
 * Real fetches repeat most of the previous one, so a group of about ten of them (56k records each)
 * writes each measurement about once: on 20 real fetches, 600,000 lines took the whole ingest from
 * 16.4 s to 11.2 s against 150,000, with the same peak memory.
 */
export const DEFAULT_GROUP_LINES = 600_000;
/** Objects per load group at most (the staging tables number them with a smallint). */
export const MAX_GROUP_OBJECTS = 1_000;

/** An object that was read and parsed, or could not be. */
export type Parsed<T> = { task: T } & (
  | { batch: ObjectBatch; error?: undefined }
  | { batch?: undefined; error: unknown }
);

/** A parsed object with its batch. */
export type ParsedBatch<T> = { task: T; batch: ObjectBatch };

/** What the grouping step yields: a group to load, or an object that failed before it. */
export type GroupedItem<T> =
  | { kind: 'group'; items: ParsedBatch<T>[] }
  | { kind: 'failed'; task: T; error: unknown };

/**
 * The grouping step: collects parsed objects, in the order they come (fetch order), into groups of
 * at least `groupLines` lines (the last may be smaller) or `maxObjects` objects, one transaction
 * each. An object that failed to be read or parsed passes through at once, on its own.
 *
 * @example
 * for await (const item of groupObjects(parsed, { groupLines: 150_000 })) {
 *   if (item.kind === 'group') await load(item.items);
 * }
 */
export async function* groupObjects<T>(
  parsed: AsyncIterable<Parsed<T>>,
  options: { groupLines?: number; maxObjects?: number } = {},
): AsyncGenerator<GroupedItem<T>> {
  const groupLines = options.groupLines ?? DEFAULT_GROUP_LINES;
  const maxObjects = options.maxObjects ?? MAX_GROUP_OBJECTS;
  let items: ParsedBatch<T>[] = [];
  let lines = 0;
  for await (const item of parsed) {
    if (item.batch === undefined) {
      yield { kind: 'failed', task: item.task, error: item.error };
      continue;
    }
    items.push({ task: item.task, batch: item.batch });
    lines += item.batch.lines;
    if (lines >= groupLines || items.length >= maxObjects) {
      yield { kind: 'group', items };
      items = [];
      lines = 0;
    }
  }
  if (items.length > 0) yield { kind: 'group', items };
}
