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
/**
 * Memory per load group (see {@link ObjectBatch.estimatedBytes}): a group loads while the next one
 * forms, so about twice this is held. 64 MiB keeps about six real fetches together (their rejected
 * lines weigh most): on 20 real fetches, 109k records/s and a 0.67 GB peak, against 90k/s and
 * 0.55 GB with 32 MiB, and 113k/s with 128 MiB.
 */
export const DEFAULT_GROUP_BYTES = 64 * 1024 * 1024;

/**
 * An object that was read and parsed (its batch), or is being parsed in pieces because it is too
 * large to be held whole (its pieces, to be taken one at a time as they are loaded), or could not be.
 */
export type Parsed<T> = { task: T } & (
  | { batch: ObjectBatch; pieces?: undefined; error?: undefined }
  | { batch?: undefined; pieces: AsyncIterable<ObjectBatch>; error?: undefined }
  | { batch?: undefined; pieces?: undefined; error: unknown }
);

/** A parsed object with its batch. */
export type ParsedBatch<T> = { task: T; batch: ObjectBatch };

/**
 * What the grouping step yields: a group to load, a large object to load alone piece by piece, or
 * an object that failed before it.
 */
export type GroupedItem<T> =
  | { kind: 'group'; items: ParsedBatch<T>[] }
  | { kind: 'large'; task: T; pieces: AsyncIterable<ObjectBatch> }
  | { kind: 'failed'; task: T; error: unknown };

/**
 * The grouping step: collects parsed objects, in the order they come (fetch order), into groups of
 * at least `groupLines` lines or `groupBytes` of memory (the last may be smaller) or `maxObjects`
 * objects, one transaction each. An object that failed to be read or parsed passes through at
 * once, on its own; so does an object parsed in pieces, after the group before it.
 *
 * @example
 * for await (const item of groupObjects(parsed, { groupLines: 150_000 })) {
 *   if (item.kind === 'group') await load(item.items);
 * }
 */
export async function* groupObjects<T>(
  parsed: AsyncIterable<Parsed<T>>,
  options: {
    groupLines?: number | undefined;
    groupBytes?: number;
    maxObjects?: number;
    /** Called with each object as it joins the group being formed (`first`: it opens a group). */
    onJoin?: (item: ParsedBatch<T>, first: boolean) => void;
  } = {},
): AsyncGenerator<GroupedItem<T>> {
  const groupLines = options.groupLines ?? DEFAULT_GROUP_LINES;
  const groupBytes = options.groupBytes ?? DEFAULT_GROUP_BYTES;
  const maxObjects = options.maxObjects ?? MAX_GROUP_OBJECTS;
  let items: ParsedBatch<T>[] = [];
  let lines = 0;
  let bytes = 0;
  for await (const item of parsed) {
    if (item.pieces !== undefined) {
      // Loaded alone, in order: the group before it goes first.
      if (items.length > 0) yield { kind: 'group', items };
      items = [];
      lines = 0;
      bytes = 0;
      yield { kind: 'large', task: item.task, pieces: item.pieces };
      continue;
    }
    if (item.batch === undefined) {
      yield { kind: 'failed', task: item.task, error: item.error };
      continue;
    }
    const joined = { task: item.task, batch: item.batch };
    items.push(joined);
    options.onJoin?.(joined, items.length === 1);
    lines += item.batch.lines;
    bytes += item.batch.estimatedBytes();
    if (lines >= groupLines || bytes >= groupBytes || items.length >= maxObjects) {
      yield { kind: 'group', items };
      items = [];
      lines = 0;
      bytes = 0;
    }
  }
  if (items.length > 0) yield { kind: 'group', items };
}
