import { availableParallelism } from 'node:os';
import { DatabaseError, describeError } from '../errors.ts';
import { intervalsOf } from '../interval/range.ts';
import type { Interval } from '../interval/types.ts';
import type { Source, SourceObject } from '../openaq/source.ts';
import type { DatabasePool } from '../toar/database.ts';
import { RawLineRegistry } from '../toar/raw-line-registry.ts';
import type { Logger } from '../util/logger.ts';
import { orderedMap } from '../util/ordered-map.ts';
import { isConnectionLoss } from './connection-loss.ts';
import { dayIntervalsOf } from './day-intervals.ts';
import { GroupFormation } from './group-formation.ts';
import { groupObjects, type Parsed, type ParsedBatch } from './group-objects.ts';
import { listObjects } from './list-objects.ts';
import { loadGroup, loadLarge } from './load-group.ts';
import { type ObjectParser, openParser } from './parse-pool.ts';
import { RunLedger } from './run-ledger.ts';
import type { IntervalTally } from './tally.ts';
import type { IngestReport } from './types.ts';
import { unchangedObjects } from './unchanged-objects.ts';

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
  /** Decompressed bytes an object may have (the `max-object-bytes` setting); past them it fails. */
  maxObjectBytes: number;
  /** Lines per piece of a large object (see `parsePieces`). */
  pieceLines?: number;
  runUrl?: string;
  logger: Logger;
  onProgress?: (progress: { done: number; total: number; label: string }) => void;
  /**
   * Aborting stops the run (a shell's SIGINT/SIGTERM): no new object is taken, the group being
   * loaded finishes, and every attempt started and not finished is recorded as failed with the
   * signal's reason. The report says why the run stopped (`stopped`).
   */
  signal?: AbortSignal;
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
 * group is read and parsed) → record the attempt ({@link RunLedger}). A group's transaction opens
 * at its first object, and each object is staged in it as soon as it is parsed (its source row,
 * its rejected lines, when the pool may open two connections), its COPY texts made as it comes
 * ({@link GroupFormation}); the load then only writes the group's data, so little of it follows
 * the last parse. Objects load in fetch order, so that measurements repeated by consecutive
 * fetches are written once per group. A failed
 * object (it could not be read, its gzip is broken, its parse worker crashed) is reported and its
 * interval recorded as failed; the others still load. When a group fails on its data, its objects
 * are retried one by one, so that one bad object cannot hold back the rest.
 *
 * Group-level counts (stations, series, rows) are recorded with the interval of the group's last
 * object; the report's totals are exact.
 *
 * The run stops early, and says why in the report's `stopped`, when `options.signal` aborts or
 * the database is lost (a load or a record fails on the connection): no new object is taken, the
 * group being loaded finishes (a group is one transaction: it commits or rolls back whole), and
 * every attempt started and not finished is recorded as `failed` with that reason (as far as the
 * database still answers; an attempt left `running` counts as failed once its lease ends).
 *
 * @example
 * const report = await ingestRange(source, pool, { start, end }, { concurrency: 3, rulesVersion: 1,
 *   leaseMs: 3_600_000, maxObjectBytes: 2 ** 31, logger });
 */
