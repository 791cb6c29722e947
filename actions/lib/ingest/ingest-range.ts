import { describeError } from '../errors.ts';
import { formatInstant } from '../interval/instant.ts';
import { intervalsOf } from '../interval/range.ts';
import type { Interval } from '../interval/types.ts';
import type { Source, SourceObject } from '../openaq/source.ts';
import type { DatabasePool } from '../toar/database.ts';
import { type LoadCounts, loadObjects, type ObjectBatch } from '../toar/load.ts';
import type { Logger } from '../util/logger.ts';
import { orderedMap } from '../util/ordered-map.ts';
import { parseObject } from './parse-object.ts';
import type { IngestReport } from './types.ts';

/** Settings of one ingest run. */
export interface RangeOptions {
  /** Objects read and parsed ahead of the loader at once. */
  concurrency: number;
  rulesVersion: number;
  /** A `running` attempt older than this counts as failed for the planner. */
  leaseMs: number;
  /** Objects are loaded in groups of about this many lines (one transaction each). */
  groupLines?: number;
  runUrl?: string;
  logger: Logger;
  onProgress?: (progress: { done: number; total: number; label: string }) => void;
}

/** Lines per load group: large enough that repeated measurements collapse before they are written. */
export const DEFAULT_GROUP_LINES = 150_000;
const MAX_GROUP_OBJECTS = 1_000;

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
  counts: LoadCounts;
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

type Parsed = { tally: IntervalTally; object: SourceObject } & (
  | { batch: ObjectBatch; error?: undefined }
  | { batch?: undefined; error: unknown }
);

/**
 * Ingests every 10-minute interval of `range` from `source` into the database behind `db`, each
 * interval recorded as its own attempt in `ops.ingest_runs`.
 *
 * A pipeline: intervals are listed in order; objects are read and parsed `concurrency` at a time
 * (in this process) while PostgreSQL loads the previous group (in its own). Objects are loaded in
 * groups of about `groupLines` lines, in fetch order, one transaction per group, so that
 * measurements repeated by consecutive fetches are written once per group. A failed object (it
 * could not be read, or its gzip is broken) is reported and its interval recorded as failed; the
 * others still load. When a group fails on its data, its objects are retried one by one, so that
 * one bad object cannot hold back the rest.
 *
 * Group-level counts (stations, series, rows) are recorded with the interval of the group's last
 * object; the report's totals are exact.
 */
