// What the attempts recorded in `ops.ingest_runs` say about each interval: the watermark.
import { INTERVAL_MS, type Interval, type IntervalAttempt } from './types.ts';

/** An interval's state, derived from all its attempts. */
export type IntervalState = 'succeeded' | 'running' | 'failed' | 'missing';

/** Everything the planner needs to know about one interval that has at least one attempt. */
export interface AttemptSummary {
  /** `succeeded` wins over a live `running` attempt, which wins over `failed`. */
  state: Exclude<IntervalState, 'missing'>;
  /** The latest attempt by `startedAt` (on a tie, the later one in the input). */
  latest: IntervalAttempt;
  /** The latest successful attempt by `startedAt`: its `objects` and `rulesVersion` count. */
  latestSuccess: IntervalAttempt | undefined;
  /** Some attempt is `running` and within its lease: someone is working on the interval now. */
  live: boolean;
  /** The latest attempt failed, or is `running` past its lease (its job died without saying so). */
  latestFailed: boolean;
}

/**
 * A `running` or `planned` attempt within its lease: someone is on the interval, or will be. Past its
 * lease it counts as failed: its job is gone, or never started (lease = twice the timeout).
 */
function isLive(attempt: IntervalAttempt, now: number): boolean {
  return (attempt.status === 'running' || attempt.status === 'planned') && attempt.leaseUntil > now;
}

/** Folds one more attempt into an interval's summary (state and latestFailed are set by `settle`). */
function fold(
  summary: AttemptSummary | undefined,
  attempt: IntervalAttempt,
  now: number,
): AttemptSummary {
  if (summary === undefined) {
    return {
      state: 'failed',
      latest: attempt,
      latestSuccess: attempt.status === 'succeeded' ? attempt : undefined,
      live: isLive(attempt, now),
      latestFailed: false,
    };
  }
  if (attempt.startedAt >= summary.latest.startedAt) summary.latest = attempt;
  if (
    attempt.status === 'succeeded' &&
    (summary.latestSuccess === undefined || attempt.startedAt >= summary.latestSuccess.startedAt)
  ) {
    summary.latestSuccess = attempt;
  }
  if (isLive(attempt, now)) summary.live = true;
  return summary;
}

/** Derives the state once every attempt is folded in. */
function settle(summary: AttemptSummary, now: number): void {
  summary.state =
    summary.latestSuccess !== undefined ? 'succeeded' : summary.live ? 'running' : 'failed';
  summary.latestFailed = summary.latest.status !== 'succeeded' && !isLive(summary.latest, now);
}

/**
 * Summarises attempts per interval start (epoch ms), as of `now`. Intervals without attempts have
 * no entry: their state is `missing`.
 *
 * @example
 * const byStart = summarizeAttempts(attempts, Date.now());
 * stateOf(byStart.get(start)) // 'missing' | 'running' | 'failed' | 'succeeded'
 */
export function summarizeAttempts(
  attempts: Iterable<IntervalAttempt>,
  now: number,
): Map<number, AttemptSummary> {
  const byStart = new Map<number, AttemptSummary>();
  for (const attempt of attempts) {
    const key = attempt.intervalStart;
    byStart.set(key, fold(byStart.get(key), attempt, now));
  }
  for (const summary of byStart.values()) settle(summary, now);
  return byStart;
}

/** Summaries of the intervals of one aligned range, looked up by interval start. */
export interface RangeSummaries {
  /** The summary of the interval starting at `intervalStart` (undefined: missing, or outside). */
  at(intervalStart: number): AttemptSummary | undefined;
}

/**
 * Like {@link summarizeAttempts}, but only for the intervals of an aligned range. Attempts outside
 * the range, or with an unaligned start, are ignored.
 *
 * Built for the planner's worst case, ten years of attempts (half a million): the attempts are
 * indexed by position in typed arrays, and a summary object is made only when looked up, so nothing
 * per interval outlives the lookup (a Map of summaries took about a second, mostly in the garbage
 * collector). The arrays span only the attempts found, so a `since` decades back costs nothing.
 */
export function summarizeRange(
  attempts: readonly IntervalAttempt[],
  range: Interval,
  now: number,
): RangeSummaries {
  // A whole number of intervals from an aligned range start is aligned too.
  const inRange = (start: number) =>
    start >= range.start && start < range.end && (start - range.start) % INTERVAL_MS === 0;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const { intervalStart } of attempts) {
    if (!inRange(intervalStart)) continue;
    if (intervalStart < first) first = intervalStart;
    if (intervalStart > last) last = intervalStart;
  }
  if (first > last) return { at: () => undefined };

  // Per slot: the latest attempt and the latest success (undefined: none), and whether some
  // attempt is live. Ties on startedAt go to the later attempt in the input.
  const length = (last - first) / INTERVAL_MS + 1;
  const latest = new Array<IntervalAttempt | undefined>(length).fill(undefined);
  const latestSuccess = new Array<IntervalAttempt | undefined>(length).fill(undefined);
  const live = new Uint8Array(length);
  const isLater = (attempt: IntervalAttempt, than: IntervalAttempt | undefined) =>
    than === undefined || attempt.startedAt >= than.startedAt;
  for (const attempt of attempts) {
    if (!inRange(attempt.intervalStart)) continue;
    const slot = (attempt.intervalStart - first) / INTERVAL_MS;
    if (isLater(attempt, latest[slot])) latest[slot] = attempt;
    if (attempt.status === 'succeeded' && isLater(attempt, latestSuccess[slot])) {
      latestSuccess[slot] = attempt;
    }
    if (isLive(attempt, now)) live[slot] = 1;
  }

  return {
    at(intervalStart) {
      if (intervalStart < first || intervalStart > last) return undefined;
      const slot = (intervalStart - first) / INTERVAL_MS;
      const latestAttempt = latest[slot];
      if (latestAttempt === undefined) return undefined;
      const summary: AttemptSummary = {
        state: 'failed',
        latest: latestAttempt,
        latestSuccess: latestSuccess[slot],
        live: live[slot] === 1,
        latestFailed: false,
      };
      settle(summary, now);
      return summary;
    },
  };
}

/** The state of an interval from its summary (`missing` when it has none). */
export function stateOf(summary: AttemptSummary | undefined): IntervalState {
  return summary?.state ?? 'missing';
}
