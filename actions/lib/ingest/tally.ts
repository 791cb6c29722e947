import type { Interval } from '../interval/types.ts';
import type { LoadCounts } from '../toar/load.ts';
import type { ObjectBatch } from '../toar/object-batch.ts';
import type { IngestReport } from './types.ts';

/** Counters of one interval's attempt, as `ops.ingest_runs` stores them. */
export interface IntervalTally {
  interval: Interval;
  /** `ops.ingest_runs.id` of the attempt. */
  attemptId: number;
  objects: number;
  skipped: number;
  /** Objects of its date folders filed under the wrong date (counted with the first interval listed). */
  misfiled: number;
  /** Archive objects not read again: their ETag is the one they were loaded from. */
  unchanged: number;
  failed: number;
  lines: number;
  accepted: number;
  rejected: Record<string, number>;
  counts: LoadCounts;
  listMs: number;
  /** `performance.now()` when its objects started loading. */
  loadStartedAt: number;
  errors: string[];
  /** Objects not finished yet; the interval is recorded when this reaches 0 after listing. */
  remaining: number;
}

/**
 * An interval's counters before anything was counted.
 *
 * @example
 * const tally = newTally(interval, await recordStart(db, interval, attempt));
 */
export function newTally(interval: Interval, attemptId: number): IntervalTally {
  return {
    interval,
    attemptId,
    objects: 0,
    skipped: 0,
    misfiled: 0,
    unchanged: 0,
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
}

/** Adds a loaded object's lines to its interval's counters. */
export function countBatch(tally: IntervalTally, batch: ObjectBatch): void {
  tally.lines += batch.lines;
  tally.accepted += batch.accepted;
  for (const [reason, n] of Object.entries(batch.rejectedByReason)) {
    tally.rejected[reason] = (tally.rejected[reason] ?? 0) + n;
  }
}

/** Adds what a load changed to an interval's counters. */
export function countLoad(tally: IntervalTally, counts: LoadCounts): void {
  tally.counts.stationsCreated += counts.stationsCreated;
  tally.counts.seriesCreated += counts.seriesCreated;
  tally.counts.rowsInserted += counts.rowsInserted;
  tally.counts.rowsUpdated += counts.rowsUpdated;
}

/**
 * A report with nothing counted yet.
 *
 * @example
 * emptyIngestReport(6).intervals; // 6
 */
export function emptyIngestReport(intervals = 0): IngestReport {
  return {
    intervals,
    objects: 0,
    objects_skipped: 0,
    objects_failed: 0,
    objects_misfiled: 0,
    objects_unchanged: 0,
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

/** Adds a finished interval's counters to the report. */
export function addTally(report: IngestReport, tally: IntervalTally): void {
  report.objects += tally.objects;
  report.objects_skipped += tally.skipped;
  report.objects_failed += tally.failed;
  report.objects_misfiled += tally.misfiled;
  report.objects_unchanged += tally.unchanged;
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
