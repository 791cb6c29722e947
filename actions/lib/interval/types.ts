/** Ten minutes: the unit of every data interval. */
export const INTERVAL_MS = 600_000;

/** A data interval or chunk `[start, end)`, epoch milliseconds UTC. */
export interface Interval {
  start: number;
  end: number;
}

/** `planned`: handed to an ingest job that has not started yet (it holds a lease, as `running`). */
export type AttemptStatus = 'planned' | 'running' | 'succeeded' | 'failed';

/** One row of `ops.ingest_runs` as the planner sees it. */
export interface IntervalAttempt {
  /** Start of the 10-minute interval, epoch ms. */
  intervalStart: number;
  status: AttemptStatus;
  /** When the attempt began, epoch ms. */
  startedAt: number;
  /** A `running` attempt past this instant counts as failed (epoch ms). */
  leaseUntil: number;
  /** Objects the attempt found (0: the interval was empty). */
  objects: number;
  /** The rules version the attempt ran under. */
  rulesVersion: number;
}

export type ReprocessMode = 'missing' | 'failed' | 'outdated' | 'all';
