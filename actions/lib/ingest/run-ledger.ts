import { describeError } from '../errors.ts';
import { formatInstant } from '../interval/instant.ts';
import type { Interval } from '../interval/types.ts';
import type { DatabasePool } from '../toar/database.ts';
import type { Logger } from '../util/logger.ts';
import { type AttemptInfo, recordFinish, recordStart } from './ingest-runs.ts';
import type { ListedInterval } from './list-objects.ts';
import type { GroupOutcome } from './load-group.ts';
import {
  addTally,
  countBatch,
  countLoad,
  emptyIngestReport,
  type IntervalTally,
  newTally,
} from './tally.ts';
import type { IngestReport } from './types.ts';

/** An object of the run, with the counters of its interval. */
export interface ObjectTask {
  tally: IntervalTally;
  object: { key: string };
}

/**
 * The last step of the pipeline: the run's accounts. It starts each interval's attempt in
 * `ops.ingest_runs`, counts what happens to its objects (loaded, failed), and records the attempt
 * once its last object is done, reporting progress; the report adds up every interval.
 *
 * @example
 * const ledger = new RunLedger(db, intervals.length, attempt, logger);
 * const tally = await ledger.open(listed, await ledger.start(interval));
 * ledger.fail(tally, key, error); await ledger.objectDone(tally);
 */
export class RunLedger {
  readonly report: IngestReport;
  readonly #db: DatabasePool;
  readonly #attempt: AttemptInfo;
  readonly #logger: Logger;
  readonly #onProgress:
    | ((progress: { done: number; total: number; label: string }) => void)
    | undefined;
  #finished = 0;
  /** Attempts started and not recorded yet: their tally once listed, else their interval. */
  readonly #open = new Map<number, IntervalTally | Interval>();
  /** The first failure to record an attempt (then no more are logged). */
  #recordError: unknown;

  constructor(
    db: DatabasePool,
    intervals: number,
    attempt: AttemptInfo,
    logger: Logger,
    onProgress?: (progress: { done: number; total: number; label: string }) => void,
  ) {
    this.report = emptyIngestReport(intervals);
    this.#db = db;
    this.#attempt = attempt;
    this.#logger = logger;
    this.#onProgress = onProgress;
  }

  /** Records that an interval's attempt starts (before it is listed); returns the attempt's id. */
  async start(interval: Interval): Promise<number> {
    const id = await recordStart(this.#db, interval, this.#attempt);
    this.#open.set(id, interval);
    return id;
  }

  /** Why an attempt could not be recorded, the first time it happened (the run should stop). */
  get recordError(): unknown {
    return this.#recordError;
  }

  /**
   * The counters of a listed interval; an interval without objects (or whose listing failed) is
   * recorded at once.
   */
  async open(listed: ListedInterval, attemptId: number): Promise<IntervalTally> {
    const tally = newTally(listed.interval, attemptId);
    this.#open.set(attemptId, tally);
    if (listed.error !== undefined) this.fail(tally, '(listing)', listed.error);
    tally.skipped = listed.skipped.length;
    for (const name of listed.skipped) {
      this.#logger.info(`skipped ${name}: not a fetch object, or not a regular file`);
    }
    tally.misfiled = listed.misfiled.length;
    for (const key of listed.misfiled) {
      this.#logger.warn(`misfiled ${key}: its fetch time is on another date; not ingested`);
    }
    const unchanged = listed.unchanged ?? [];
    tally.unchanged = unchanged.length;
    for (const object of unchanged) {
      this.#logger.info(`unchanged ${object.key}: its ETag ${object.etag} was loaded already`);
    }
    tally.listMs = listed.listMs;
    tally.loadStartedAt = performance.now();
    tally.objects = listed.objects.length + unchanged.length;
    tally.remaining = listed.objects.length;
    if (listed.objects.length === 0) await this.#finish(tally);
    return tally;
  }

  /**
   * Counts a failed object against its interval (listed in the report, and logged unless `log` is
   * false: when the run stops for one reason, that reason is said once, not once per object).
   */
  fail(tally: IntervalTally, key: string, error: unknown, log = true): void {
    const message = describeError(error);
    // Source errors name their object already.
    const line = message.includes(key) ? message : `${key}: ${message}`;
    if (log) this.#logger.error(line);
    tally.failed++;
    tally.errors.push(line);
    this.report.failures.push({
      key,
      interval: formatInstant(tally.interval.start),
      error: message,
    });
  }

  /**
   * Counts what loading a group came to (group-level counts go to the interval of the part's last
   * object), then marks its objects done, in their order.
   */
  async loaded<T extends ObjectTask>(
    items: readonly { task: T }[],
    outcome: GroupOutcome<T>,
    log = true,
  ): Promise<void> {
    for (const part of outcome.loaded) {
      const last = part.items.at(-1);
      if (last !== undefined) countLoad(last.task.tally, part.counts);
      for (const { task, batch } of part.items) countBatch(task.tally, batch);
    }
    for (const { item, error } of outcome.failed) {
      this.fail(item.task.tally, item.task.object.key, error, log);
    }
    for (const { task } of items) await this.objectDone(task.tally);
  }

  /** One object of the interval is done; the last one records the attempt. */
  async objectDone(tally: IntervalTally): Promise<void> {
    tally.remaining--;
    if (tally.remaining === 0) await this.#finish(tally);
  }

  /**
   * The run stops before its end (`reason`: a signal, the database lost): every attempt started
   * and not recorded yet is recorded as failed with the reason, its objects not loaded counted as
   * failed (once in the report, not logged: the shell says why the run stopped).
   */
  async interrupt(reason: string): Promise<void> {
    for (const [attemptId, open] of [...this.#open]) {
      const tally = 'attemptId' in open ? open : newTally(open, attemptId);
      const interval = formatInstant(tally.interval.start);
      tally.failed += tally.remaining;
      tally.remaining = 0;
      if (tally.loadStartedAt === 0) tally.loadStartedAt = performance.now();
      tally.errors.push(reason);
      this.report.failures.push({ key: '(interrupted)', interval, error: reason });
      await this.#finish(tally);
    }
  }

  async #finish(tally: IntervalTally): Promise<void> {
    this.#open.delete(tally.attemptId);
    addTally(this.report, tally);
    await recordFinish(this.#db, tally).catch((error) => {
      // The first failure stops the run (the pipeline reads recordError); after it the database
      // is usually gone, and one line per interval would only repeat it.
      if (this.#recordError !== undefined) return;
      this.#recordError = error;
    });
    this.#finished++;
    this.#onProgress?.({
      done: this.#finished,
      total: this.report.intervals,
      label: formatInstant(tally.interval.start),
    });
  }
}
