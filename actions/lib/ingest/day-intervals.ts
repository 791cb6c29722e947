import { UsageError } from '../errors.ts';
import { describeInterval } from '../interval/range.ts';
import type { Interval } from '../interval/types.ts';

/** A day, in epoch ms: the archive's interval. */
export const DAY_MS = 86_400_000;

/**
 * The UTC days of a range (an archive run's intervals, DESIGN.md), oldest first.
 *
 * @throws UsageError when a bound is not at 00:00 UTC, or the range ends before it starts
 * @example dayIntervalsOf({ start: 0, end: 2 * DAY_MS }) // [{ start: 0, end: DAY_MS }, { start: DAY_MS, end: 2 * DAY_MS }]
 */
export function dayIntervalsOf(range: Interval): Interval[] {
  const problems: string[] = [];
  for (const bound of ['start', 'end'] as const) {
    if (!Number.isSafeInteger(range[bound]) || range[bound] % DAY_MS !== 0) {
      problems.push(
        `the range's ${bound} is not at 00:00 UTC: an archive interval is a UTC day (e.g. 2024-03-01)`,
      );
    }
  }
  if (problems.length === 0 && range.end < range.start) {
    problems.push(`the range ${describeInterval(range)} ends before it starts`);
  }
  if (problems.length > 0) throw new UsageError(problems);
  const intervals: Interval[] = [];
  for (let start = range.start; start < range.end; start += DAY_MS) {
    intervals.push({ start, end: start + DAY_MS });
  }
  return intervals;
}
