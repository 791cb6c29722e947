import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DatabaseError } from '../errors.ts';
import { copyText, truncateText } from './copy-text.ts';

/** Raw text kept per rejected line (DESIGN.md: up to 4 KB). */
export const MAX_RAW_LENGTH = 4096;

/** One accepted record, in TOAR terms (the ingest glue converts OpenAQ measurements to this). */
export interface DataRecord {
  /** Canonical 4-decimal key text, e.g. "34.8378". */
  latKey: string;
  lngKey: string;
  lat: number;
  lng: number;
  location: string;
  city: string;
  country: string;
  /** A `toar.variables.name`. */
  variable: string;
  averagingMinutes: number;
  /** Epoch ms. */
  time: number;
  value: number;
  flags: number;
  /** 1-based line in the object. */
  line: number;
}

/** One rejected line. */
export interface Rejection {
  line: number;
  reason: string;
  message: string;
  raw: string;
}

/**
 * Collects an object's rows as COPY text while it is parsed, so that loading is two COPYs and a
 * few set-based statements. Pure: no I/O.
 */
export class ObjectBatch {
  readonly key: string;
  readonly fetchedAt: number;
  readonly intervalStart: number;
  lines = 0;
  accepted = 0;
  rejected = 0;
  #rows: string[] = [];
  #rejections: string[] = [];

  constructor(key: string, fetchedAt: number, intervalStart: number) {
    this.key = key;
    this.fetchedAt = fetchedAt;
    this.intervalStart = intervalStart;
  }

  addRecord(r: DataRecord): void {
    this.lines++;
    this.accepted++;
    this.#rows.push(
      `${r.latKey}\t${r.lngKey}\t${r.lat}\t${r.lng}\t${copyText(r.location)}\t${copyText(r.city)}\t${copyText(r.country)}\t${r.variable}\t${r.averagingMinutes}\t${new Date(r.time).toISOString()}\t${r.value}\t${r.flags}\t${r.line}\n`,
    );
  }

  addRejection(r: Rejection): void {
    this.lines++;
    this.rejected++;
    this.#rejections.push(
      `${r.line}\t${copyText(r.reason)}\t${copyText(r.message)}\t${copyText(truncateText(r.raw, MAX_RAW_LENGTH))}\n`,
    );
  }

  get rowsText(): string {
    return this.#rows.join('');
  }

  get rejectionsText(): string {
    return this.#rejections.join('');
  }
}

/** What loading one object changed. */
export interface LoadCounts {
  stationsCreated: number;
  seriesCreated: number;
  rowsInserted: number;
  rowsUpdated: number;
}

const prepared = new WeakSet<pg.ClientBase>();

/** Session-local staging tables, emptied at every commit. */
async function prepareSession(client: pg.ClientBase): Promise<void> {
  if (prepared.has(client)) return;
  await client.query(`
    CREATE TEMP TABLE IF NOT EXISTS stage_data (
      lat_key numeric(9, 4), lng_key numeric(9, 4), lat double precision, lng double precision,
      location text COLLATE "C", city text, country text, variable text, minutes integer,
      datetime timestamptz, value double precision, flags smallint, line integer
    ) ON COMMIT DELETE ROWS;
    CREATE TEMP TABLE IF NOT EXISTS stage_rejects (
      line integer, reason text, message text, raw text
    ) ON COMMIT DELETE ROWS;`);
  prepared.add(client);
}

// Which record names a station: the earliest by (fetch time, object key, line).
const EARLIER = `(excluded.name_source_fetched_at, excluded.name_source_key, excluded.name_source_line)
  < (s.name_source_fetched_at, s.name_source_key, s.name_source_line)`;

