import type pg from 'pg';
import { DAY_MS } from '../interval/duration.ts';
import { formatInstant } from '../interval/instant.ts';
import { INTERVAL_MS } from '../interval/types.ts';

/** Ten-minute intervals in a UTC day of the real-time layout, 144 (an archive day is one interval). */
const REALTIME_INTERVALS_PER_DAY = DAY_MS / INTERVAL_MS;

/** One UTC day of the ingest grid (what Airflow's grid view shows, by day). */
export interface DayStatus {
  day: string;
  /**
   * The day's intervals: 144 ten-minute intervals of the real-time layout, one for an archive
   * day (145 on a day attempted in both layouts).
   */
  intervals: number;
  /** Intervals whose latest outcome is a success that found objects. */
  ingested: number;
  /** Succeeded, but no object was there. */
  empty: number;
  /** Attempted, never succeeded (an expired `running` lease counts). */
  failed: number;
  /** Being ingested now (a `running` attempt within its lease). */
  running: number;
  /** Never attempted. */
  missing: number;
}

/** Stations and series of one variable, and its newest measurement. */
export interface VariableStatus {
  variable: string;
  stations: number;
  series: number;
  /** The newest `toar.data` datetime of any of its series, or null without data. */
  newest: string | null;
}

/** A station, where it is (for the site's map) and what it measures. */
export interface StationStatus {
  id: number;
  name: string;
  lat: number;
  lng: number;
  /** Variables with a series there, sorted. */
  variables: string[];
  /** Its newest measurement of any variable, or null. */
  newest: string | null;
}

/** A recorded training run, as the site lists it. */
export interface TrainingRunStatus {
  id: string;
  experiment: string;
  status: 'running' | 'succeeded' | 'failed';
  started_at: string;
  duration_ms: number | null;
  variable: string;
  station: string | null;
  rows: number | null;
  metrics: Record<string, number>;
}

/**
 * The pipeline's time per task and UTC day (by the interval's or the run's start): listing and
 * loading the day's intervals (their succeeded attempts), and training.
 */
export interface DayTimings {
  day: string;
  intervals: number;
  list_ms: number;
  load_ms: number;
  training_runs: number;
  training_ms: number;
}

/**
 * One day of `npm start`'s evaluation (actions/lib/demo/): seconds per task of the original
 * design's evaluation, and what the day trained. `download` lists the day's objects (reading them
 * is streamed into the load), `load` reads, converts and loads them, `selection` selects the
 * station's ozone into the training table (and builds the features), `training` runs the project,
 * `publication` publishes the version and decides its promotion.
 */
export interface EvaluationDay {
  /** `YYYY-MM-DD`. */
  readonly day: string;
  readonly download: number;
  readonly load: number;
  readonly selection: number | null;
  readonly training: number | null;
  readonly publication: number | null;
  /** Lines read from the day's fetches. */
  readonly records: number;
  /** Rows of `toar.data` after the day: the database's size. */
  readonly database_rows: number;
  /** Hourly rows the project trained on. */
  readonly training_rows: number | null;
  readonly rmse: number | null;
  readonly skill: number | null;
  /** The version published, and whether it became production. */
  readonly version: number | null;
  readonly promoted: boolean;
  /** Why the day's training or publication failed. */
  readonly error: string | null;
}

export interface StatusReport {
  days: DayStatus[];
  last_success: string | null;
  rejected: Record<string, number>;
  variables: VariableStatus[];
  stations: StationStatus[];
  /** The newest runs first, at most {@link STATUS_TRAINING_RUNS}. */
  training_runs: TrainingRunStatus[];
  timings: DayTimings[];
  /** `npm start`'s evaluation, day by day, when the status was taken by it (the database has none). */
  evaluation?: EvaluationDay[];
}

/** How many training runs the status lists. */
export const STATUS_TRAINING_RUNS = 100;

/**
 * Reads the state of ingestion: per day from the first to the last attempted interval, the last
 * successful interval, rejected lines by reason, stations and series per variable with their newest
 * data, every station with its coordinates, the newest training runs, and the time per task and day
 * (what `freshet status --json` prints and the registry site's data page shows).
 */
