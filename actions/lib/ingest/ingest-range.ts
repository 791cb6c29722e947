import { availableParallelism } from 'node:os';
import { describeError } from '../errors.ts';
import { formatInstant } from '../interval/instant.ts';
import { intervalsOf } from '../interval/range.ts';
import type { Interval } from '../interval/types.ts';
import type { Source, SourceObject } from '../openaq/source.ts';
import type { DatabasePool } from '../toar/database.ts';
import { groupTexts } from '../toar/object-batch.ts';
import type { Logger } from '../util/logger.ts';
import { orderedMap } from '../util/ordered-map.ts';
import { groupObjects, type Parsed } from './group-objects.ts';
import { recordFinish, recordStart } from './ingest-runs.ts';
import { listObjects } from './list-objects.ts';
import { type GroupOutcome, loadGroup } from './load-group.ts';
import { type ObjectParser, openParser } from './parse-pool.ts';
import {
  addTally,
  countBatch,
  countLoad,
  emptyIngestReport,
  type IntervalTally,
  newTally,
} from './tally.ts';
import type { IngestReport } from './types.ts';

export { DEFAULT_GROUP_LINES } from './group-objects.ts';
export { emptyIngestReport } from './tally.ts';

/** Settings of one ingest run. */
export interface RangeOptions {
  /** Objects read and parsed ahead of the loader at once (at least `workers`). */
  concurrency: number;
  /**
   * Threads that parse: 0 parses in the loader's thread (the single-threaded path), n ≥ 1 on n
   * worker threads. Default: one per core (`os.availableParallelism()`).
   */
  workers?: number;
  rulesVersion: number;
  /** A `running` attempt older than this counts as failed for the planner. */
  leaseMs: number;
  /** Objects are loaded in groups of about this many lines (one transaction each). */
  groupLines?: number;
  runUrl?: string;
  logger: Logger;
  onProgress?: (progress: { done: number; total: number; label: string }) => void;
}

/** One object to read, parse and load, with the counters of its interval. */
interface Task {
  tally: IntervalTally;
  object: SourceObject;
}

/**
 * Ingests every 10-minute interval of `range` from `source` into the database behind `db`, each
 * interval recorded as its own attempt in `ops.ingest_runs`.
 *
 * A pipeline of named steps: list ({@link listObjects}) → read and parse (`concurrency` objects
 * ahead, parsed on `workers` threads, results in fetch order) → group ({@link groupObjects}, about
 * `groupLines` lines each) → load ({@link loadGroup}, one transaction per group, while the next
 * group is read and parsed) → record the attempt ({@link recordFinish}). Objects load in fetch
 * order, so that measurements repeated by consecutive fetches are written once per group. A failed
 * object (it could not be read, its gzip is broken, its parse worker crashed) is reported and its
 * interval recorded as failed; the others still load. When a group fails on its data, its objects
 * are retried one by one, so that one bad object cannot hold back the rest.
 *
 * Group-level counts (stations, series, rows) are recorded with the interval of the group's last
 * object; the report's totals are exact.
 *
 * @example
 * const report = await ingestRange(source, pool, { start, end }, { concurrency: 3, rulesVersion: 1,
 *   leaseMs: 3_600_000, logger });
 */
export async function ingestRange(
  source: Source,
  db: DatabasePool,
  range: Interval,
  options: RangeOptions,
): Promise<IngestReport> {
  const workers = options.workers ?? availableParallelism();
  const parser = openParser(workers);
  try {
    return await runPipeline(source, db, range, options, parser, workers);
  } finally {
    await parser.close();
  }
}

async function runPipeline(
  source: Source,
  db: DatabasePool,
  range: Interval,
  options: RangeOptions,
  parser: ObjectParser,
  workers: number,
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

  // list: each interval's attempt starts before it is listed.
  async function* tasks(): AsyncGenerator<Task> {
    const attempt = {
      source: source.url,
      rulesVersion: options.rulesVersion,
      leaseMs: options.leaseMs,
      ...(options.runUrl ? { runUrl: options.runUrl } : {}),
    };
    for (const interval of intervals) {
      const attemptId = await recordStart(db, interval, attempt);
      for await (const listed of listObjects(source, [interval])) {
        const tally = newTally(listed.interval, attemptId);
        if (listed.error !== undefined) fail(tally, '(listing)', listed.error);
        tally.skipped = listed.skipped.length;
        for (const name of listed.skipped)
          options.logger.info(`skipped ${name}: not a fetch object`);
        tally.listMs = listed.listMs;
        tally.loadStartedAt = performance.now();
        tally.objects = listed.objects.length;
        tally.remaining = listed.objects.length;
        if (listed.objects.length === 0) await finish(tally);
        for (const object of listed.objects) yield { tally, object };
      }
    }
  }

  // read and parse: never throws, a failure is a value.
  const readAndParse = async (task: Task): Promise<Parsed<Task>> => {
    try {
      const bytes = await source.read(task.object);
      return { task, batch: await parser.parse(bytes, task.object, task.tally.interval.start) };
    } catch (error) {
      return { task, error };
    }
  };

  // record what a load came to, then finish the objects in their order.
  const settle = async (items: readonly { task: Task }[], outcome: GroupOutcome<Task>) => {
    for (const part of outcome.loaded) {
      const last = part.items.at(-1);
      if (last !== undefined) countLoad(last.task.tally, part.counts);
      for (const { task, batch } of part.items) countBatch(task.tally, batch);
    }
    for (const { item, error } of outcome.failed)
      fail(item.task.tally, item.task.object.key, error);
    for (const { task } of items) await objectDone(task.tally);
  };

  const ahead = Math.max(1, options.concurrency, workers);
  const parsed = orderedMap(tasks(), ahead, readAndParse);
  let loading: Promise<void> = Promise.resolve();
  for await (const item of groupObjects(parsed, { groupLines: options.groupLines })) {
    if (item.kind === 'failed') {
      fail(item.task.tally, item.task.object.key, item.error);
      await objectDone(item.task.tally);
      continue;
    }
    // One group loads while the next is read, parsed and staged as text.
    const texts = groupTexts(item.items.map((i) => i.batch));
    await loading;
    loading = loadGroup(db, item.items, options.logger, texts).then((outcome) =>
      settle(item.items, outcome),
    );
  }
  await loading;
  report.seconds = Math.round((performance.now() - started) / 10) / 100;
  return report;
}
