// The ingest glue's public face: what the command line and the actions call. Everything it uses is
// handed in (the source, the database, the logger); the shells wire them.
import { UsageError } from '../errors.ts';
import { planChunks, toMatrix } from '../interval/planner.ts';
import { assertAlignedRange } from '../interval/range.ts';
import { RULES_VERSION } from '../openaq/rules.ts';
import type { Source } from '../openaq/source.ts';
import type { DatabasePool } from '../toar/database.ts';
import type { Logger } from '../util/logger.ts';
import { ingestRange } from './ingest-range.ts';
import { readAttempts } from './ingest-runs.ts';
import { DEFAULT_MAX_OBJECT_BYTES } from './parse-object.ts';
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

export { DEFAULT_MAX_OBJECT_BYTES, MAX_OBJECT_BYTES_SETTING } from './parse-object.ts';

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
    ...(options.workers !== undefined ? { workers: options.workers } : {}),
    ...(options.groupLines !== undefined ? { groupLines: options.groupLines } : {}),
    maxObjectBytes: options.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES,
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
