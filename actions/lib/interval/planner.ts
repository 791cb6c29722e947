// The planner: which chunks of 10-minute intervals are due, given every attempt so far.
import { collectProblems, UsageError } from '../errors.ts';
import { alignDown, isAligned } from './align.ts';
import { type AttemptSummary, summarizeRange } from './attempts.ts';
import { DAY_MS, MINUTE_MS } from './duration.ts';
import { formatInstant } from './instant.ts';
import { assertChunkLength } from './range.ts';
import { isReprocessMode, REPROCESS_MODES } from './reprocess.ts';
import { INTERVAL_MS, type Interval, type IntervalAttempt, type ReprocessMode } from './types.ts';

/** GitHub Actions runs at most 256 jobs per matrix. */
export const MAX_CHUNKS_LIMIT = 256;
/** Uploads to the source lag: an interval is planned once it ended this long ago. */
export const DEFAULT_SETTLE_MS = 30 * MINUTE_MS;
/** An interval whose success found no object is planned again until it is this old. */
export const DEFAULT_EMPTY_RETRY_MS = DAY_MS;

/** What the planner is asked. All instants and lengths are epoch ms / ms. */
export interface PlannerOptions {
  /** The clock. A plan is a function of its options: nothing else reads the time. */
  now: number;
  /** Start of the catch-up (`FRESHET_START`) or of a backfill; aligned to 10 minutes. */
  since: number;
  /** End of a backfill (exclusive, aligned); omitted for a scheduled run. */
  until?: number;
  /** Chunk length: a positive multiple of 10 minutes; chunks are aligned to the epoch. */
  chunkMs: number;
  reprocess: ReprocessMode;
  /** At most this many chunks (1..256); the rest wait for the next run. */
  maxChunks: number;
  /** Scheduled runs plan only intervals that ended at least this long before `now`. */
  settleMs: number;
  /** The current rules version: successes under an older one are `outdated`. */
  rulesVersion: number;
  /** Empty successes are planned again until their end is this old (default one day). */
  emptyRetryMs?: number;
}

/**
 * Checks planner options, collecting every problem.
 * @throws UsageError listing them all
 */
export function validatePlannerOptions(options: PlannerOptions): void {
  const problems: string[] = [];
  const instant = (ms: number) => (Number.isFinite(ms) ? formatInstant(ms) : String(ms));
  if (!Number.isFinite(options.now)) problems.push(`now ${options.now} is not an instant`);
  if (!isAligned(options.since)) {
    problems.push(`since ${instant(options.since)} is not aligned to 10 minutes`);
  }
  if (options.until !== undefined) {
    if (!isAligned(options.until)) {
      problems.push(`until ${instant(options.until)} is not aligned to 10 minutes`);
    } else if (options.until <= options.since) {
      problems.push(
        `until ${instant(options.until)} is not after since ${instant(options.since)}: a backfill needs at least one interval`,
      );
    }
  }
  collectProblems(problems, () => assertChunkLength(options.chunkMs));
  if (!isReprocessMode(options.reprocess)) {
    problems.push(
      `reprocess ${JSON.stringify(options.reprocess)} is not one of ${REPROCESS_MODES.join(', ')}`,
    );
  }
  if (
    !Number.isInteger(options.maxChunks) ||
    options.maxChunks < 1 ||
    options.maxChunks > MAX_CHUNKS_LIMIT
  ) {
    problems.push(
      `max chunks ${options.maxChunks} is not a whole number from 1 to ${MAX_CHUNKS_LIMIT} (a workflow matrix holds at most ${MAX_CHUNKS_LIMIT} jobs)`,
    );
  }
  for (const [name, value] of [
    ['settle delay', options.settleMs],
    ['empty retry', options.emptyRetryMs ?? DEFAULT_EMPTY_RETRY_MS],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 0) {
      problems.push(`the ${name} ${value} ms is not a duration (whole ms, zero or more)`);
    }
  }
  if (!Number.isFinite(options.rulesVersion)) {
    problems.push(`rules version ${options.rulesVersion} is not a number`);
  }
  if (problems.length > 0) throw new UsageError(problems);
}

