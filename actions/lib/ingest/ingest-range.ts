import type pg from 'pg';
import { describeError } from '../errors.ts';
import { formatInstant } from '../interval/instant.ts';
import { intervalsOf } from '../interval/range.ts';
import type { Interval } from '../interval/types.ts';
import type { Source, SourceObject } from '../openaq/source.ts';
import { type LoadCounts, loadObject } from '../toar/load.ts';
import type { Logger } from '../util/logger.ts';
import { parseObject } from './parse-object.ts';
import type { IngestReport, ObjectFailure } from './types.ts';

/** Settings of one ingest run. */
export interface RangeOptions {
  /** Objects in flight at once: while one waits for PostgreSQL, the next is parsed. */
  concurrency: number;
  rulesVersion: number;
  /** A `running` attempt older than this counts as failed for the planner. */
  leaseMs: number;
  runUrl?: string;
  logger: Logger;
  onProgress?: (progress: { done: number; total: number; label: string }) => void;
}

/** Counters of one interval, as `ops.ingest_runs` stores them. */
interface IntervalTally {
  interval: Interval;
  attemptId: number;
  objects: number;
  skipped: number;
  failed: number;
  lines: number;
  accepted: number;
  rejected: Record<string, number>;
  stationsCreated: number;
  seriesCreated: number;
  rowsInserted: number;
  rowsUpdated: number;
  listMs: number;
  loadStartedAt: number;
  errors: string[];
  /** Objects not finished yet; the interval is recorded when this reaches 0 after listing. */
  remaining: number;
}

interface Task {
  tally: IntervalTally;
  object: SourceObject;
}

/**
 * Ingests every 10-minute interval of `range` from `source` into the database behind `pool`, each
 * interval recorded as its own attempt in `ops.ingest_runs`. Objects are loaded `concurrency` at a
 * time across interval boundaries (parse in this process while PostgreSQL loads the previous
 * object). A failed object is reported and its interval recorded as failed; the others still load.
 */
export async function ingestRange(
  source: Source,
  pool: pg.Pool,
  range: Interval,
  options: RangeOptions,
): Promise<IngestReport> {
  const started = performance.now();
  const intervals = intervalsOf(range);
  const report: IngestReport = {
    intervals: intervals.length,
    objects: 0,
    objects_skipped: 0,
    objects_failed: 0,
    lines: 0,
    accepted: 0,
    rejected: {},
    stations_created: 0,
    series_created: 0,
    rows_inserted: 0,
    rows_updated: 0,
    seconds: 0,
    failures: [],
  };
  let finished = 0;

  const finish = async (tally: IntervalTally) => {
    addTally(report, tally);
    await recordFinish(pool, tally).catch((error) => {
      options.logger.error(
        `could not record the attempt of ${formatInstant(tally.interval.start)}: ${describeError(error)}`,
      );
    });
    finished++;
    options.onProgress?.({
      done: finished,
      total: intervals.length,
      label: formatInstant(tally.interval.start),
    });
  };

  async function* tasks(): AsyncGenerator<Task> {
    for (const interval of intervals) {
      const attemptId = await recordStart(pool, interval, source.url, options);
      const listStarted = performance.now();
      const tally: IntervalTally = {
        interval,
        attemptId,
        objects: 0,
        skipped: 0,
        failed: 0,
        lines: 0,
        accepted: 0,
        rejected: {},
        stationsCreated: 0,
        seriesCreated: 0,
        rowsInserted: 0,
        rowsUpdated: 0,
        listMs: 0,
        loadStartedAt: 0,
        errors: [],
        remaining: 0,
      };
      let objects: SourceObject[] = [];
      try {
        const listing = await source.list(interval);
        objects = listing.objects;
        tally.skipped = listing.skipped.length;
        for (const name of listing.skipped) options.logger.info(`skipped ${name}: not a fetch object`);
      } catch (error) {
        tally.failed++;
        tally.errors.push(describeError(error));
        report.failures.push({
          key: '(listing)',
          interval: formatInstant(interval.start),
          error: describeError(error),
        });
      }
      tally.listMs = Math.round(performance.now() - listStarted);
      tally.loadStartedAt = performance.now();
      tally.objects = objects.length;
      tally.remaining = objects.length;
      if (objects.length === 0) await finish(tally);
      for (const object of objects) yield { tally, object };
    }
  }

  const work = async (task: Task) => {
    const { tally, object } = task;
    try {
      const bytes = await source.read(object);
      const parsed = await parseObject(bytes, object, tally.interval.start);
      const client = await pool.connect();
      // A connection that dies while checked out emits 'error' on the client (the pool listens only
      // to idle ones): the query in flight fails and is reported; the process must not crash.
      const onLost = (error: Error) => options.logger.warn(`database connection lost: ${error.message}`);
      client.on('error', onLost);
      let counts: LoadCounts;
      try {
        counts = await loadObject(client, parsed.batch, {
          onRetry: (message) => options.logger.warn(message),
        });
        client.off('error', onLost);
        client.release();
      } catch (error) {
        // The connection may be broken: let the pool drop it (the listener stays for its last words).
        client.release(error instanceof Error ? error : true);
        throw error;
      }
      tally.lines += parsed.batch.lines;
      tally.accepted += parsed.batch.accepted;
      for (const [reason, n] of Object.entries(parsed.rejected)) {
        tally.rejected[reason] = (tally.rejected[reason] ?? 0) + n;
      }
      tally.stationsCreated += counts.stationsCreated;
      tally.seriesCreated += counts.seriesCreated;
      tally.rowsInserted += counts.rowsInserted;
      tally.rowsUpdated += counts.rowsUpdated;
    } catch (error) {
      const failure: ObjectFailure = {
        key: object.key,
        interval: formatInstant(tally.interval.start),
        error: describeError(error),
      };
      options.logger.error(`${failure.key}: ${failure.error}`);
      tally.failed++;
      tally.errors.push(`${failure.key}: ${failure.error}`);
      report.failures.push(failure);
    }
    tally.remaining--;
    if (tally.remaining === 0) await finish(tally);
  };

  await runPool(tasks(), Math.max(1, options.concurrency), work);
  report.seconds = Math.round((performance.now() - started) / 10) / 100;
  return report;
}

