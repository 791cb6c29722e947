import type { Interval } from '../interval/types.ts';
import type { Source, SourceObject } from '../openaq/source.ts';

/** What listing one interval found (or why it could not). */
export interface ListedInterval {
  interval: Interval;
  objects: SourceObject[];
  /** Names in the listed folders that are not fetch objects. */
  skipped: string[];
  /** Fetch objects filed under another date than their fetch time's (never ingested). */
  misfiled: string[];
  /** Archive objects whose ETag is the one they were loaded from: not read (see `unchangedObjects`). */
  unchanged?: SourceObject[];
  /** Why the listing failed (then `objects` is empty). */
  error?: unknown;
  listMs: number;
}

/**
 * The first step of the pipeline: lists each interval's objects, in interval order, one listing at
 * a time (the next is listed only when the consumer asks, so listing follows loading). A listing
 * that fails yields its error instead of objects: the interval is then recorded as failed.
 *
 * @example
 * for await (const listed of listObjects(source, intervalsOf(range))) console.log(listed.objects);
 */
export async function* listObjects(
  source: Source,
  intervals: Iterable<Interval>,
): AsyncGenerator<ListedInterval> {
  for (const interval of intervals) {
    const started = performance.now();
    try {
      const listing = await source.list(interval);
      yield {
        interval,
        objects: listing.objects,
        skipped: listing.skipped,
        misfiled: listing.misfiled,
        listMs: Math.round(performance.now() - started),
      };
    } catch (error) {
      yield {
        interval,
        objects: [],
        skipped: [],
        misfiled: [],
        error,
        listMs: Math.round(performance.now() - started),
      };
    }
  }
}
