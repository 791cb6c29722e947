// Data selection: one station's hourly series of a variable over a window, into the training table
// (DESIGN.md, Training projects). Every query reaches toar.data through its primary key
// (timeseries_id, datetime), one range scan per series in each month of the window (toar.data is
// partitioned by month, and the window's bounds prune the others), so the cost follows the rows
// selected and not the size of the table — the step that grew with the database in the design we
// re-create.
import type pg from 'pg';
import { DatabaseError, FreshetError, UsageError } from '../../errors.ts';
import type { HourlySeries } from './features.ts';
import { HOUR_MS } from './hours.ts';
import { formatStationRef, type SelectionRequest, type StationRef } from './selection-request.ts';
import { type TrainingRow, trainingRowsSha256 } from './table-digest.ts';
import { quoteTableName } from './table-name.ts';

/** Series averaged over at most this many minutes are hourly material (15-minute and hourly alike). */
export const MAX_AVERAGING_MINUTES = 60;

/** The station a reference resolved to. */
export interface SelectedStation {
  readonly id: number;
  readonly name: string;
  /** Its key, canonical decimal text (`34.8378`). */
  readonly latKey: string;
  readonly lngKey: string;
}

/** The training table's rows in memory: a {@link HourlySeries} with each hour's count. */
export interface SelectedSeries extends HourlySeries {
  readonly times: Float64Array;
  readonly values: Float64Array;
  readonly counts: Int32Array;
}

/** What {@link selectTrainingData} selected, and where it put it. */
export interface TrainingSelection {
  /** The training table, as named by the caller. */
  readonly table: string;
  readonly station: SelectedStation;
  readonly variable: string;
  /** The series averaged into the hours (averaging period ≤ 60 minutes), by id. */
  readonly seriesIds: readonly number[];
  /** The window selected, `[from, to)`, epoch ms. */
  readonly from: number;
  readonly to: number;
  /** Rows of the table (hours with data). */
  readonly rows: number;
  /** sha256 of the table (see `trainingRowsSha256`). */
  readonly sha256: string;
  /** The table's rows in memory, in time order: its hourly means (for the feature table) and counts. */
  readonly series: SelectedSeries;
}

/**
 * Where the archive's series come from (`toar.timeseries.data_origin`): their averaging is not
 * stated, and their `datetime` marks the end of the measurement period (DESIGN.md).
 */
export const ARCHIVE_ORIGIN = 'openaq-archive';

/**
 * How far a series' rows are moved back before they are put in an hour: an archive row belongs to
 * the hour that ends at its `datetime` (01:00 → the hour from 00:00), so it is read a microsecond
 * earlier (timestamptz's resolution); a real-time row belongs to the hour it starts in. A
 * boolean[] parameter parallel to the ids says which series mark the end of their periods.
 */
const series = (ends: string) => `unnest($1::bigint[], ${ends}::boolean[]) AS s(id, ends)
CROSS JOIN LATERAL (
  SELECT CASE WHEN s.ends THEN interval '1 microsecond' ELSE interval '0' END AS shift) sh`;

/**
 * Which of `seriesIds` mark the end of their periods (archive series): the `$4` of
 * {@link HOURLY_MEANS_SQL} and the `$3` of {@link NEWEST_SQL}.
 *
 * @example await periodEnds(client, [12, 13]) // [false, true]
 */
export async function periodEnds(
  client: pg.ClientBase,
  seriesIds: readonly number[],
): Promise<boolean[]> {
  const { rows } = await client.query<{ id: string }>(
    'SELECT id FROM toar.timeseries WHERE id = ANY($1::bigint[]) AND data_origin = $2',
    [seriesIds, ARCHIVE_ORIGIN],
  );
  const archive = new Set(rows.map((r) => Number(r.id)));
  return seriesIds.map((id) => archive.has(id));
}

/**
 * Hourly means of series `$1` (bigint[]) in `[$2, $3)`: one row per UTC hour with any unflagged
 * value, `(datetime, value, n)`; an archive row (`$4`, see {@link periodEnds}) counts in the hour
 * that ends at its datetime, so its window is `($2, $3]`. The LATERAL subquery makes each series one primary-key range scan
 * in each month of the window (toar.data's partitions).
 * Each hour's values are summed in ascending order: floating-point sums depend on their order, and
 * this one is a function of the values alone, so the mean (and the table's sha256) does not depend
 * on the plan, the series ids or the order rows were stored in. Exported so that tests can EXPLAIN
 * the very text that runs.
 */
export const HOURLY_MEANS_SQL = `
SELECT date_trunc('hour', d.datetime - sh.shift, 'UTC') AS datetime,
       avg(d.value ORDER BY d.value) AS value,
       count(*)::integer AS n
FROM ${series('$4')}
CROSS JOIN LATERAL (
  SELECT datetime, value FROM toar.data
  WHERE timeseries_id = s.id AND datetime >= $2::timestamptz + sh.shift
    AND datetime < $3::timestamptz + sh.shift AND flags = 0
    -- Both shifts' windows, in terms of the parameters alone: the planner reads only the window's
    -- months of toar.data (partition pruning), however many months it holds.
    AND datetime >= $2::timestamptz AND datetime < $3::timestamptz + interval '1 microsecond'
) d
GROUP BY 1`;