export async function ingestRange(
  source: Source,
  db: DatabasePool,
  range: Interval,
  options: RangeOptions,
): Promise<IngestReport> {
  const started = performance.now();
  const intervals = intervalsOf(range);
  const report = emptyIngestReport(intervals.length);
  let finished = 0;

  const finish = async (tally: IntervalTally) => {
    addTally(report, tally);
    await recordFinish(db, tally).catch((error) => {
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

  const fail = (tally: IntervalTally, key: string, error: unknown) => {
    const message = describeError(error);
    // Source errors name their object already.
    const line = message.includes(key) ? message : `${key}: ${message}`;
    options.logger.error(line);
    tally.failed++;
    tally.errors.push(line);
    report.failures.push({ key, interval: formatInstant(tally.interval.start), error: message });
  };

  const objectDone = async (tally: IntervalTally) => {
    tally.remaining--;
    if (tally.remaining === 0) await finish(tally);
  };

  async function* tasks(): AsyncGenerator<Task> {
    for (const interval of intervals) {
      const attemptId = await recordStart(db, interval, source.url, options);
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
        counts: { stationsCreated: 0, seriesCreated: 0, rowsInserted: 0, rowsUpdated: 0 },
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
        for (const name of listing.skipped)
          options.logger.info(`skipped ${name}: not a fetch object`);
      } catch (error) {
        fail(tally, '(listing)', error);
      }
      tally.listMs = Math.round(performance.now() - listStarted);
      tally.loadStartedAt = performance.now();
      tally.objects = objects.length;
      tally.remaining = objects.length;
      if (objects.length === 0) await finish(tally);
      for (const object of objects) yield { tally, object };
    }
  }

  const readAndParse = async ({ tally, object }: Task): Promise<Parsed> => {
    try {
      const bytes = await source.read(object);
      return { tally, object, batch: await parseObject(bytes, object, tally.interval.start) };
    } catch (error) {
      return { tally, object, error };
    }
  };

  const loadGroup = async (group: readonly (Parsed & { batch: ObjectBatch })[]) => {
    try {
      const counts = await loadWithConnection(
        db,
        group.map((g) => g.batch),
        options.logger,
      );
      const last = group.at(-1)!.tally.counts;
      last.stationsCreated += counts.stationsCreated;
      last.seriesCreated += counts.seriesCreated;
      last.rowsInserted += counts.rowsInserted;
      last.rowsUpdated += counts.rowsUpdated;
      for (const { tally, batch } of group) {
        tally.lines += batch.lines;
        tally.accepted += batch.accepted;
        for (const [reason, n] of Object.entries(batch.rejectedByReason)) {
          tally.rejected[reason] = (tally.rejected[reason] ?? 0) + n;
        }
      }
    } catch (error) {
      if (group.length > 1 && isDataError(error)) {
        options.logger.warn(
          `a group of ${group.length} objects was refused (${describeError(error)}); loading them one by one`,
        );
        for (const item of group) await loadGroup([item]);
        return;
      }
      for (const item of group) fail(item.tally, item.object.key, error);
    }
    for (const item of group) await objectDone(item.tally);
  };

  const groupLines = options.groupLines ?? DEFAULT_GROUP_LINES;
  let group: (Parsed & { batch: ObjectBatch })[] = [];
  let groupSize = 0;
  let loading: Promise<void> = Promise.resolve();
  for await (const parsed of orderedMap(tasks(), Math.max(1, options.concurrency), readAndParse)) {
    if (parsed.batch === undefined) {
      fail(parsed.tally, parsed.object.key, parsed.error);
      await objectDone(parsed.tally);
      continue;
    }
    group.push(parsed);
    groupSize += parsed.batch.lines;
    if (groupSize >= groupLines || group.length >= MAX_GROUP_OBJECTS) {
      await loading;
      loading = loadGroup(group);
      group = [];
      groupSize = 0;
    }
  }
  await loading;
  if (group.length > 0) await loadGroup(group);
  report.seconds = Math.round((performance.now() - started) / 10) / 100;
  return report;
}

/** A report with nothing counted yet. */
export function emptyIngestReport(intervals = 0): IngestReport {
  return {
    intervals,
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
}

/** Loads on a connection of its own; a connection that dies is dropped, never crashes the process. */
async function loadWithConnection(
  pool: DatabasePool,
  batches: readonly ObjectBatch[],
  logger: Logger,
): Promise<LoadCounts> {
  const client = await pool.connect();
  // A connection that dies while checked out emits 'error' on the client (the pool listens only
  // to idle ones): the query in flight fails and is reported; the process must not crash.
  const onLost = (error: Error) => logger.warn(`database connection lost: ${error.message}`);
  client.on('error', onLost);
  try {
    const counts = await loadObjects(client, batches, { onRetry: (m) => logger.warn(m) });
    client.off('error', onLost);
    client.release();
    return counts;
  } catch (error) {
    // The connection may be broken: let the pool drop it (the listener stays for its last words).
    client.release(error instanceof Error ? error : true);
    throw error;
  }
}

/** PostgreSQL refused the data itself (SQLSTATE classes 22 and 23), not the connection. */
function isDataError(error: unknown): boolean {
  const code = (error instanceof Error ? (error.cause as { code?: unknown }) : undefined)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
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
  report.stations_created += tally.counts.stationsCreated;
  report.series_created += tally.counts.seriesCreated;
  report.rows_inserted += tally.counts.rowsInserted;
  report.rows_updated += tally.counts.rowsUpdated;
}

async function recordStart(
  pool: DatabasePool,
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

/** Records the outcome with a synchronous commit, which also makes the (asynchronous) loads durable. */
async function recordFinish(pool: DatabasePool, tally: IntervalTally): Promise<void> {
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
      tally.counts.stationsCreated,
      tally.counts.seriesCreated,
      tally.counts.rowsInserted,
      tally.counts.rowsUpdated,
      tally.listMs,
      Math.round(performance.now() - tally.loadStartedAt),
      tally.errors.length > 0 ? tally.errors.join('\n').slice(0, 8000) : null,
    ],
  );
}