const UPSERT_STATIONS = `
WITH first AS (
  SELECT DISTINCT ON (lat_key, lng_key) lat_key, lng_key, lat, lng, location, city, country, line
  FROM stage_data ORDER BY lat_key, lng_key, line
), codes AS (
  SELECT lat_key, lng_key, array_agg(location ORDER BY location) AS codes
  FROM (SELECT DISTINCT lat_key, lng_key, location FROM stage_data WHERE location <> '') d
  GROUP BY lat_key, lng_key
)
INSERT INTO toar.stationmeta_core AS s
  (codes, name, lat, lng, lat_key, lng_key, country, city,
   name_source_fetched_at, name_source_key, name_source_line)
SELECT coalesce(c.codes, '{}'),
       CASE WHEN f.location = '' THEN trim_scale(f.lat_key)::text || ',' || trim_scale(f.lng_key)::text
            ELSE f.location END,
       f.lat, f.lng, f.lat_key, f.lng_key, f.country, f.city, $1, $2, f.line
FROM first f LEFT JOIN codes c USING (lat_key, lng_key)
ORDER BY f.lat_key, f.lng_key
ON CONFLICT (lat_key, lng_key) DO UPDATE SET
  codes = ARRAY(SELECT u FROM (SELECT DISTINCT unnest(s.codes || excluded.codes) COLLATE "C" AS u) x ORDER BY u),
  name = CASE WHEN ${EARLIER} THEN excluded.name ELSE s.name END,
  lat = CASE WHEN ${EARLIER} THEN excluded.lat ELSE s.lat END,
  lng = CASE WHEN ${EARLIER} THEN excluded.lng ELSE s.lng END,
  country = CASE WHEN ${EARLIER} THEN excluded.country ELSE s.country END,
  city = CASE WHEN ${EARLIER} THEN excluded.city ELSE s.city END,
  name_source_fetched_at = CASE WHEN ${EARLIER} THEN excluded.name_source_fetched_at ELSE s.name_source_fetched_at END,
  name_source_key = CASE WHEN ${EARLIER} THEN excluded.name_source_key ELSE s.name_source_key END,
  name_source_line = CASE WHEN ${EARLIER} THEN excluded.name_source_line ELSE s.name_source_line END
WHERE NOT (excluded.codes <@ s.codes) OR ${EARLIER}
RETURNING (xmax = 0) AS inserted`;

const INSERT_SERIES = `
INSERT INTO toar.timeseries (station_id, variable_id, averaging_minutes, label)
SELECT st.id, v.id, k.minutes, v.name || ' ' || k.minutes || ' min'
FROM (SELECT DISTINCT lat_key, lng_key, variable, minutes FROM stage_data) k
JOIN toar.stationmeta_core st USING (lat_key, lng_key)
JOIN toar.variables v ON v.name = k.variable
ORDER BY 1, 2, 3
ON CONFLICT (station_id, variable_id, averaging_minutes) DO NOTHING
RETURNING id`;

// A stored row is replaced only by a record that wins by fetch time, then object key ($2).
const WINS = `(excluded.fetched_at > d.fetched_at OR (excluded.fetched_at = d.fetched_at
  AND excluded.object_id <> d.object_id
  AND $2::text COLLATE "C" > (SELECT o.key FROM ops.source_objects o WHERE o.id = d.object_id)))`;

const UPSERT_DATA = `
WITH winners AS (
  SELECT DISTINCT ON (ts.id, s.datetime) ts.id AS timeseries_id, s.datetime, s.value, s.flags
  FROM stage_data s
  JOIN toar.stationmeta_core st USING (lat_key, lng_key)
  JOIN toar.variables v ON v.name = s.variable
  JOIN toar.timeseries ts ON ts.station_id = st.id AND ts.variable_id = v.id AND ts.averaging_minutes = s.minutes
  ORDER BY ts.id, s.datetime, s.line DESC
), changed AS (
  SELECT count(*) AS n FROM winners w
  JOIN toar.data d USING (timeseries_id, datetime)
  CROSS JOIN (SELECT $3::timestamptz AS fetched_at, $1::integer AS object_id) excluded
  WHERE ${WINS} AND (d.value <> w.value OR d.flags <> w.flags)
), upserted AS (
  INSERT INTO toar.data AS d (timeseries_id, datetime, value, flags, fetched_at, object_id)
  SELECT timeseries_id, datetime, value, flags, $3, $1 FROM winners ORDER BY timeseries_id, datetime
  ON CONFLICT (timeseries_id, datetime) DO UPDATE SET
    value = excluded.value, flags = excluded.flags,
    fetched_at = excluded.fetched_at, object_id = excluded.object_id
  WHERE ${WINS}
  RETURNING (xmax = 0) AS inserted
)
SELECT (SELECT count(*) FROM upserted WHERE inserted)::integer AS inserted,
       (SELECT n FROM changed)::integer AS changed`;

