// When objects' rows are: their earliest and latest instants, and the calendar months (UTC) they
// fall in, which are the month partitions of toar.data a load writes to (migration 007). Pure.
import type { ObjectBatch } from './object-batch.ts';

const DAY_MS = 86_400_000;

/** The instants of rows (epoch ms): the earliest, the latest, and the months between that have rows. */
export interface DataSpan {
  readonly first: number;
  readonly last: number;
  /** The UTC months of the rows, as their first instants (epoch ms), each once, in order. */
  readonly months: readonly number[];
}

/**
 * The first instant (epoch ms) of the UTC month of `time`. Years below 100 are kept as they are
 * (`Date.UTC` would read year 1 as 1901).
 *
 * @example monthStart(Date.parse('2014-01-31T23:59:59Z')) === Date.parse('2014-01-01T00:00:00Z')
 */
export function monthStart(time: number): number {
  const date = new Date(time);
  const start = new Date(0);
  start.setUTCFullYear(date.getUTCFullYear(), date.getUTCMonth(), 1);
  return start.getTime();
}

/** The first instant (epoch ms) of the UTC month after the one that starts at `start`. */
function nextMonth(start: number): number {
  const date = new Date(start);
  date.setUTCMonth(date.getUTCMonth() + 1);
  return date.getTime();
}

/**
 * The span of the batches' rows, or undefined when they have none. One pass finds the earliest and
 * latest row: when they are in the same month or in adjacent ones (a fetch repeats about a day; an
 * archive object is a day), those are the months. Otherwise a second pass collects the rows' days,
 * so that a stray row of long ago adds its own month and not every month between.
 *
 * @example dataSpan([batchOf20140131And20140201])?.months // [Date.parse('2014-01-01Z'), Date.parse('2014-02-01Z')]
 */
export function dataSpan(batches: readonly ObjectBatch[]): DataSpan | undefined {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const batch of batches) {
    const time = batch.columns.time;
    for (let row = 0; row < batch.rows; row++) {
      const t = time[row] ?? 0;
      if (t < first) first = t;
      if (t > last) last = t;
    }
  }
  if (first > last) return undefined;
  const firstMonth = monthStart(first);
  const lastMonth = monthStart(last);
  if (firstMonth === lastMonth) return { first, last, months: [firstMonth] };
  if (nextMonth(firstMonth) === lastMonth) return { first, last, months: [firstMonth, lastMonth] };
  const days = new Set<number>();
  for (const batch of batches) {
    const time = batch.columns.time;
    for (let row = 0; row < batch.rows; row++) days.add(Math.floor((time[row] ?? 0) / DAY_MS));
  }
  const months = new Set<number>();
  for (const day of days) months.add(monthStart(day * DAY_MS));
  return { first, last, months: [...months].sort((a, b) => a - b) };
}

/** The span of both (of the pieces of one object, say), or the one that is defined. */
export function joinSpans(a: DataSpan | undefined, b: DataSpan | undefined): DataSpan | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return {
    first: Math.min(a.first, b.first),
    last: Math.max(a.last, b.last),
    months: [...new Set([...a.months, ...b.months])].sort((x, y) => x - y),
  };
}