export async function ingestRange(
  source: Source,
  db: DatabasePool,
  range: Interval,
  options: RangeOptions,
): Promise<IngestReport> {
  const workers = options.workers ?? availableParallelism();
  const parser = openParser(workers, {
    maxObjectBytes: options.maxObjectBytes,
    ...(options.pieceLines !== undefined ? { pieceLines: options.pieceLines } : {}),
  });
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
  const archive = source.layout === 'archive';
  // An archive interval is a UTC day (DESIGN.md), a real-time one 10 minutes.
  const intervals = archive ? dayIntervalsOf(range) : intervalsOf(range);
  const ledger = new RunLedger(
    db,
    intervals.length,
    {
      source: source.url,
      layout: archive ? 'archive' : 'realtime',
      rulesVersion: options.rulesVersion,
      leaseMs: options.leaseMs,
      ...(options.runUrl ? { runUrl: options.runUrl } : {}),
    },
    options.logger,
    options.onProgress,
  );

  // Why the run stops early: the caller's signal, or the pipeline's own reason (the database lost).
  const own = new AbortController();
  const halt = options.signal ? AbortSignal.any([options.signal, own.signal]) : own.signal;
  const stopWhenUnrecorded = () => {
    if (ledger.recordError !== undefined && !halt.aborted) {
      own.abort(databaseLost(ledger.recordError));
    }
  };

  // list: each interval's attempt starts before it is listed.
  async function* tasks(): AsyncGenerator<Task> {
    for (const interval of intervals) {
      if (halt.aborted) return;
      let attemptId: number;
      try {
        attemptId = await ledger.start(interval);
      } catch (error) {
        own.abort(databaseLost(error));
        return;
      }
      for await (let listed of listObjects(source, [interval])) {
        if (archive && listed.objects.length > 0) {
          try {
            const { toRead, unchanged } = await unchangedObjects(
              db,
              listed.objects,
              options.rulesVersion,
            );
            listed = { ...listed, objects: toRead, unchanged };
          } catch (error) {
            own.abort(databaseLost(error));
            return;
          }
        }
        const tally = await ledger.open(listed, attemptId);
        stopWhenUnrecorded();
        for (const object of listed.objects) {
          if (halt.aborted) return;
          yield { tally, object };
        }
      }
    }
  }

  // read and parse: never throws, a failure is a value. An object of one piece (every real fetch)
  // is a batch; a larger one is handed on as its pieces, parsed as they are loaded.
  const readAndParse = async (task: Task): Promise<Parsed<Task>> => {
    try {
      const body = source.read(task.object);
      const target = { ...task.object, rulesVersion: options.rulesVersion };
      const pieces = parser.parse(body, target, task.tally.interval.start);
      const iterator = pieces[Symbol.asyncIterator]();
      const first = await iterator.next();
      if (first.done) throw new Error(`${task.object.key}: the parse gave no piece`);
      const second = await iterator.next();
      if (second.done) {
        rawLines.adopt(first.value);
        return { task, batch: first.value };
      }
      return { task, pieces: piecesFrom([first.value, second.value], iterator) };
    } catch (error) {
      return { task, error };
    }
  };

  // The raw texts of rejected lines waiting to load, each once (fetches repeat them).
  const rawLines = new RawLineRegistry();
  const ahead = Math.max(1, options.concurrency, workers);
  const parsed = orderedMap(tasks(), ahead, readAndParse);
  let loading: Promise<void> = Promise.resolve();
  // The group being formed is made ready as its objects come (see GroupFormation).
  const formation = new GroupFormation(db, options.logger);
  const onJoin = (joined: ParsedBatch<Task>, first: boolean) => formation.join(joined.batch, first);
  try {
    for await (const item of groupObjects(parsed, { groupLines: options.groupLines, onJoin })) {
      if (halt.aborted) break;
      if (item.kind === 'failed') {
        ledger.fail(item.task.tally, item.task.object.key, item.error);
        await ledger.objectDone(item.task.tally);
        stopWhenUnrecorded();
        continue;
      }
      if (item.kind === 'large') {
        // Loaded alone, after the group before it, while its pieces are parsed.
        await loading;
        if (halt.aborted) break;
        const outcome = await loadLarge(db, item, options.logger);
        const lost = outcome.failed.find((f) => isConnectionLoss(f.error));
        if (lost !== undefined && !halt.aborted) own.abort(databaseLost(lost.error));
        await ledger.loaded([item], outcome, lost === undefined);
        stopWhenUnrecorded();
        formation.largeLoaded();
        continue;
      }
      // One group loads while the next is read, parsed and staged.
      const texts = formation.textsOf(item.items.map((i) => i.batch));
      await loading;
      // The group's staged transaction is rolled back below.
      if (halt.aborted) break;
      let onOpened = () => {};
      const opened = new Promise<void>((resolve) => {
        onOpened = resolve;
      });
      loading = loadGroup(db, item.items, options.logger, {
        texts,
        onOpened,
        ...formation.handOver(),
      }).then(async (outcome) => {
        formation.loaded(outcome);
        for (const { batch } of item.items) rawLines.release(batch);
        // A lost connection fails every object after it alike: the run stops, said once.
        const lost = outcome.failed.find((f) => isConnectionLoss(f.error));
        if (lost !== undefined && !halt.aborted) own.abort(databaseLost(lost.error));
        await ledger.loaded(item.items, outcome, lost === undefined);
        stopWhenUnrecorded();
      });
      formation.loadStarted(opened, loading);
    }
  } finally {
    // Nothing may use the pool once this returns: the shell closes it.
    await loading;
    await formation.abandon();
  }
  if (halt.aborted) {
    const reason = describeError(halt.reason);
    await ledger.interrupt(reason);
    ledger.report.stopped = reason;
  }
  ledger.report.seconds = Math.round((performance.now() - started) / 10) / 100;
  return ledger.report;
}

/** Why a run stops when the database no longer answers. */
function databaseLost(error: unknown): DatabaseError {
  return new DatabaseError('the database connection was lost', { cause: error });
}

/** `taken` (pieces already taken off `rest`), then the rest. */
async function* piecesFrom<P>(taken: readonly P[], rest: AsyncIterator<P>): AsyncGenerator<P> {
  try {
    yield* taken;
    for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
  } finally {
    await rest.return?.();
  }
}