/**
 * Plans the chunks that are due, oldest first, at most `maxChunks` of them.
 *
 * **Interval state** (from all attempts, see {@link summarizeRange}): `succeeded` when some
 * attempt succeeded (the latest success's `objects` and `rulesVersion` count); `running` when an
 * attempt is `running` within its lease (`leaseUntil > now`) and none succeeded; `failed` when there
 * are attempts but neither (a `running` attempt past its lease counts as failed); `missing` without
 * attempts.
 *
 * **Candidates.** Scheduled (`until` omitted): every interval from `since` whose end is at most
 * `now − settleMs` (an interval that ended 29 minutes ago waits at a 30-minute settle delay; one that
 * ended 30 minutes ago is planned). Backfill: exactly `[since, until)`, without settle delay, but
 * never an interval that ends after `now`.
 *
 * **Due.** The base set is every interval without success (missing or failed) plus every *recent
 * empty*: an interval whose latest success found 0 objects and whose end is after
 * `now − emptyRetryMs` (uploads can arrive late, so emptiness is only believed after a day).
 * Each mode adds:
 * - `missing`: nothing;
 * - `failed`: intervals whose latest attempt by `startedAt` failed or ran past its lease, even if
 *   an earlier attempt succeeded;
 * - `outdated`: intervals whose latest success ran under a rules version below `rulesVersion`;
 * - `all`: every candidate.
 *
 * A scheduled run plans the base set plus what its mode adds. A backfill plans, per mode:
 * `missing` the base set; `failed` only the latest-failed intervals; `outdated` the base set plus
 * the outdated; `all` every candidate. An interval with an attempt running within its lease is
 * never planned, in any mode but `all`, even if it succeeded before: someone is on it already.
 *
 * **Chunks.** Due intervals are grouped by their epoch-aligned window of `chunkMs`; each window
 * gives one chunk `[first due start, last due end)`, which may cover intervals between them that were
 * not due (re-running them is harmless) but never one outside the window.
 *
 * Attempts whose `intervalStart` is not a candidate (outside the range, misaligned) are ignored.
 * Linear in the candidates and attempts: ten years of them (half a million) plan in a few hundred ms.
 *
 * @throws UsageError when the options are invalid (all problems at once)
 * @example
 * // A scheduled run at 01:00 with 30 minutes' settle, nothing ingested since midnight, 1h chunks:
 * planChunks([], { now: T0 + HOUR_MS, since: T0, chunkMs: HOUR_MS, reprocess: 'missing',
 *   maxChunks: 256, settleMs: 30 * MINUTE_MS, rulesVersion: 1 })
 * // → [{ start: T0, end: T0 + 30 * MINUTE_MS }]
 */
export function planChunks(
  attempts: readonly IntervalAttempt[],
  options: PlannerOptions,
): Interval[] {
  validatePlannerOptions(options);
  const { now, since, until, chunkMs, maxChunks } = options;
  const end =
    until === undefined ? alignDown(now - options.settleMs) : Math.min(until, alignDown(now));
  const isDue = dueRule(options);
  const summaries = summarizeRange(attempts, { start: since, end: Math.max(since, end) }, now);

  const chunks: Interval[] = [];
  let open: (Interval & { window: number }) | undefined;
  for (let start = since; start + INTERVAL_MS <= end; start += INTERVAL_MS) {
    if (!isDue(summaries.at(start), start + INTERVAL_MS)) continue;
    const window = alignDown(start, chunkMs);
    if (open !== undefined && open.window === window) {
      open.end = start + INTERVAL_MS;
      continue;
    }
    if (open !== undefined) {
      chunks.push({ start: open.start, end: open.end });
      // The cap is reached: the rest is catch-up for the next run.
      if (chunks.length === maxChunks) return chunks;
    }
    open = { start, end: start + INTERVAL_MS, window };
  }
  if (open !== undefined) chunks.push({ start: open.start, end: open.end });
  return chunks;
}

/** The due test for one interval (by its summary and end), per DESIGN.md; see {@link planChunks}. */
function dueRule(
  options: PlannerOptions,
): (summary: AttemptSummary | undefined, intervalEnd: number) => boolean {
  const { now, reprocess, rulesVersion } = options;
  const scheduled = options.until === undefined;
  const emptyUntil = now - (options.emptyRetryMs ?? DEFAULT_EMPTY_RETRY_MS);
  return (summary, intervalEnd) => {
    if (reprocess === 'all') return true;
    if (summary === undefined) return reprocess !== 'failed' || scheduled;
    if (summary.live) return false;
    const success = summary.latestSuccess;
    const base = success === undefined || (success.objects === 0 && intervalEnd > emptyUntil);
    switch (reprocess) {
      case 'missing':
        return base;
      case 'failed':
        return summary.latestFailed || (scheduled && base);
      case 'outdated':
        return base || (success !== undefined && success.rulesVersion < rulesVersion);
    }
  };
}

/** The workflow matrix a plan becomes: `{ include: [{ start, end }] }` in ISO 8601 UTC. */
export interface ChunkMatrix {
  include: { start: string; end: string }[];
}

/**
 * Turns chunks into the matrix the ingest workflow fans out over.
 * @example toMatrix([{ start: T0, end: T0 + HOUR_MS }]) // { include: [{ start: '2014-01-01T00:00:00Z', end: '2014-01-01T01:00:00Z' }] }
 */
export function toMatrix(chunks: readonly Interval[]): ChunkMatrix {
  return {
    include: chunks.map((c) => ({ start: formatInstant(c.start), end: formatInstant(c.end) })),
  };
}
