// The calendar months (UTC) that objects' rows fall in: the month partitions of toar.data a load
// writes to (migration 007). Pure.
import type { ObjectBatch } from './object-batch.ts';

const DAY_MS = 86_400_000;

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
 * The UTC months of the batches' rows, as their first instants (epoch ms), each once, in order.
 * One pass finds the earliest and latest row: when they are in the same month or in adjacent ones
 * (a fetch repeats about a day; an archive object is a day), those are the months. Otherwise a
 * second pass collects the rows' days, so that a stray row of long ago adds its own month and not
 * every month between.
 *
 * @example dataMonths([batchOf20140131And20140201]) // [Date.parse('2014-01-01Z'), Date.parse('2014-02-01Z')]
 */
export function dataMonths(batches: readonly ObjectBatch[]): number[] {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const batch of batches) {
    const time = batch.columns.time;
    for (let row = 0; row < batch.rows; row++) {
      const t = time[row] ?? 0;
      if (t < min) min = t;
      if (t > max) max = t;
    }
  }
  if (min > max) return [];
  const first = monthStart(min);
  const last = monthStart(max);
  if (first === last) return [first];
  if (nextMonth(first) === last) return [first, last];
  const days = new Set<number>();
  for (const batch of batches) {
    const time = batch.columns.time;
    for (let row = 0; row < batch.rows; row++) days.add(Math.floor((time[row] ?? 0) / DAY_MS));
  }
  const months = new Set<number>();
  for (const day of days) months.add(monthStart(day * DAY_MS));
  return [...months].sort((a, b) => a - b);
}
