// The ingest glue's public face: what the command line and the actions call.
import type pg from 'pg';
import { UsageError } from '../errors.ts';
import { planChunks, toMatrix } from '../interval/planner.ts';
import { assertAlignedRange } from '../interval/range.ts';
import type { IntervalAttempt } from '../interval/types.ts';
import { RULES_VERSION } from '../openaq/rules.ts';
import { openSource } from '../openaq/source-url.ts';
import { type Database, openDatabase } from '../toar/database.ts';
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

export interface RunContext {
  logger: Logger;
  onProgress?: (progress: Progress) => void;
  /** Where the embedded database keeps its state when no URL is given (default `.freshet`). */
  stateDir?: string;
}

/** A `running` attempt is presumed dead after twice the ingest job's timeout (30 minutes). */
export const DEFAULT_LEASE_MS = 2 * 30 * 60_000;

/**
 * Ingests every 10-minute interval of `[options.start, options.end)`. Never throws for a failed
 * object: failures are in the report (`objects_failed`, `failures`).
 *
 * @example
 * const report = await ingest({ source: 'file:///data/realtime-gzipped', start, end }, { logger });
 */
export async function ingest(options: IngestOptions, context: RunContext): Promise<IngestReport> {
  assertAlignedRange({ start: options.start, end: options.end });
  const source = openSource(options.source, {
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    anonymous: options.anonymous ?? false,
    onRetry: (message) => context.logger.warn(message),
  });
  const concurrency = options.concurrency ?? 4;
  return withDatabase(options.databaseUrl, context, 3, (db) =>
    ingestRange(source, db.pool, options, {
      concurrency,
      rulesVersion: RULES_VERSION,
      leaseMs: DEFAULT_LEASE_MS,
      ...(options.runUrl ? { runUrl: options.runUrl } : {}),
      logger: context.logger,
      ...(context.onProgress ? { onProgress: context.onProgress } : {}),
    }),
  );
}

/** Plans the chunks that are due, as the workflow's matrix. */
export async function plan(options: PlanOptions, context: RunContext): Promise<PlanMatrix> {
  if (options.until !== undefined && options.until <= options.since) {
    throw new UsageError('--until must be after --since');
  }
  return withDatabase(options.databaseUrl, context, 1, async (db) => {
    const attempts = await readAttempts(db.pool, options.since, options.until ?? options.now);
    const { databaseUrl: _databaseUrl, ...planner } = options;
    return toMatrix(planChunks(attempts, { ...planner, rulesVersion: RULES_VERSION }));
  });
}

/** Every attempt of the intervals starting in `[from, to)`. */
export async function readAttempts(
  pool: pg.Pool,
  from: number,
  to: number,
): Promise<IntervalAttempt[]> {
  const { rows } = await pool.query<{
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

/** Opens the database (the embedded one when no URL is given), runs `work`, closes it. */
export async function withDatabase<T>(
  databaseUrl: string | undefined,
  context: RunContext,
  maxConnections: number,
  work: (db: Database) => Promise<T>,
): Promise<T> {
  const db = await openDatabase({
    ...(databaseUrl ? { databaseUrl } : {}),
    stateDir: context.stateDir ?? '.freshet',
    logger: context.logger,
    maxConnections,
  });
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}