/**
 * The newest unflagged row of series `$1` (bigint[]) not after `$2` (the present; `$3` as
 * {@link periodEnds} says, an archive row's instant is a microsecond before its datetime): a backward
 * primary-key scan per series. A row dated in the future (9999-12-31, 2099, stored before the
 * rule `future-date`) would otherwise end the window beyond any data, or beyond what a timestamp
 * can hold.
 */
export const NEWEST_SQL = `
SELECT max(d.datetime - sh.shift) AS newest
FROM ${series('$3')}
CROSS JOIN LATERAL (
  SELECT datetime FROM toar.data
  WHERE timeseries_id = s.id AND datetime <= $2::timestamptz AND flags = 0
  ORDER BY datetime DESC LIMIT 1
) d`;

/**
 * Finds the station a reference names. Coordinates are rounded in SQL: `round(numeric, 4)` rounds
 * half away from zero on the decimal text it is given, and that text is JavaScript's `String(x)` of
 * the coordinate — the very rule ingest keys stations by (DESIGN.md), without importing openaq.
 *
 * @throws UsageError when no station matches
 */
export async function resolveStation(
  client: pg.ClientBase,
  ref: StationRef,
): Promise<SelectedStation> {
  const columns =
    'id, name, trim_scale(lat_key)::text AS lat_key, trim_scale(lng_key)::text AS lng_key';
  const { rows } =
    ref.kind === 'id'
      ? await client.query(`SELECT ${columns} FROM toar.stationmeta_core WHERE id = $1`, [ref.id])
      : await client.query(
          `SELECT ${columns} FROM toar.stationmeta_core
           WHERE lat_key = round($1::numeric, 4) AND lng_key = round($2::numeric, 4)`,
          [String(ref.lat), String(ref.lng)],
        );
  const row = rows[0];
  if (row === undefined) {
    throw new UsageError(
      ref.kind === 'id'
        ? `no station has id ${ref.id}`
        : `no station at ${formatStationRef(ref)} (stations are matched on coordinates rounded to 4 decimals)`,
    );
  }
  return { id: Number(row.id), name: row.name, latKey: row.lat_key, lngKey: row.lng_key };
}

/**
 * The ids of the station's series of `variable` averaged over at most 60 minutes, in id order.
 *
 * @throws UsageError when the variable is unknown or the station has no such series (naming what
 *   it does have)
 */
export async function findHourlySeries(
  client: pg.ClientBase,
  station: SelectedStation,
  variable: string,
): Promise<number[]> {
  const { rows } = await client.query(
    `SELECT t.id, v.name AS variable, t.averaging_minutes AS minutes, t.data_origin AS origin,
            t.label
     FROM toar.timeseries t JOIN toar.variables v ON v.id = t.variable_id
     WHERE t.station_id = $1 ORDER BY t.id`,
    [station.id],
  );
  // Archive series (one per sensor, averaging not stated: the sensor's own 1 to 60 minutes) are
  // hourly material like sub-hourly ones; several sensors of the variable are averaged together.
  const eligible = rows.filter(
    (r) =>
      r.variable === variable &&
      (r.origin === ARCHIVE_ORIGIN || (r.minutes !== null && r.minutes <= MAX_AVERAGING_MINUTES)),
  );
  if (eligible.length > 0) return eligible.map((r) => Number(r.id));
  const known = await client.query('SELECT name FROM toar.variables ORDER BY id');
  const names: string[] = known.rows.map((r) => r.name);
  if (!names.includes(variable)) {
    throw new UsageError(
      `variable ${variable} is not a TOAR variable: use one of ${names.join(', ')}`,
    );
  }
  const has =
    rows
      .map(
        (r) => `${r.variable} (${r.minutes === null ? `sensor ${r.label}` : `${r.minutes} min`})`,
      )
      .join(', ') || 'no series';
  throw new UsageError(
    `station ${station.id} (${station.name}) has no ${variable} series averaged over ${MAX_AVERAGING_MINUTES} minutes or less; it has ${has}`,
  );
}

/**
 * The window's bounds in epoch ms: a range as given; a duration ending at `to`, or at the end of
 * the newest hour with an unflagged row of the series not after `now` (epoch ms: the present).
 *
 * @throws UsageError when a duration must end at the newest data and there is none
 * @example
 * await resolveWindow(client, request, [12, 13], Date.now()); // → { from, to }
 */
