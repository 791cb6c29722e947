// The ingest glue's public face: what the command line and the actions call. Everything it uses is
// handed in (the source, the database, the logger); the shells wire them.
import { describeError, UsageError } from '../errors.ts';
import { planChunks, toMatrix } from '../interval/planner.ts';
import { assertAlignedRange, describeInterval } from '../interval/range.ts';
import { INTERVAL_MS } from '../interval/types.ts';
import { RULES_VERSION } from '../openaq/rules.ts';
import type { Source } from '../openaq/source.ts';
import type { DatabasePool } from '../toar/database.ts';
import type { Logger } from '../util/logger.ts';
import { DAY_MS, dayIntervalsOf } from './day-intervals.ts';
import { ingestRange } from './ingest-range.ts';
import { readAttempts, recordPlanned } from './ingest-runs.ts';
import { DEFAULT_MAX_OBJECT_BYTES } from './parse-object.ts';
import { planArchiveDays } from './plan-archive.ts';
import {
  DEFAULT_MAX_INTERVALS,
  type IngestOptions,
  type IngestReport,
  type PlanMatrix,
  type PlanOptions,
} from './types.ts';

/** What a long run reports as it goes (the command line draws a bar; actions log lines). */
export interface Progress {
  done: number;
  total: number;
  /** e.g. the interval just finished. */
  label: string;
}

/** The world an ingest works in. */
export interface IngestContext {
  /** Where the fetches come from. */
  source: Source;
  /** The TOAR database, migrated. */
  db: DatabasePool;
  logger: Logger;
  onProgress?: (progress: Progress) => void;
  /**
   * Aborting (a shell's SIGINT/SIGTERM) stops the run: its started attempts are recorded as failed
   * and the report says why (`stopped`).
   */
  signal?: AbortSignal;
}

/** The world a plan reads. */
export interface PlanContext {
  /** The database holding `ops.ingest_runs`, migrated. */
  db: DatabasePool;
  logger: Logger;
}

/** A `running` attempt is presumed dead after twice the ingest job's timeout (30 minutes). */
export const DEFAULT_LEASE_MS = 2 * 30 * 60_000;

export { DEFAULT_MAX_OBJECT_BYTES, MAX_OBJECT_BYTES_SETTING } from './parse-object.ts';

/** Objects read and parsed ahead of the loader at once, unless told otherwise. */
export const DEFAULT_INGEST_CONCURRENCY = 3;

/**
 * Ingests every 10-minute interval of `[options.start, options.end)`. Never throws for a failed
 * object: failures are in the report (`objects_failed`, `failures`); a run that stops early (the
 * signal, the database lost) says why in `stopped`.
 *
 * Before it records any attempt, it checks the range's length (at most `maxIntervals`) and that the
 * source exists and can be listed: a UsageError naming the setting otherwise, so that a typo costs
 * one message rather than a failed attempt per interval.
 *
 * @example
 * const report = await ingest({ start, end }, { source: openSource(url), db: database.pool, logger });
 */
export async function ingest(
  options: IngestOptions,
  context: IngestContext,
): Promise<IngestReport> {
  const archive = context.source.layout === 'archive';
  if (archive) dayIntervalsOf({ start: options.start, end: options.end });
  else assertAlignedRange({ start: options.start, end: options.end });
  checkRangeLength(options, archive ? DAY_MS : INTERVAL_MS);
  await checkSource(context.source, options.labels?.source ?? 'source');
  return ingestRange(context.source, context.db, options, {
    concurrency: options.concurrency ?? DEFAULT_INGEST_CONCURRENCY,
    ...(options.workers !== undefined ? { workers: options.workers } : {}),
    ...(options.groupLines !== undefined ? { groupLines: options.groupLines } : {}),
    ...(options.pieceLines !== undefined ? { pieceLines: options.pieceLines } : {}),
    maxObjectBytes: options.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES,
    rulesVersion: RULES_VERSION,
    leaseMs: DEFAULT_LEASE_MS,
    ...(options.runUrl ? { runUrl: options.runUrl } : {}),
    logger: context.logger,
    ...(context.onProgress ? { onProgress: context.onProgress } : {}),
    ...(context.signal ? { signal: context.signal } : {}),
  });
}