/** Runs `work` over `items` with at most `limit` in flight; `work` must not throw. */
async function runPool<T>(
  items: AsyncIterator<T>,
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const worker = async () => {
    for (;;) {
      const next = await items.next();
      if (next.done) return;
      await work(next.value);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

function addTally(report: IngestReport, tally: IntervalTally): void {
  report.objects += tally.objects;
  report.objects_skipped += tally.skipped;
  report.objects_failed += tally.failed;
  report.lines += tally.lines;
  report.accepted += tally.accepted;
  for (const [reason, n] of Object.entries(tally.rejected)) {
    report.rejected[reason] = (report.rejected[reason] ?? 0) + n;
  }
  report.stations_created += tally.stationsCreated;
  report.series_created += tally.seriesCreated;
  report.rows_inserted += tally.rowsInserted;
  report.rows_updated += tally.rowsUpdated;
}

async function recordStart(
  pool: pg.Pool,
  interval: Interval,
  source: string,
  options: RangeOptions,
): Promise<number> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO ops.ingest_runs
       (interval_start, interval_end, status, lease_until, source, rules_version, run_url)
     VALUES ($1, $2, 'running', now() + $3 * interval '1 millisecond', $4, $5, $6)
     RETURNING id`,
    [
      new Date(interval.start),
      new Date(interval.end),
      options.leaseMs,
      source,
      options.rulesVersion,
      options.runUrl ?? null,
    ],
  );
  return Number(rows[0]!.id);
}

async function recordFinish(pool: pg.Pool, tally: IntervalTally): Promise<void> {
  const rejected = Object.values(tally.rejected).reduce((a, b) => a + b, 0);
  await pool.query(
    `UPDATE ops.ingest_runs SET
       status = $2, finished_at = now(), objects = $3, objects_skipped = $4, objects_failed = $5,
       lines = $6, accepted = $7, rejected = $8, rejected_by_reason = $9, stations_created = $10,
       series_created = $11, rows_inserted = $12, rows_updated = $13, list_ms = $14, load_ms = $15,
       error = $16
     WHERE id = $1`,
    [
      tally.attemptId,
      tally.failed > 0 ? 'failed' : 'succeeded',
      tally.objects,
      tally.skipped,
      tally.failed,
      tally.lines,
      tally.accepted,
      rejected,
      JSON.stringify(tally.rejected),
      tally.stationsCreated,
      tally.seriesCreated,
      tally.rowsInserted,
      tally.rowsUpdated,
      tally.listMs,
      Math.round(performance.now() - tally.loadStartedAt),
      tally.errors.length > 0 ? tally.errors.join('\n').slice(0, 8000) : null,
    ],
  );
}
