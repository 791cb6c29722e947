// ops.ingest_runs: every attempt of every interval (DESIGN.md, "The data interval"). The only module
// that writes or reads that table.
import { DatabaseError } from '../errors.ts';
import type { IntervalAttempt } from '../interval/types.ts';
import type { DatabasePool } from '../toar/database.ts';
import type { IntervalTally } from './tally.ts';
import type { Interval } from './types.ts';

/** What an attempt records about itself when it starts. */
export interface AttemptInfo {
  /** The source's URL. */
  source: string;
  /** The source's layout (default `realtime`): the watermark is kept per source and layout. */
  layout?: 'realtime' | 'archive';
  rulesVersion: number;
  /** A `running` attempt older than this counts as failed for the planner. */
  leaseMs: number;
  /** The GitHub Actions run URL. */
  runUrl?: string;
}

/**
 * Records the start of an attempt (status `running`, with its lease) and returns its id: the
 * interval's newest `planned` attempt becomes it (taken over, whatever its lease), else a new one.
 *
 * @example
 * const id = await recordStart(db, interval, { source: source.url, rulesVersion: 1, leaseMs });
 */
export async function recordStart(
  db: DatabasePool,
  interval: Interval,
  attempt: AttemptInfo,
): Promise<number> {
  const { rows } = await db.query<{ id: string }>(
    `WITH planned AS (
       SELECT id FROM ops.ingest_runs
       WHERE interval_start = $1 AND interval_end = $2 AND status = 'planned' AND layout = $7
       ORDER BY started_at DESC, id DESC LIMIT 1
       FOR UPDATE SKIP LOCKED
     ), taken AS (
       UPDATE ops.ingest_runs r SET status = 'running', started_at = now(),
         lease_until = now() + $3 * interval '1 millisecond', source = $4, rules_version = $5,
         run_url = $6
       FROM planned WHERE r.id = planned.id
       RETURNING r.id
     ), added AS (
       INSERT INTO ops.ingest_runs
         (interval_start, interval_end, status, lease_until, source, rules_version, run_url, layout)
       SELECT $1, $2, 'running', now() + $3 * interval '1 millisecond', $4, $5, $6, $7
       WHERE NOT EXISTS (SELECT 1 FROM taken)
       RETURNING id
     )
     SELECT id FROM taken UNION ALL SELECT id FROM added`,
    [
      new Date(interval.start),
      new Date(interval.end),
      attempt.leaseMs,
      attempt.source,
      attempt.rulesVersion,
      attempt.runUrl ?? null,
      attempt.layout ?? 'realtime',
    ],
  );
  const id = rows[0]?.id;
  if (id === undefined) throw new DatabaseError('recording the start of an attempt returned no id');
  return Number(id);
}

/** What a plan's `planned` attempts are recorded with. */
export interface PlannedLease {
  /** How long they hold the intervals before counting as failed. */
  readonly leaseMs: number;
  readonly rulesVersion: number;
  /** The GitHub Actions run URL of the plan. */
  readonly runUrl?: string | undefined;
  /** The layout planned for (default `realtime`): its intervals are 10 minutes, the archive's days. */
  readonly layout?: 'realtime' | 'archive';
  /** The source planned for, when the plan names one; else {@link PLANNED_SOURCE}. */
  readonly source?: string;
}

/** The source a planned attempt names until its ingest job takes it over. */
export const PLANNED_SOURCE = '(planned)';

/**
 * Records a `planned` attempt for every interval of `chunks` (10 minutes; a day for the archive
 * layout), in one statement.
 *
 * @returns how many were recorded
 * @example await recordPlanned(db, [{ start, end }], { leaseMs: 3_600_000, rulesVersion: 1 })
 */
export async function recordPlanned(
  db: DatabasePool,
  chunks: readonly Interval[],
  lease: PlannedLease,
): Promise<number> {
  if (chunks.length === 0) return 0;
  const { rowCount } = await db.query(
    `INSERT INTO ops.ingest_runs
       (interval_start, interval_end, status, lease_until, source, rules_version, run_url, layout)
     SELECT s, s + $8::interval, 'planned', now() + $3 * interval '1 millisecond', $4, $5, $6, $7
     FROM unnest($1::timestamptz[], $2::timestamptz[]) AS c(first, stop),
          generate_series(c.first, c.stop - $8::interval, $8::interval) AS s`,
    [
      chunks.map((c) => new Date(c.start)),
      chunks.map((c) => new Date(c.end)),
      lease.leaseMs,
      lease.source ?? PLANNED_SOURCE,
      lease.rulesVersion,
      lease.runUrl ?? null,
      lease.layout ?? 'realtime',
      lease.layout === 'archive' ? '1 day' : '10 minutes',
    ],
  );
  return rowCount ?? 0;
}

/**
 * Records the outcome of an attempt from its tally (`failed` when an object failed or the attempt
 * was interrupted: its `errors` say why), with a
 * synchronous commit, which also makes the (asynchronous) loads before it durable.
 *
 * @example
 * await recordFinish(db, tally);
 */
export async function recordFinish(db: DatabasePool, tally: IntervalTally): Promise<void> {
  const rejected = Object.values(tally.rejected).reduce((a, b) => a + b, 0);
  await db.query(
    `UPDATE ops.ingest_runs SET
       status = $2, finished_at = now(), objects = $3, objects_skipped = $4, objects_failed = $5,
       lines = $6, accepted = $7, rejected = $8, rejected_by_reason = $9, stations_created = $10,
       series_created = $11, rows_inserted = $12, rows_updated = $13, list_ms = $14, load_ms = $15,
       error = $16, objects_unchanged = $17
     WHERE id = $1`,
    [
      tally.attemptId,
      // An interrupted attempt may have no failed object (it stopped before listing): its error says why.
      tally.failed > 0 || tally.errors.length > 0 ? 'failed' : 'succeeded',
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
      tally.unchanged,
    ],
  );
}

/**
 * Every attempt of the intervals starting in `[from, to)`.
 *
 * @example
 * const attempts = await readAttempts(db, since, now);
 */
export async function readAttempts(
  db: DatabasePool,
  from: number,
  to: number,
  /** Only the attempts of one layout (the watermark is kept per layout), and of one source when given. */
  filter: { layout?: 'realtime' | 'archive'; source?: string } = {},
): Promise<IntervalAttempt[]> {
  const { rows } = await db.query<{
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
     FROM ops.ingest_runs WHERE interval_start >= $1 AND interval_start < $2
       AND ($3::text IS NULL OR layout = $3) AND ($4::text IS NULL OR source = $4)`,
    [new Date(from), new Date(to), filter.layout ?? null, filter.source ?? null],
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
