// Writes TOAR stations, series and data rows straight into a migrated test database, so that the
// selection tests control exactly what is there.
import type pg from 'pg';

/** A station at key (latKey, lngKey); returns its id. */
export async function insertStation(
  client: pg.ClientBase,
  latKey: string,
  lngKey: string,
  name = `${latKey},${lngKey}`,
): Promise<number> {
  const { rows } = await client.query(
    `INSERT INTO toar.stationmeta_core
       (name, lat, lng, lat_key, lng_key, name_source_fetched_at, name_source_key, name_source_line)
     VALUES ($1, $2::float8, $3::float8, $2::numeric, $3::numeric, '2014-01-01Z', 'fixture', 1) RETURNING id`,
    [name, latKey, lngKey],
  );
  return Number(rows[0].id);
}

/** A series of `variable` averaged over `minutes` at the station; returns its id. */
export async function insertSeries(
  client: pg.ClientBase,
  stationId: number,
  variable: string,
  minutes: number,
): Promise<number> {
  const { rows } = await client.query(
    `INSERT INTO toar.timeseries (station_id, variable_id, averaging_minutes)
     SELECT $1, id, $3 FROM toar.variables WHERE name = $2 RETURNING id`,
    [stationId, variable, minutes],
  );
  return Number(rows[0].id);
}

/** One data row: ISO instant, value, flags (default 0). */
export type DataRow = [datetime: string, value: number, flags?: number];

/** Inserts data rows of a series (in the order given). */
export async function insertData(
  client: pg.ClientBase,
  seriesId: number,
  rows: readonly DataRow[],
): Promise<void> {
  // Every row must point at a source object; one stands for all of them.
  const object = await client.query(
    `INSERT INTO ops.source_objects (key, fetched_at) VALUES ('fixture', '2014-01-01Z')
     ON CONFLICT (key) DO UPDATE SET key = excluded.key RETURNING id`,
  );
  const objectId = object.rows[0].id;
  // toar.data has a partition per month, created before rows of the month are written (as a load does).
  await client.query('SELECT toar.ensure_data_partitions($1::timestamptz[])', [
    rows.map((r) => r[0]),
  ]);
  await client.query(
    `INSERT INTO toar.data (timeseries_id, datetime, value, flags, fetched_at, object_id)
     SELECT $1, d, v, f, '2014-01-01Z', $5
     FROM unnest($2::timestamptz[], $3::float8[], $4::smallint[]) AS u(d, v, f)`,
    [seriesId, rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2] ?? 0), objectId],
  );
}