export async function resolveWindow(
  client: pg.ClientBase,
  request: SelectionRequest,
  seriesIds: readonly number[],
  now: number,
): Promise<{ from: number; to: number }> {
  const window = request.window;
  if (window.kind === 'range') return { from: window.from, to: window.to };
  if (window.to !== undefined) return { from: window.to - window.durationMs, to: window.to };
  const { rows } = await client.query(NEWEST_SQL, [
    seriesIds,
    new Date(now).toISOString(),
    await periodEnds(client, seriesIds),
  ]);
  const newest: Date | null = rows[0]?.newest ?? null;
  if (newest === null) {
    throw new UsageError(
      `station ${formatStationRef(request.station)} has no unflagged ${request.variable} data for a window to end at: give the window's end (to)`,
    );
  }
  const to = Math.floor(newest.getTime() / HOUR_MS) * HOUR_MS + HOUR_MS;
  return { from: to - window.durationMs, to };
}

function rowsToSeries(rows: readonly TrainingRow[]): SelectedSeries {
  return {
    times: Float64Array.from(rows, (r) => r.datetime),
    values: Float64Array.from(rows, (r) => r.value),
    counts: Int32Array.from(rows, (r) => r.n),
  };
}

function readRow(row: { datetime: Date; value: number; n: number }): TrainingRow {
  return { datetime: row.datetime.getTime(), value: row.value, n: row.n };
}

/**
 * The hourly means of `seriesIds` in `[from, to)`, in time order, without writing anything (the
 * feature table reads other variables this way).
 */
export async function readHourlyMeans(
  client: pg.ClientBase,
  seriesIds: readonly number[],
  from: number,
  to: number,
): Promise<TrainingRow[]> {
  const { rows } = await client.query(`${HOURLY_MEANS_SQL} ORDER BY 1`, [
    seriesIds,
    new Date(from).toISOString(),
    new Date(to).toISOString(),
    await periodEnds(client, seriesIds),
  ]);
  return rows.map(readRow);
}

/**
 * Selects one station's hourly series of a variable over a window into a new table `table`
 * `(datetime timestamptz primary key, value double precision, n integer)`: per UTC hour `[h, h+1h)`
 * with data, the mean of the unflagged (flags = 0) values of every series of that variable averaged
 * over at most 60 minutes, and their count. Hours without data are absent. The table is created
 * and filled in one transaction (it exists whole or not at all); drop it with {@link dropTables}.
 *
 * @param client a connection of its own (the selection runs in a transaction on it)
 * @param options.now the present (epoch ms): a default window ends at the newest data not after it
 * @throws UsageError when the station, variable or window cannot be resolved or the table name is
 *   unusable; DatabaseError when the database refuses (e.g. the table exists already)
 * @example
 * const selection = await selectTrainingData(client, request, {
 *   table: 'public.freshet_training_42',
 *   now: Date.now(),
 * });
 * selection.rows; selection.sha256; selection.from; selection.to
 */
export async function selectTrainingData(
  client: pg.ClientBase,
  request: SelectionRequest,
  options: { table: string; now: number },
): Promise<TrainingSelection> {
  const table = quoteTableName(options.table);
  const context = `selecting ${request.variable} of station ${formatStationRef(request.station)} into ${options.table}`;
  try {
    const station = await resolveStation(client, request.station);
    const seriesIds = await findHourlySeries(client, station, request.variable);
    const { from, to } = await resolveWindow(client, request, seriesIds, options.now);
    const bounds = [
      seriesIds,
      new Date(from).toISOString(),
      new Date(to).toISOString(),
      await periodEnds(client, seriesIds),
    ];
    await client.query('BEGIN');
    try {
      await client.query(
        `CREATE TABLE ${table} (
           datetime timestamptz PRIMARY KEY, value double precision NOT NULL, n integer NOT NULL)`,
      );
      await client.query(`INSERT INTO ${table} (datetime, value, n) ${HOURLY_MEANS_SQL}`, bounds);
      const { rows } = await client.query(
        `SELECT datetime, value, n FROM ${table} ORDER BY datetime`,
      );
      await client.query('COMMIT');
      const selected = rows.map(readRow);
      return {
        table: options.table,
        station,
        variable: request.variable,
        seriesIds,
        from,
        to,
        rows: selected.length,
        sha256: trainingRowsSha256(selected),
        series: rowsToSeries(selected),
      };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  } catch (error) {
    if (error instanceof FreshetError) throw error;
    const exists = (error as { code?: string }).code === '42P07';
    throw new DatabaseError(
      exists
        ? `${context} failed: table ${options.table} exists already (drop it, or use another name)`
        : `${context} failed`,
      { cause: error },
    );
  }
}

/** Drops the tables (those that exist), e.g. the training and feature tables after a run. */
export async function dropTables(client: pg.ClientBase, tables: readonly string[]): Promise<void> {
  for (const name of tables) {
    const table = quoteTableName(name);
    try {
      await client.query(`DROP TABLE IF EXISTS ${table}`);
    } catch (error) {
      throw new DatabaseError(`dropping ${name} failed`, { cause: error });
    }
  }
}
