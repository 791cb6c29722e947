import { UsageError } from '../errors.ts';
import { stateOf, summarizeAttempts } from '../interval/attempts.ts';
import { formatInstant } from '../interval/instant.ts';
import type { PlannerOptions } from '../interval/planner.ts';
import type { Interval, IntervalAttempt } from '../interval/types.ts';
import { DAY_MS } from './day-intervals.ts';

/** OpenAQ writes a location-day about 72 hours after its local end (DESIGN.md). */
export const ARCHIVE_SETTLE_MS = 72 * 3_600_000;
/** Days a scheduled run reads again, for objects OpenAQ re-exported (unchanged ETags cost a listing). */
export const DEFAULT_REREAD_MS = 14 * DAY_MS;

/**
 * What the archive planner is asked (see {@link planArchiveDays}): the real-time planner's options,
 * in whole days (`since`, `until` at 00:00 UTC; `chunkMs` a number of days; a day is planned once
 * it ended `settleMs` ago, {@link ARCHIVE_SETTLE_MS} by default), and the re-read window.
 */
export interface ArchivePlanOptions extends PlannerOptions {
  /** A scheduled run also plans the days of this window before its last day (default 14 days). */
  rereadMs?: number;
}

/**
 * The archive's plan (DESIGN.md, issue 11): days instead of 10-minute intervals. Candidates are the
 * days from `since` that ended at least `settleMs` ago (a backfill: the days of `[since, until)`
 * that ended). Due: a day without success (or, by `reprocess`, whose latest attempt failed, or that
 * ran under older rules, or every day); a scheduled run adds every day of the last `rereadMs` of
 * candidates, whatever their state, since OpenAQ may rewrite them (their unchanged objects are
 * skipped by ETag). A day being ingested now is not planned again but with `all`. Due days are
 * grouped into epoch-aligned chunks of `chunkMs`, oldest first, at most `maxChunks`.
 *
 * @throws UsageError when a bound is not at 00:00 UTC or the chunk is not whole days
 * @example
 * planArchiveDays([], { now, since, chunkMs: DAY_MS, reprocess: 'missing', maxChunks: 30,
 *   settleMs: ARCHIVE_SETTLE_MS, rulesVersion: 3 });
 */
export function planArchiveDays(
  attempts: readonly IntervalAttempt[],
  options: ArchivePlanOptions,
): Interval[] {
  const problems: string[] = [];
  const day = (name: string, value: number | undefined) => {
    if (value !== undefined && (!Number.isSafeInteger(value) || value % DAY_MS !== 0)) {
      problems.push(
        `${name} ${formatInstant(value)} is not at 00:00 UTC: archive intervals are days`,
      );
    }
  };
  day('since', options.since);
  day('until', options.until);
  if (
    !Number.isSafeInteger(options.chunkMs) ||
    options.chunkMs <= 0 ||
    options.chunkMs % DAY_MS !== 0
  ) {
    problems.push('the chunk of an archive plan is a whole number of days (1d, 7d, …)');
  }
  if (problems.length > 0) throw new UsageError(problems);

  const scheduled = options.until === undefined;
  const lastEnd = scheduled
    ? Math.floor((options.now - options.settleMs) / DAY_MS) * DAY_MS
    : Math.min(options.until ?? 0, Math.floor(options.now / DAY_MS) * DAY_MS);
  const rereadFrom = lastEnd - (options.rereadMs ?? DEFAULT_REREAD_MS);
  const summaries = summarizeAttempts(attempts, options.now);

  const chunks: (Interval & { window: number })[] = [];
  for (let start = options.since; start + DAY_MS <= lastEnd; start += DAY_MS) {
    const summary = summaries.get(start);
    let due: boolean;
    if (options.reprocess === 'all') due = true;
    else if (summary?.live) due = false;
    else {
      const success = summary?.latestSuccess;
      const base = stateOf(summary) === 'missing' || success === undefined;
      due =
        base ||
        (options.reprocess === 'failed' && summary?.latestFailed === true) ||
        (options.reprocess === 'outdated' && success.rulesVersion < options.rulesVersion) ||
        (scheduled && start >= rereadFrom);
    }
    if (!due) continue;
    const window = Math.floor(start / options.chunkMs) * options.chunkMs;
    const open = chunks.at(-1);
    if (open !== undefined && open.window === window) open.end = start + DAY_MS;
    else chunks.push({ start, end: start + DAY_MS, window });
  }
  return chunks.slice(0, options.maxChunks).map(({ start, end }) => ({ start, end }));
}