export async function readStatus(pool: pg.Pool): Promise<StatusReport> {
  // A day's intervals are those of the layouts attempted that day (a day attempted with neither,
  // between attempted days, takes those of the last day before it that was attempted).
  const days = await pool.query<DayStatus>(`
    WITH per_interval AS (
      SELECT layout, interval_start,
             bool_or(status = 'succeeded') AS ok,
             max(objects) FILTER (WHERE status = 'succeeded') AS objects,
             bool_or(status IN ('running', 'planned') AND lease_until > now()) AS live
      FROM ops.ingest_runs GROUP BY layout, interval_start
    ), bounds AS (
      SELECT date_trunc('day', min(interval_start) AT TIME ZONE 'UTC') AS first_day,
             date_trunc('day', max(interval_start) AT TIME ZONE 'UTC') AS last_day
      FROM per_interval
    ), days AS (
      SELECT generate_series(first_day, last_day, interval '1 day') AS day FROM bounds
      WHERE first_day IS NOT NULL
    ), per_day AS (
      SELECT d.day,
        count(*) FILTER (WHERE p.ok AND p.objects > 0)::integer AS ingested,
        count(*) FILTER (WHERE p.ok AND p.objects = 0)::integer AS empty,
        count(*) FILTER (WHERE NOT p.ok AND NOT p.live)::integer AS failed,
        count(*) FILTER (WHERE NOT p.ok AND p.live)::integer AS running,
        count(p.interval_start)::integer AS attempted,
        (CASE WHEN bool_or(p.layout = 'realtime') THEN ${REALTIME_INTERVALS_PER_DAY} ELSE 0 END
         + CASE WHEN bool_or(p.layout = 'archive') THEN 1 ELSE 0 END) AS own
      FROM days d
      LEFT JOIN per_interval p
        ON p.interval_start >= d.day AT TIME ZONE 'UTC'
       AND p.interval_start < (d.day + interval '1 day') AT TIME ZONE 'UTC'
      GROUP BY d.day
    ), carried AS (
      SELECT *, count(*) FILTER (WHERE own > 0) OVER (ORDER BY day) AS attempted_days FROM per_day
    ), expected AS (
      SELECT *, max(own) OVER (PARTITION BY attempted_days) AS intervals FROM carried
    )
    SELECT to_char(day, 'YYYY-MM-DD') AS day, intervals::integer AS intervals, ingested, empty,
           failed, running, greatest(intervals - attempted, 0)::integer AS missing
    FROM expected ORDER BY day`);
  const last = await pool.query<{ last: Date | null }>(
    `SELECT max(interval_start) AS last FROM ops.ingest_runs WHERE status = 'succeeded'`,
  );
  // Each object's counts, as its last load made them (migration 011): a row per object, not per
  // rejected line.
  const rejected = await pool.query<{ reason: string; n: number }>(
    `SELECT r.reason, sum(r.n::bigint)::float8 AS n
     FROM ops.source_objects o, jsonb_each_text(o.rejected_by_reason) AS r (reason, n)
     GROUP BY r.reason HAVING sum(r.n::bigint) > 0 ORDER BY n DESC, r.reason`,
  );
  // Each series' newest row is one backward step of the (timeseries_id, datetime) key's index.
  const series = `
    SELECT t.id, t.station_id, t.variable_id,
           (SELECT max(d.datetime) FROM toar.data d WHERE d.timeseries_id = t.id) AS newest
    FROM toar.timeseries t`;
  const variables = await pool.query<Omit<VariableStatus, 'newest'> & { newest: Date | null }>(`
    WITH series AS (${series})
    SELECT v.name AS variable, count(DISTINCT s.station_id)::integer AS stations,
           count(s.id)::integer AS series, max(s.newest) AS newest
    FROM toar.variables v LEFT JOIN series s ON s.variable_id = v.id
    GROUP BY v.id, v.name ORDER BY v.id`);
  const stations = await pool.query<Omit<StationStatus, 'newest'> & { newest: Date | null }>(`
    WITH series AS (${series})
    SELECT m.id::integer AS id, m.name, m.lat, m.lng,
           array_agg(DISTINCT v.name ORDER BY v.name) AS variables, max(s.newest) AS newest
    FROM toar.stationmeta_core m
    JOIN series s ON s.station_id = m.id JOIN toar.variables v ON v.id = s.variable_id
    GROUP BY m.id ORDER BY m.id`);
  const runs = await pool.query<
    Omit<TrainingRunStatus, 'started_at' | 'duration_ms' | 'metrics'> & {
      started_at: Date;
      duration_ms: string | null;
      metrics: Record<string, number> | null;
    }
  >(
    `SELECT id, experiment, status, started_at, duration_ms, variable, station_name AS station,
            rows, metrics
     FROM ops.training_runs ORDER BY started_at DESC, id LIMIT $1`,
    [STATUS_TRAINING_RUNS],
  );
  const timings = await pool.query<DayTimings>(`
    WITH ingest AS (
      SELECT to_char(interval_start AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
             count(*)::integer AS intervals,
             coalesce(sum(list_ms), 0)::bigint AS list_ms, coalesce(sum(load_ms), 0)::bigint AS load_ms
      FROM ops.ingest_runs WHERE status = 'succeeded' GROUP BY 1
    ), training AS (
      SELECT to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
             count(*)::integer AS training_runs,
             coalesce(sum(duration_ms), 0)::bigint AS training_ms
      FROM ops.training_runs GROUP BY 1
    )
    SELECT day, coalesce(i.intervals, 0) AS intervals,
           coalesce(i.list_ms, 0)::float8 AS list_ms, coalesce(i.load_ms, 0)::float8 AS load_ms,
           coalesce(t.training_runs, 0) AS training_runs,
           coalesce(t.training_ms, 0)::float8 AS training_ms
    FROM ingest i FULL JOIN training t USING (day) ORDER BY day`);
  const lastSuccess = last.rows[0]?.last;
  const instant = (date: Date | null) => (date ? formatInstant(date.getTime()) : null);
  return {
    days: days.rows,
    last_success: instant(lastSuccess ?? null),
    rejected: Object.fromEntries(rejected.rows.map((r) => [r.reason, r.n])),
    variables: variables.rows.map((v) => ({ ...v, newest: instant(v.newest) })),
    stations: stations.rows.map((s) => ({ ...s, newest: instant(s.newest) })),
    training_runs: runs.rows.map((r) => ({
      ...r,
      started_at: r.started_at.toISOString(),
      duration_ms: r.duration_ms === null ? null : Number(r.duration_ms),
      metrics: r.metrics ?? {},
    })),
    timings: timings.rows,
  };
}