/** A range longer than `maxIntervals` is refused: said with how to go on. */
function checkRangeLength(options: IngestOptions, intervalMs: number): void {
  const max = options.maxIntervals ?? DEFAULT_MAX_INTERVALS;
  const intervals = Math.ceil((options.end - options.start) / intervalMs);
  if (intervals <= max) return;
  const label = options.labels?.maxIntervals ?? 'max-intervals';
  throw new UsageError(
    `${describeInterval(options)} holds ${intervals} intervals, more than ${label} (${max}): ` +
      `backfill it in chunks (\`freshet plan --chunk 1d\` plans them) or raise ${label}`,
  );
}

/** The source exists and can be listed; a UsageError names the setting when it does not. */
async function checkSource(source: Source, label: string): Promise<void> {
  try {
    await source.check();
  } catch (error) {
    if (error instanceof UsageError) {
      throw new UsageError(`${label}: ${describeError(error)}`, { cause: error });
    }
    throw error;
  }
}

/** The ingest jobs a workflow runs at once unless told otherwise (ingest.yml's max-parallel). */
const ASSUMED_PARALLEL_JOBS = 4;

/**
 * How long a plan's `planned` attempts hold their intervals: long enough for the last of `chunks`
 * jobs to start when they run `ASSUMED_PARALLEL_JOBS` at a time, each up to half a lease, plus a
 * lease; at most a day. A lease that runs out before its job starts (a backfill at max-parallel 1)
 * only lets a later plan load those intervals again: loads are idempotent upserts.
 *
 * @example plannedLeaseMs(24) === 3 * 3_600_000 + 3_600_000 // 6 waves of 30 minutes, then a lease
 */
export function plannedLeaseMs(chunks: number): number {
  const waves = Math.ceil(chunks / ASSUMED_PARALLEL_JOBS);
  return Math.min(24 * 3_600_000, waves * (DEFAULT_LEASE_MS / 2) + DEFAULT_LEASE_MS);
}

/**
 * Plans the chunks that are due, as the workflow's matrix. With `recordLeases` (the plan action),
 * every interval handed out is recorded as a `planned` attempt, so that another plan made before
 * its job starts (a schedule while a backfill waits behind max-parallel) does not plan it again;
 * the ingest job takes the attempt over.
 */
export async function plan(
  options: PlanOptions & { readonly recordLeases?: boolean; readonly runUrl?: string | undefined },
  context: PlanContext,
): Promise<PlanMatrix> {
  if (options.until !== undefined && options.until <= options.since) {
    throw new UsageError('until must be after since');
  }
  const { layout, source, rereadMs, ...planner } = options;
  const attempts = await readAttempts(context.db, options.since, options.until ?? options.now, {
    layout: layout ?? 'realtime',
    ...(source !== undefined ? { source } : {}),
  });
  const chunks =
    layout === 'archive'
      ? planArchiveDays(attempts, {
          ...planner,
          ...(rereadMs !== undefined ? { rereadMs } : {}),
          rulesVersion: RULES_VERSION,
        })
      : planChunks(attempts, { ...planner, rulesVersion: RULES_VERSION });
  if (options.recordLeases) {
    const recorded = await recordPlanned(context.db, chunks, {
      leaseMs: plannedLeaseMs(chunks.length),
      rulesVersion: RULES_VERSION,
      runUrl: options.runUrl,
      layout: layout ?? 'realtime',
      ...(source !== undefined ? { source } : {}),
    });
    context.logger.info(`recorded ${recorded} planned intervals, held until their jobs start`);
  }
  return toMatrix(chunks);
}
