// The ingest glue's public face: what the command line and the actions call. Everything it uses is
// handed in (the source, the database, the logger); the shells wire them.
import { UsageError } from '../errors.ts';
import { planChunks, toMatrix } from '../interval/planner.ts';
import { assertAlignedRange } from '../interval/range.ts';
import type { IntervalAttempt } from '../interval/types.ts';
import { RULES_VERSION } from '../openaq/rules.ts';
import type { Source } from '../openaq/source.ts';
import type { DatabasePool } from '../toar/database.ts';
import type { Logger } from '../util/logger.ts';
import { ingestRange } from './ingest-range.ts';
import type { IngestOptions, IngestReport, PlanMatrix, PlanOptions } from './types.ts';

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
}

/** The world a plan reads. */
export interface PlanContext {
  /** The database holding `ops.ingest_runs`, migrated. */
  db: DatabasePool;
  logger: Logger;
}

/** A `running` attempt is presumed dead after twice the ingest job's timeout (30 minutes). */
export const DEFAULT_LEASE_MS = 2 * 30 * 60_000;

/** Objects read and parsed ahead of the loader at once, unless told otherwise. */
export const DEFAULT_INGEST_CONCURRENCY = 3;

/**
 * Ingests every 10-minute interval of `[options.start, options.end)`. Never throws for a failed
 * object: failures are in the report (`objects_failed`, `failures`).
 *
 * @example
 * const report = await ingest({ start, end }, { source: openSource(url), db: database.pool, logger });
 */
export async function ingest(
  options: IngestOptions,
  context: IngestContext,
): Promise<IngestReport> {
  assertAlignedRange({ start: options.start, end: options.end });
  return ingestRange(context.source, context.db, options, {
    concurrency: options.concurrency ?? DEFAULT_INGEST_CONCURRENCY,
    rulesVersion: RULES_VERSION,
    leaseMs: DEFAULT_LEASE_MS,
    ...(options.runUrl ? { runUrl: options.runUrl } : {}),
    logger: context.logger,
    ...(context.onProgress ? { onProgress: context.onProgress } : {}),
  });
}

/** Plans the chunks that are due, as the workflow's matrix. */
export async function plan(options: PlanOptions, context: PlanContext): Promise<PlanMatrix> {
  if (options.until !== undefined && options.until <= options.since) {
    throw new UsageError('until must be after since');
  }
  const attempts = await readAttempts(context.db, options.since, options.until ?? options.now);
  return toMatrix(planChunks(attempts, { ...options, rulesVersion: RULES_VERSION }));
}

/** Every attempt of the intervals starting in `[from, to)`. */
export async function readAttempts(
  db: DatabasePool,
  from: number,
  to: number,
): Promise<IntervalAttempt[]> {
  const { rows } = await db.query<{
    s: string;
    status: IntervalAttempt['status'];
    started: string;
    lease: string;
    objects: number;
    rules_version: number;
  }>(
    `SELECT extract(epoch FROM interval_start) * 1000 AS s, status,
            extract(epoch FROM started_at) * 1000 AS started,
            extract(epoch FROM lease_until) * 1000 AS lease, objects, rules_version
     FROM ops.ingest_runs WHERE interval_start >= $1 AND interval_start < $2`,
    [new Date(from), new Date(to)],
  );
  return rows.map((r) => ({
    intervalStart: Number(r.s),
    status: r.status,
    startedAt: Number(r.started),
    leaseUntil: Number(r.lease),
    objects: r.objects,
    rulesVersion: r.rules_version,
  }));
}
