import type pg from 'pg';
import { formatInstant } from '../interval/instant.ts';

/** One UTC day of the ingest grid (what Airflow's grid view shows, by day). */
export interface DayStatus {
  day: string;
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

export interface StatusReport {
  days: DayStatus[];
  last_success: string | null;
  rejected: Record<string, number>;
  variables: { variable: string; stations: number; series: number }[];
}

/**
 * Reads the state of ingestion: per day from the first to the last attempted interval, the last
 * successful interval, rejected lines by reason, and stations and series per variable.
 */
export async function readStatus(pool: pg.Pool): Promise<StatusReport> {
  const days = await pool.query<DayStatus>(`
    WITH per_interval AS (
      SELECT interval_start,
             bool_or(status = 'succeeded') AS ok,
             max(objects) FILTER (WHERE status = 'succeeded') AS objects,
             bool_or(status = 'running' AND lease_until > now()) AS live
      FROM ops.ingest_runs GROUP BY interval_start
    ), bounds AS (
      SELECT date_trunc('day', min(interval_start) AT TIME ZONE 'UTC') AS first_day,
             date_trunc('day', max(interval_start) AT TIME ZONE 'UTC') AS last_day
      FROM per_interval
    ), days AS (
      SELECT generate_series(first_day, last_day, interval '1 day') AS day FROM bounds
      WHERE first_day IS NOT NULL
    )
    SELECT to_char(d.day, 'YYYY-MM-DD') AS day,
      count(*) FILTER (WHERE p.ok AND p.objects > 0)::integer AS ingested,
      count(*) FILTER (WHERE p.ok AND p.objects = 0)::integer AS empty,
      count(*) FILTER (WHERE NOT p.ok AND NOT p.live)::integer AS failed,
      count(*) FILTER (WHERE NOT p.ok AND p.live)::integer AS running,
      (144 - count(p.interval_start))::integer AS missing
    FROM days d
    LEFT JOIN per_interval p
      ON p.interval_start >= d.day AT TIME ZONE 'UTC'
     AND p.interval_start < (d.day + interval '1 day') AT TIME ZONE 'UTC'
    GROUP BY d.day ORDER BY d.day`);
  const last = await pool.query<{ last: Date | null }>(
    `SELECT max(interval_start) AS last FROM ops.ingest_runs WHERE status = 'succeeded'`,
  );
  const rejected = await pool.query<{ reason: string; n: number }>(
    'SELECT reason, count(*)::integer AS n FROM ops.rejected_records GROUP BY reason ORDER BY n DESC, reason',
  );
  const variables = await pool.query<{ variable: string; stations: number; series: number }>(`
    SELECT v.name AS variable, count(DISTINCT t.station_id)::integer AS stations,
           count(t.id)::integer AS series
    FROM toar.variables v LEFT JOIN toar.timeseries t ON t.variable_id = v.id
    GROUP BY v.id, v.name ORDER BY v.id`);
  const lastSuccess = last.rows[0]?.last;
  return {
    days: days.rows,
    last_success: lastSuccess ? formatInstant(lastSuccess.getTime()) : null,
    rejected: Object.fromEntries(rejected.rows.map((r) => [r.reason, r.n])),
    variables: variables.rows,
  };
}
