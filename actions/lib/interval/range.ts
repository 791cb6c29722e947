// Splitting a range into the 10-minute intervals it holds, or into epoch-aligned chunks.
import { UsageError } from '../errors.ts';
import { alignDown, isAligned } from './align.ts';
import { formatDuration } from './duration.ts';
import { formatInstant } from './instant.ts';
import { INTERVAL_MS, type Interval } from './types.ts';

/** `[2014-01-01T00:00:00Z, 2014-01-01T01:00:00Z)`, for messages. */
export function describeInterval(range: Interval): string {
  return `[${formatInstant(range.start)}, ${formatInstant(range.end)})`;
}

/**
 * Checks that a range is `[start, end)` with both bounds aligned to 10 minutes and `start <= end`.
 * @throws UsageError listing every problem
 */
export function assertAlignedRange(range: Interval): void {
  const problems: string[] = [];
  for (const bound of ['start', 'end'] as const) {
    if (!isAligned(range[bound])) {
      problems.push(
        `the range's ${bound} ${Number.isFinite(range[bound]) ? formatInstant(range[bound]) : range[bound]} is not aligned to 10 minutes`,
      );
    }
  }
  if (problems.length === 0 && range.end < range.start) {
    problems.push(`the range ${describeInterval(range)} ends before it starts`);
  }
  if (problems.length > 0) throw new UsageError(problems);
}

/**
 * The 10-minute intervals of an aligned range, oldest first (none for an empty range).
 *
 * @throws UsageError when the range is not aligned or ends before it starts
 * @example intervalsOf({ start: 0, end: 1_200_000 }) // [{start: 0, end: 600_000}, {start: 600_000, end: 1_200_000}]
 */
export function intervalsOf(range: Interval): Interval[] {
  assertAlignedRange(range);
  const intervals: Interval[] = [];
  for (let start = range.start; start < range.end; start += INTERVAL_MS) {
    intervals.push({ start, end: start + INTERVAL_MS });
  }
  return intervals;
}

/**
 * Checks that a chunk length is a positive multiple of 10 minutes.
 * @throws UsageError naming the length
 */
export function assertChunkLength(chunkMs: number): void {
  if (!Number.isSafeInteger(chunkMs) || chunkMs <= 0 || chunkMs % INTERVAL_MS !== 0) {
    const shown = Number.isSafeInteger(chunkMs) ? formatDuration(chunkMs) : String(chunkMs);
    throw new UsageError(`the chunk length ${shown} is not a positive multiple of 10 minutes`);
  }
}

/**
 * Splits an aligned range into chunks of `chunkMs` aligned to the epoch (a `1h` chunk starts on the
 * hour, a `1d` chunk at midnight UTC), the first and last clipped to the range. Aligning to the
 * epoch rather than to the range keeps chunk boundaries the same whatever range a run is given.
 *
 * @throws UsageError when the range is not aligned or `chunkMs` is not a positive multiple of 10 minutes
 * @example
 * // [00:30, 02:10) in 1h chunks: [00:30, 01:00), [01:00, 02:00), [02:00, 02:10)
 * chunksOf({ start: 30 * MINUTE_MS, end: 130 * MINUTE_MS }, HOUR_MS)
 */
export function chunksOf(range: Interval, chunkMs: number): Interval[] {
  assertAlignedRange(range);
  assertChunkLength(chunkMs);
  const chunks: Interval[] = [];
  if (range.start === range.end) return chunks;
  for (let window = alignDown(range.start, chunkMs); window < range.end; window += chunkMs) {
    chunks.push({
      start: Math.max(window, range.start),
      end: Math.min(window + chunkMs, range.end),
    });
  }
  return chunks;
}
