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
  start(interval: Interval): Promise<number> {
    return recordStart(this.#db, interval, this.#attempt);
  }

  /**
   * The counters of a listed interval; an interval without objects (or whose listing failed) is
   * recorded at once.
   */
  async open(listed: ListedInterval, attemptId: number): Promise<IntervalTally> {
    const tally = newTally(listed.interval, attemptId);
    if (listed.error !== undefined) this.fail(tally, '(listing)', listed.error);
    tally.skipped = listed.skipped.length;
    for (const name of listed.skipped) {
      this.#logger.info(`skipped ${name}: not a fetch object, or not a regular file`);
    }
    tally.misfiled = listed.misfiled.length;
    for (const key of listed.misfiled) {
      this.#logger.warn(`misfiled ${key}: its fetch time is on another date; not ingested`);
    }
    tally.listMs = listed.listMs;
    tally.loadStartedAt = performance.now();
    tally.objects = listed.objects.length;
    tally.remaining = listed.objects.length;
    if (listed.objects.length === 0) await this.#finish(tally);
    return tally;
  }

  /** Counts a failed object against its interval (logged, and listed in the report). */
  fail(tally: IntervalTally, key: string, error: unknown): void {
    const message = describeError(error);
    // Source errors name their object already.
    const line = message.includes(key) ? message : `${key}: ${message}`;
    this.#logger.error(line);
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
  ): Promise<void> {
    for (const part of outcome.loaded) {
      const last = part.items.at(-1);
      if (last !== undefined) countLoad(last.task.tally, part.counts);
      for (const { task, batch } of part.items) countBatch(task.tally, batch);
    }
    for (const { item, error } of outcome.failed) {
      this.fail(item.task.tally, item.task.object.key, error);
    }
    for (const { task } of items) await this.objectDone(task.tally);
  }

  /** One object of the interval is done; the last one records the attempt. */
  async objectDone(tally: IntervalTally): Promise<void> {
    tally.remaining--;
    if (tally.remaining === 0) await this.#finish(tally);
  }

  async #finish(tally: IntervalTally): Promise<void> {
    addTally(this.report, tally);
    await recordFinish(this.#db, tally).catch((error) => {
      this.#logger.error(
        `could not record the attempt of ${formatInstant(tally.interval.start)}: ${describeError(error)}`,
      );
    });
    this.#finished++;
    this.#onProgress?.({
      done: this.#finished,
      total: this.report.intervals,
      label: formatInstant(tally.interval.start),
    });
  }
}