const UPSERT_REJECTIONS = `
INSERT INTO ops.rejected_records AS r (object_key, line, interval_start, reason, message, raw)
SELECT $1, line, $2, reason, message, raw FROM stage_rejects ORDER BY line
ON CONFLICT (object_key, line) DO UPDATE SET
  interval_start = excluded.interval_start, reason = excluded.reason,
  message = excluded.message, raw = excluded.raw, rejected_at = now()
WHERE (r.reason, r.message, r.raw) IS DISTINCT FROM (excluded.reason, excluded.message, excluded.raw)`;

// Lines rejected by an earlier load under other rules and accepted now are no longer rejections.
const DELETE_STALE_REJECTIONS = `
DELETE FROM ops.rejected_records r
WHERE r.object_key = $1 AND NOT EXISTS (SELECT 1 FROM stage_rejects s WHERE s.line = r.line)`;

const RETRYABLE = new Set(['40P01', '40001']);

/**
 * Loads one object in one transaction: entirely or not at all. Rows are COPYed into session
 * staging tables, then stations, series, data and rejections are upserted set-based, touching rows
 * in key order; a deadlock or serialization failure rolls back and retries the object.
 */
export async function loadObject(
  client: pg.ClientBase,
  batch: ObjectBatch,
  options: { attempts?: number; onRetry?: (message: string) => void } = {},
): Promise<LoadCounts> {
  const attempts = options.attempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    try {
      return await loadOnce(client, batch);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code && RETRYABLE.has(code) && attempt < attempts) {
        options.onRetry?.(`${batch.key}: ${(error as Error).message}; retrying (attempt ${attempt})`);
        await new Promise((r) => setTimeout(r, 20 * attempt + Math.random() * 50));
        continue;
      }
      throw new DatabaseError(`loading ${batch.key} failed; nothing of it was stored`, {
        cause: error,
      });
    }
  }
}

async function loadOnce(client: pg.ClientBase, batch: ObjectBatch): Promise<LoadCounts> {
  await prepareSession(client);
  const fetchedAt = new Date(batch.fetchedAt);
  await client.query('BEGIN');
  try {
    const object = await client.query<{ id: number }>(
      `INSERT INTO ops.source_objects (key, fetched_at, lines, accepted, rejected)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (key) DO UPDATE SET loaded_at = now(), fetched_at = excluded.fetched_at,
         lines = excluded.lines, accepted = excluded.accepted, rejected = excluded.rejected
       RETURNING id`,
      [batch.key, fetchedAt, batch.lines, batch.accepted, batch.rejected],
    );
    const objectId = object.rows[0]!.id;
    await copyInto(client, 'COPY stage_data FROM STDIN', batch.rowsText);
    await copyInto(client, 'COPY stage_rejects FROM STDIN', batch.rejectionsText);
    let counts: LoadCounts = { stationsCreated: 0, seriesCreated: 0, rowsInserted: 0, rowsUpdated: 0 };
    if (batch.accepted > 0) {
      const stations = await client.query<{ inserted: boolean }>(UPSERT_STATIONS, [
        fetchedAt,
        batch.key,
      ]);
      const series = await client.query(INSERT_SERIES);
      const data = await client.query<{ inserted: number; changed: number }>(UPSERT_DATA, [
        objectId,
        batch.key,
        fetchedAt,
      ]);
      counts = {
        stationsCreated: stations.rows.filter((r) => r.inserted).length,
        seriesCreated: series.rowCount ?? 0,
        rowsInserted: data.rows[0]!.inserted,
        rowsUpdated: data.rows[0]!.changed,
      };
    }
    await client.query(UPSERT_REJECTIONS, [batch.key, new Date(batch.intervalStart)]);
    await client.query(DELETE_STALE_REJECTIONS, [batch.key]);
    await client.query('COMMIT');
    return counts;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

async function copyInto(client: pg.ClientBase, sql: string, text: string): Promise<void> {
  if (text === '') return;
  const stream = client.query(copyFrom(sql));
  await new Promise<void>((resolve, reject) => {
    stream.on('error', reject);
    stream.on('finish', resolve);
    stream.end(text);
  });
}
