import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DatabaseError } from '../errors.ts';
import { sameItems } from '../util/same-items.ts';
import { type DataSpan, dataSpan, joinSpans } from './data-months.ts';
import { distinctRawLines, type GroupTexts, groupTexts, rejectionTexts } from './group-texts.ts';
import { ObjectBatch } from './object-batch.ts';
import { ensureDataPartitions } from './partitions.ts';

export { type DataRecord, ObjectBatch, type Rejection } from './object-batch.ts';

/** What loading a group of objects changed. */
export interface LoadCounts {
  stationsCreated: number;
  seriesCreated: number;
  rowsInserted: number;
  /** Rows whose value changed, and rows withdrawn because a re-loaded object no longer yields them. */
  rowsUpdated: number;
}

/**
 * How a session's data upsert counts the rows it inserted and changed: from the rows it wrote
 * (`RETURNING old`, PostgreSQL 18 and later), or by looking each staged row up in `toar.data`
 * beforehand, in the statement's snapshot (before 18; the database setting
 * `freshet.data_counting = 'snapshot'` chooses it on any version).
 */
type Counting = 'returning' | 'snapshot';

/** The sessions whose staging tables exist, with their way of counting. */
const prepared = new WeakMap<pg.ClientBase, Counting>();

/**
 * Session-local staging tables, emptied at every commit. `ord` is an object's position in its
 * group, which is also its precedence (groups are ordered by fetch time, then key); `g` numbers the
 * group's stations, so that each staged row carries two small integers instead of coordinates.
 * stage_data holds one row per measurement, the group's latest record of it; except for an object
 * loaded in pieces, where each piece (`piece`, in line order) holds one and the latest piece wins.
 */
async function prepareSession(client: pg.ClientBase): Promise<Counting> {
  const known = prepared.get(client);
  if (known !== undefined) return known;
  await client.query(`
    CREATE TEMP TABLE IF NOT EXISTS stage_objects (
      ord smallint, object_id integer, key text COLLATE "C", fetched_at timestamptz,
      interval_start timestamptz, loaded_before boolean
    ) ON COMMIT DELETE ROWS;
    CREATE TEMP TABLE IF NOT EXISTS stage_keys (
      g integer, lat_key numeric(9, 4), lng_key numeric(9, 4)
    ) ON COMMIT DELETE ROWS;
    CREATE TEMP TABLE IF NOT EXISTS stage_data (
      ord smallint, g integer, variable_id smallint, minutes bigint, at_ms bigint,
      value double precision, flags smallint, piece integer NOT NULL DEFAULT 0
    ) ON COMMIT DELETE ROWS;
    CREATE TEMP TABLE IF NOT EXISTS stage_stations (
      ord smallint, g integer, line integer, lat double precision, lng double precision,
      location text, city text, country text
    ) ON COMMIT DELETE ROWS;
    CREATE TEMP TABLE IF NOT EXISTS stage_codes (g integer, location text COLLATE "C")
      ON COMMIT DELETE ROWS;
    CREATE TEMP TABLE IF NOT EXISTS stage_rejects (
      ord smallint, line integer, reason text, message text, raw_hash bytea
    ) ON COMMIT DELETE ROWS;
    CREATE TEMP TABLE IF NOT EXISTS stage_lines (hash bytea, raw text) ON COMMIT DELETE ROWS;`);
  const { rows } = await client.query<{ returning: boolean }>(
    `SELECT current_setting('server_version_num')::integer >= 180000
        AND coalesce(current_setting('freshet.data_counting', true), '') <> 'snapshot' AS returning`,
  );
  const counting: Counting = rows[0]?.returning === true ? 'returning' : 'snapshot';
  prepared.set(client, counting);
  return counting;
}

const STAGE_OBJECTS = `
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::integer[], $4::integer[], $5::integer[],
                       $6::jsonb[], $7::timestamptz[], $8::text[], $9::integer[])
    WITH ORDINALITY AS i (key, fetched_at, lines, accepted, rejected, rejected_by_reason,
                          interval_start, etag, rules_version, n)
), upserted AS (
  INSERT INTO ops.source_objects (key, fetched_at, lines, accepted, rejected, rejected_by_reason,
                                  etag, rules_version)
  SELECT key, fetched_at, lines, accepted, rejected, rejected_by_reason, etag, rules_version
  FROM input
  ORDER BY key COLLATE "C"
  ON CONFLICT (key) DO UPDATE SET loaded_at = now(), fetched_at = excluded.fetched_at,
    lines = excluded.lines, accepted = excluded.accepted, rejected = excluded.rejected,
    rejected_by_reason = excluded.rejected_by_reason, etag = excluded.etag,
    rules_version = excluded.rules_version
  RETURNING id, key, NOT (xmax = 0) AS loaded_before
)
INSERT INTO stage_objects (ord, object_id, key, fetched_at, interval_start, loaded_before)
SELECT $10::integer + i.n - 1, u.id, i.key, i.fetched_at, i.interval_start, u.loaded_before
FROM input i JOIN upserted u ON u.key = i.key COLLATE "C"
RETURNING ord, loaded_before`;

// Which record names a station: the earliest by (fetch time, object key, line).
const EARLIER = `(excluded.name_source_fetched_at, excluded.name_source_key, excluded.name_source_line)
  < (s.name_source_fetched_at, s.name_source_key, s.name_source_line)`;

/**
 * Stations of the group. An archive record names a station only where no real-time record does
 * (DESIGN.md): its name source is dated at infinity, after every fetch time, and archive records
 * among themselves go by object key, then line.
 */
const upsertStations = (nameTime: string) => `
WITH first AS (
  SELECT DISTINCT ON (s.g) s.*, o.fetched_at, o.key
  FROM stage_stations s JOIN stage_objects o ON o.ord = s.ord
  ORDER BY s.g, s.ord, s.line
), codes AS (
  SELECT g, array_agg(location ORDER BY location) AS codes
  FROM (SELECT DISTINCT g, location FROM stage_codes) d
  GROUP BY g
)
INSERT INTO toar.stationmeta_core AS s
  (codes, name, lat, lng, lat_key, lng_key, country, city,
   name_source_fetched_at, name_source_key, name_source_line)
SELECT coalesce(c.codes, '{}'),
       CASE WHEN f.location = '' THEN trim_scale(k.lat_key)::text || ',' || trim_scale(k.lng_key)::text
            ELSE f.location END,
       f.lat, f.lng, k.lat_key, k.lng_key, f.country, f.city, ${nameTime}, f.key, f.line
FROM first f JOIN stage_keys k ON k.g = f.g LEFT JOIN codes c ON c.g = f.g
ORDER BY k.lat_key, k.lng_key
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

const UPSERT_STATIONS = upsertStations('f.fetched_at');
const UPSERT_ARCHIVE_STATIONS = upsertStations(`timestamptz 'infinity'`);

// The group's series: (station number, variable, averaging) → toar.timeseries id, creating the new.
const INSERT_SERIES = `
INSERT INTO toar.timeseries (station_id, variable_id, averaging_minutes, label)
SELECT st.id, d.variable_id, d.minutes, ''
FROM (SELECT DISTINCT g, variable_id, minutes FROM stage_data) d
JOIN stage_keys k ON k.g = d.g
JOIN toar.stationmeta_core st ON st.lat_key = k.lat_key AND st.lng_key = k.lng_key
ORDER BY 1, 2, 3
ON CONFLICT (station_id, variable_id, averaging_minutes, data_origin, label) DO NOTHING
RETURNING id`;

/** Where archive series come from (`toar.timeseries.data_origin`). */
export const ARCHIVE_ORIGIN = 'openaq-archive';

// An archive series per (station, variable, sensor): stage_data's `minutes` holds the sensors_id,
// which becomes the series' label; its averaging is not stated (NULL).
const INSERT_ARCHIVE_SERIES = `
INSERT INTO toar.timeseries (station_id, variable_id, averaging_minutes, label, data_origin)
SELECT st.id, d.variable_id, NULL, d.minutes::text, '${ARCHIVE_ORIGIN}'
FROM (SELECT DISTINCT g, variable_id, minutes FROM stage_data) d
JOIN stage_keys k ON k.g = d.g
JOIN toar.stationmeta_core st ON st.lat_key = k.lat_key AND st.lng_key = k.lng_key
ORDER BY 1, 2, 4
ON CONFLICT (station_id, variable_id, averaging_minutes, data_origin, label) DO NOTHING
RETURNING id`;

/**
 * What differs between the layouts' loads: how a stored series matches a staged one (the staged
 * `minutes` is the averaging period, or the sensor), and which record wins a measurement.
 */
interface LayoutSql {
  /** The series of the group's stations, as (g, variable_id, minutes, id). */
  seriesMinutes: string;
  seriesFilter: string;
  /** Whether the staged record `w` (or `excluded`) beats the stored row `d`. */
  beats: (newer: string) => string;
}

const REALTIME_SQL: LayoutSql = {
  seriesMinutes: 'ts.averaging_minutes',
  seriesFilter: '',
  // Fetch time, then key.
  beats: (w) => `(${w}.fetched_at > d.fetched_at
         OR (${w}.fetched_at = d.fetched_at AND ${w}.object_id <> d.object_id
             AND ${KEY_OF(`${w}.object_id`)} > ${KEY_OF('d.object_id')}))`,
};

const ARCHIVE_SQL: LayoutSql = {
  // Guarded: a real-time series' label ('') is no number, whatever order the planner filters in.
  seriesMinutes: `CASE WHEN ts.data_origin = '${ARCHIVE_ORIGIN}' THEN ts.label::bigint END`,
  seriesFilter: `AND ts.data_origin = '${ARCHIVE_ORIGIN}'`,
  // Key alone: fetched_at (LastModified) plays no part in archive precedence.
  beats: (w) => `(${w}.object_id <> d.object_id
         AND ${KEY_OF(`${w}.object_id`)} > ${KEY_OF('d.object_id')})`,
};

function KEY_OF(objectId: string): string {
  return `(SELECT o.key FROM ops.source_objects o WHERE o.id = ${objectId})`;
}

// Whether a stored row belongs to an object of the group being loaded, which can only be one
// loaded before: its rows are what an older load of it left, and this load decides them again.
const RELOADED = (objectId: string) =>
  `EXISTS (SELECT 1 FROM stage_objects r WHERE r.object_id = ${objectId})`;

// The group's series and the staged rows as toar.data rows. \`series\` is materialized: the group's
// series, a few thousand rows, are hashed once, where an inlined join looked a series up in
// toar.timeseries for every staged row.
const seriesAndWinners = (staged: string, layout: LayoutSql) => `
WITH series AS MATERIALIZED (
  SELECT k.g, ts.variable_id, ${layout.seriesMinutes} AS averaging_minutes, ts.id
  FROM stage_keys k
  JOIN toar.stationmeta_core st ON st.lat_key = k.lat_key AND st.lng_key = k.lng_key
  JOIN toar.timeseries ts ON ts.station_id = st.id ${layout.seriesFilter}
), winners AS (
  -- stage_data already holds only the latest record of each measurement (see groupTexts).
  SELECT se.id AS timeseries_id, timestamptz 'epoch' + s.at_ms * interval '1 millisecond' AS datetime,
         s.value, s.flags, o.fetched_at, o.object_id, o.key
  FROM ${staged} s
  JOIN series se ON se.g = s.g AND se.variable_id = s.variable_id AND se.averaging_minutes = s.minutes
  JOIN stage_objects o ON o.ord = s.ord
)`;

// The upsert of the winners.
const insertWinners = (layout: LayoutSql) => `
  INSERT INTO toar.data AS d (timeseries_id, datetime, value, flags, fetched_at, object_id)
  SELECT timeseries_id, datetime, value, flags, fetched_at, object_id
  FROM winners ORDER BY timeseries_id, datetime
  ON CONFLICT (timeseries_id, datetime) DO UPDATE SET
    value = excluded.value, flags = excluded.flags,
    fetched_at = excluded.fetched_at, object_id = excluded.object_id
  -- A row of an object of this group (re-loaded: reprocessing, or a corrected file under the same
  -- key) takes what the group yields now, even from an earlier object of it; a row of another
  -- object only a later one (real-time: fetch time, then key; archive: key).
  -- (An archive object's fetched_at, its LastModified, changes with a re-export: it is taken too.)
  WHERE (${RELOADED('d.object_id')}
         AND (d.value, d.flags, d.object_id, d.fetched_at) IS DISTINCT FROM
             (excluded.value, excluded.flags, excluded.object_id, excluded.fetched_at))
    OR ${layout.beats('excluded')}`;

// Counted in the statement's snapshot (see Counting): a second lookup of every staged row in
// toar.data.
const upsertDataCountedBySnapshot = (
  staged: string,
  layout: LayoutSql,
) => `${seriesAndWinners(staged, layout)}, counted AS (
  -- What the upsert will do, seen from the statement's snapshot: rows it inserts (absent now), and
  -- stored rows whose value it changes. (Before PostgreSQL 18, RETURNING cannot tell an insert from
  -- an update on a partitioned table: xmax is not available there. A row that a concurrent load
  -- inserts first is counted as inserted by both.)
  SELECT count(*) FILTER (WHERE d.timeseries_id IS NULL) AS inserted,
         count(*) FILTER (WHERE d.timeseries_id IS NOT NULL
                            AND (${RELOADED('d.object_id')} OR ${layout.beats('w')})
                            AND (d.value <> w.value OR d.flags <> w.flags)) AS changed
  -- $1 and $2, the staged rows' earliest and latest instants, let the planner see which months of
  -- toar.data the join can meet: a lookup per row in those alone, never a scan of every month.
  FROM winners w
  LEFT JOIN toar.data d ON d.timeseries_id = w.timeseries_id AND d.datetime = w.datetime
    AND d.datetime >= $1::timestamptz AND d.datetime <= $2::timestamptz
), upserted AS (${insertWinners(layout)}
)
SELECT inserted::integer, changed::integer FROM counted`;

// Counted from the rows the upsert wrote, on PostgreSQL 18 and later: \`old\` is null for an
// inserted row, the stored row for an updated one (rows the WHERE leaves alone are not returned).
// No parameters: nothing is looked up in toar.data besides the conflicts themselves.
const upsertDataCountedByReturning = (
  staged: string,
  layout: LayoutSql,
) => `${seriesAndWinners(staged, layout)}, upserted AS (${insertWinners(layout)}
  RETURNING old.timeseries_id IS NULL AS inserted,
            (old.value <> new.value OR old.flags <> new.flags) AS changed
)
SELECT (count(*) FILTER (WHERE inserted))::integer AS inserted,
       (count(*) FILTER (WHERE changed))::integer AS changed
FROM upserted`;

/** The data upsert of a layout, staged whole or in pieces, in each way of counting. */
const upsertData = (staged: string, layout: LayoutSql, name: string) => ({
  returning: { name: `${name}-returning`, text: upsertDataCountedByReturning(staged, layout) },
  snapshot: { name: `${name}-snapshot`, text: upsertDataCountedBySnapshot(staged, layout) },
});

// An object loaded in pieces stages a measurement once per piece that has it: the latest piece wins.
const STAGED_PIECES = `(
  SELECT DISTINCT ON (g, variable_id, minutes, at_ms) * FROM stage_data
  ORDER BY g, variable_id, minutes, at_ms, piece DESC)`;

// Rows that an object loaded before stored and no longer yields (a line removed from a corrected
// file, or rejected under today's rules) are withdrawn, as a fresh load would never have written
// them. Rows another object holds are left alone: they carry that object's id. Runs after the data
// upsert, so a row the object still yields, or that a later object of the group took over, is kept
// or already belongs to the other object. Locks are taken in key order, as the upsert takes them.
const deleteWithdrawnData = (layout: LayoutSql) => `
WITH gone AS (
  SELECT d.timeseries_id, d.datetime
  FROM toar.data d JOIN stage_objects o ON o.loaded_before AND d.object_id = o.object_id
  EXCEPT
  SELECT se.id, timestamptz 'epoch' + s.at_ms * interval '1 millisecond'
  FROM stage_data s
  JOIN stage_keys k ON k.g = s.g
  JOIN toar.stationmeta_core st ON st.lat_key = k.lat_key AND st.lng_key = k.lng_key
  JOIN (SELECT ts.id, ts.station_id, ts.variable_id, ${layout.seriesMinutes} AS minutes
        FROM toar.timeseries ts WHERE true ${layout.seriesFilter}) se
    ON se.station_id = st.id AND se.variable_id = s.variable_id AND se.minutes = s.minutes
), locked AS (
  SELECT d.timeseries_id, d.datetime FROM toar.data d JOIN gone g USING (timeseries_id, datetime)
  JOIN stage_objects o ON o.loaded_before AND d.object_id = o.object_id
  ORDER BY d.timeseries_id, d.datetime FOR UPDATE OF d
)
DELETE FROM toar.data d USING locked l
WHERE d.timeseries_id = l.timeseries_id AND d.datetime = l.datetime`;

/** A layout's statements, each with the name it is prepared under. */
interface LayoutStatements {
  stations: pg.QueryConfig;
  series: pg.QueryConfig;
  data: Record<Counting, pg.QueryConfig>;
  dataOfPieces: Record<Counting, pg.QueryConfig>;
  withdrawn: pg.QueryConfig;
}

const STATEMENTS: { realtime: LayoutStatements; archive: LayoutStatements } = {
  realtime: {
    stations: { name: 'freshet-upsert-stations', text: UPSERT_STATIONS },
    series: { name: 'freshet-insert-series', text: INSERT_SERIES },
    data: upsertData('stage_data', REALTIME_SQL, 'freshet-upsert-data'),
    dataOfPieces: upsertData(STAGED_PIECES, REALTIME_SQL, 'freshet-upsert-data-of-pieces'),
    withdrawn: { name: 'freshet-delete-withdrawn-data', text: deleteWithdrawnData(REALTIME_SQL) },
  },
  archive: {
    stations: { name: 'freshet-upsert-archive-stations', text: UPSERT_ARCHIVE_STATIONS },
    series: { name: 'freshet-insert-archive-series', text: INSERT_ARCHIVE_SERIES },
    data: upsertData('stage_data', ARCHIVE_SQL, 'freshet-upsert-archive-data'),
    dataOfPieces: upsertData(STAGED_PIECES, ARCHIVE_SQL, 'freshet-upsert-archive-data-of-pieces'),
    withdrawn: {
      name: 'freshet-delete-withdrawn-archive-data',
      text: deleteWithdrawnData(ARCHIVE_SQL),
    },
  },
};

/** The layout of a group: all its objects have one (a run reads one source). */
function statementsOf(batches: readonly ObjectBatch[]): LayoutStatements {
  const archive = batches[0]?.archive === true;
  if (batches.some((b) => b.archive !== archive)) {
    throw new DatabaseError('a load group mixes real-time and archive objects');
  }
  return archive ? STATEMENTS.archive : STATEMENTS.realtime;
}

const UPSERT_REJECTIONS = `
INSERT INTO ops.rejected_records AS r (object_key, line, interval_start, reason, message, raw_hash)
SELECT o.key, s.line, o.interval_start, s.reason, s.message, s.raw_hash
FROM stage_rejects s JOIN stage_objects o ON o.ord = s.ord
ORDER BY o.key, s.line
ON CONFLICT (object_key, line) DO UPDATE SET
  interval_start = excluded.interval_start, reason = excluded.reason,
  message = excluded.message, raw_hash = excluded.raw_hash, rejected_at = now()
WHERE (r.reason, r.message, r.raw_hash) IS DISTINCT FROM (excluded.reason, excluded.message, excluded.raw_hash)`;

// Each distinct raw text once (a piece may repeat an earlier piece's), in hash order so that
// concurrent loads of repeating fetches wait for each other instead of deadlocking. A text already
// stored is left as it is: a hash names one text.
const INSERT_RAW_LINES = `
INSERT INTO ops.rejected_lines (hash, raw)
SELECT DISTINCT ON (hash) hash, raw FROM stage_lines ORDER BY hash
ON CONFLICT (hash) DO NOTHING`;

// Lines rejected by an earlier load under other rules and accepted now are no longer rejections.
// An object loaded for the first time has no earlier rejections (they commit with its
// ops.source_objects row): only objects loaded before are looked at.
const DELETE_STALE_REJECTIONS = `
DELETE FROM ops.rejected_records r USING stage_objects o
WHERE o.loaded_before AND r.object_key = o.key
  AND NOT EXISTS (SELECT 1 FROM stage_rejects s WHERE s.ord = o.ord AND s.line = r.line)`;

const COPY_REJECTIONS =
  'COPY ops.rejected_records (object_key, interval_start, line, reason, message, raw_hash) FROM STDIN';

const RETRYABLE = new Set(['40P01', '40001']);

/**
 * Loads objects (in precedence order: fetch time, then key) in one transaction: all of them or
 * none. Rows are COPYed into session staging tables; then stations, series, data and rejections
 * are upserted set-based, in key order. Within the group, a measurement repeated by several
 * objects is resolved before it is staged (the latest wins), so a row is written once per group
 * rather than once per fetch that repeats it. A deadlock or serialization failure rolls back
 * and retries the group. The month partitions of toar.data the rows need are created first, in a
 * transaction of their own (see {@link ensureDataPartitions}).
 *
 * Re-loading an object (reprocessing, or a corrected file under the same key) leaves what a fresh
 * load leaves: the rows it owns take what the group yields now, those no object of the group yields
 * any more are deleted (counted in `rowsUpdated`), and its rejections are replaced. A row another
 * object owns is left to that object's precedence. What an object outside the group would have
 * given a deleted row is not restored: that needs that object read again (reprocess its interval).
 *
 * @example
 * const counts = await loadObjects(client, [batchOf0010, batchOf0015]);
 *
 * Commits are asynchronous (`synchronous_commit = off`): the caller records the outcome in
 * `ops.ingest_runs` with a synchronous commit afterwards, which makes this one durable too.
 */
export async function loadObjects(
  client: pg.ClientBase,
  batches: readonly ObjectBatch[],
  options: {
    attempts?: number;
    onRetry?: (message: string) => void;
    /** `groupTexts(batches)`, when the caller made them already (e.g. while the previous group loaded). */
    texts?: GroupTexts;
    /**
     * The group's transaction, open on `client` with `batches` staged in it as they came (see
     * {@link OpenGroup}): the first attempt finishes it. One that holds other objects is rolled
     * back, and the group is loaded as if it had not been given.
     */
    opened?: OpenGroup;
    /** Called once, when the load's transaction is open (its month partitions are made). */
    onOpened?: () => void;
    /** Hashes of rejected lines' texts an earlier load committed: not staged again. */
    storedLines?: ReadonlySet<string>;
  } = {},
): Promise<LoadCounts> {
  const attempts = options.attempts ?? 5;
  const texts = options.texts ?? groupTexts(batches);
  let opened = options.opened;
  if (opened !== undefined && !sameItems(opened.batches, batches)) {
    await opened.rollback();
    opened = undefined;
  }
  let announced = false;
  const onOpened = () => {
    if (announced) return;
    announced = true;
    options.onOpened?.();
  };
  for (let attempt = 1; ; attempt++) {
    try {
      if (opened !== undefined) {
        const group = opened;
        opened = undefined;
        onOpened();
        return await group.finish(texts, options.storedLines);
      }
      return await loadOnce(client, batches, texts, onOpened, options.storedLines);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code && RETRYABLE.has(code) && attempt < attempts) {
        options.onRetry?.(
          `${describeGroup(batches)}: ${(error as Error).message}; retrying (attempt ${attempt})`,
        );
        await new Promise((r) => setTimeout(r, 20 * attempt + Math.random() * 50));
        continue;
      }
      throw new DatabaseError(
        `loading ${describeGroup(batches)} failed; nothing of it was stored`,
        {
          cause: error,
        },
      );
    }
  }
}

function describeGroup(batches: readonly ObjectBatch[]): string {
  const first = batches[0];
  const last = batches.at(-1);
  if (first === undefined || last === undefined) return 'no objects';
  if (batches.length === 1) return first.key;
  return `${batches.length} objects (${first.key} … ${last.key})`;
}

async function loadOnce(
  client: pg.ClientBase,
  batches: readonly ObjectBatch[],
  texts: GroupTexts,
  onOpened: (() => void) | undefined,
  storedLines: ReadonlySet<string> | undefined,
): Promise<LoadCounts> {
  const group = await OpenGroup.open(client, dataSpan(batches)?.months ?? []);
  onOpened?.();
  try {
    for (const batch of batches) await group.add(batch);
  } catch (error) {
    await group.rollback();
    throw error;
  }
  return group.finish(texts, storedLines);
}

/**
 * A group's load in progress: its transaction, open on a connection, into which objects are staged
 * one by one (their `ops.source_objects` rows and their rejected lines), in precedence order, until
 * {@link OpenGroup.finish} stages the group's data and the rejected lines' texts, applies everything
 * and commits. {@link loadObjects} stages a whole group at once; an ingest opens a group at its first
 * object and stages each object as it is parsed, so that this work overlaps the parse of the next
 * ones instead of following the last.
 *
 * The month partitions of toar.data are created when the group opens, for the months it is told
 * (see {@link ensureDataPartitions}: before the transaction takes a lock); an object with rows in
 * another month cannot join it ({@link OpenGroup.covers}).
 *
 * @example
 * const group = await OpenGroup.open(client, dataSpan([first])?.months ?? []);
 * await group.add(first);
 * if (group.covers([second])) await group.add(second);
 * const counts = await group.finish(groupTexts([first, second]));
 */
export class OpenGroup {
  readonly #client: pg.ClientBase;
  readonly #months: ReadonlySet<number>;
  readonly #counting: Counting;
  /** The objects staged, in order (an object's position is its `ord`). */
  readonly #batches: ObjectBatch[] = [];
  /** Positions of the objects loaded before (their rejections are merged, not copied in). */
  readonly #loadedBefore = new Set<number>();
  /** The span of the rows staged. */
  #span: DataSpan | undefined;

  private constructor(client: pg.ClientBase, months: readonly number[], counting: Counting) {
    this.#client = client;
    this.#months = new Set(months);
    this.#counting = counting;
  }

  /** Creates the partitions of `months` (in a transaction of their own), then opens the group's. */
  static async open(client: pg.ClientBase, months: readonly number[]): Promise<OpenGroup> {
    // In a transaction of its own, before the load's takes its locks (see ensureDataPartitions).
    await ensureDataPartitions(client, months);
    const counting = await prepareSession(client);
    await client.query('BEGIN');
    try {
      await client.query(SESSION_SETTINGS);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
    return new OpenGroup(client, months, counting);
  }

  /** The objects staged, in order. */
  get batches(): readonly ObjectBatch[] {
    return this.#batches;
  }

  /** Whether every row of `batches` falls in a month whose partition the group made sure of. */
  covers(batches: readonly ObjectBatch[]): boolean {
    return this.#covered(dataSpan(batches));
  }

  #covered(span: DataSpan | undefined): boolean {
    return (span?.months ?? []).every((month) => this.#months.has(month));
  }

  /**
   * Stages the next object: its `ops.source_objects` row and its rejected lines (copied straight
   * into `ops.rejected_records` for an object loaded for the first time, whose rejections cannot
   * exist yet: they commit with that row; staged, to be merged, for one loaded before). An object
   * with rows in a month the group did not make is refused, before anything of it is staged. On
   * failure, the caller rolls the group back.
   */
  async add(batch: ObjectBatch): Promise<void> {
    const span = dataSpan([batch]);
    if (!this.#covered(span)) {
      throw new DatabaseError(`${batch.key} has rows in a month its load group did not make`);
    }
    this.#span = joinSpans(this.#span, span);
    const ord = this.#batches.length;
    this.#batches.push(batch);
    const [staged] = await stageObjects(this.#client, [batch], ord);
    if (staged?.loaded_before === true) this.#loadedBefore.add(ord);
    const rejections = rejectionTexts([batch], this.#loadedBefore, ord);
    await copyInto(this.#client, 'COPY stage_rejects FROM STDIN', rejections.staged);
    await copyInto(this.#client, COPY_REJECTIONS, rejections.direct);
  }

  /**
   * Stages the group's data (`texts`: {@link groupTexts} of its objects) and the texts of its
   * rejected lines (but those of `storedLines`, hashes of texts an earlier load committed: a fetch
   * repeats most of the previous one's), applies everything staged and commits; on failure, rolls
   * back and throws.
   */
  async finish(
    texts: GroupTexts,
    storedLines: ReadonlySet<string> = new Set(),
  ): Promise<LoadCounts> {
    const client = this.#client;
    try {
      await copyTexts(client, texts, COPY_DATA);
      await copyInto(
        client,
        'COPY stage_lines FROM STDIN',
        distinctRawLines(this.#batches, new Set(storedLines)),
      );
      const counts = await applyStaged(client, statementsOf(this.#batches), {
        span: this.#span,
        reloaded: this.#loadedBefore.size > 0,
        pieces: false,
        counting: this.#counting,
      });
      await client.query('COMMIT');
      return counts;
    } catch (error) {
      await this.rollback();
      throw error;
    }
  }

  /** Rolls the group back: nothing of it is stored. */
  async rollback(): Promise<void> {
    await this.#client.query('ROLLBACK').catch(() => {});
  }
}

// Sorting a group's rows (DISTINCT ON) stays in memory with a larger work_mem.
const SESSION_SETTINGS = "SET LOCAL synchronous_commit = off; SET LOCAL work_mem = '64MB'";

/**
 * Upserts the objects' ops.source_objects rows and stages them (the first at position `firstOrd`
 * of its group): which were loaded before.
 */
async function stageObjects(
  client: pg.ClientBase,
  batches: readonly ObjectBatch[],
  firstOrd = 0,
): Promise<{ ord: number; loaded_before: boolean }[]> {
  const staged = await client.query<{ ord: number; loaded_before: boolean }>({
    name: 'freshet-stage-objects',
    text: STAGE_OBJECTS,
    values: [
      batches.map((b) => b.key),
      batches.map((b) => new Date(b.fetchedAt)),
      batches.map((b) => b.lines),
      batches.map((b) => b.accepted),
      batches.map((b) => b.rejected),
      batches.map((b) => JSON.stringify(b.rejectedByReason)),
      batches.map((b) => new Date(b.intervalStart)),
      batches.map((b) => b.etag),
      batches.map((b) => b.rulesVersion),
      firstOrd,
    ],
  });
  return staged.rows;
}

/**
 * What is staged, applied set-based: stations, series, data, withdrawn rows, and the staged
 * rejections (those of objects loaded before, merged with what they left; an object loaded in
 * `pieces` stages all of its own).
 */
async function applyStaged(
  client: pg.ClientBase,
  statements: LayoutStatements,
  staged: {
    /** The staged rows' span (none: no rows). */
    span: DataSpan | undefined;
    reloaded: boolean;
    pieces: boolean;
    /** The session's way of counting the data upsert's rows. */
    counting: Counting;
  },
): Promise<LoadCounts> {
  // Statistics of what was just staged: without them the planner takes the temporary tables
  // for nearly empty and joins them row by row with nested loops.
  await client.query('ANALYZE stage_objects, stage_keys, stage_data');
  const counts: LoadCounts = {
    stationsCreated: 0,
    seriesCreated: 0,
    rowsInserted: 0,
    rowsUpdated: 0,
  };
  if (staged.span !== undefined) {
    const stations = await client.query<{ inserted: boolean }>(statements.stations);
    const series = await client.query(statements.series);
    const upsert = (staged.pieces ? statements.dataOfPieces : statements.data)[staged.counting];
    const data = await client.query<{ inserted: number; changed: number }>(
      staged.counting === 'returning'
        ? upsert
        : {
            ...upsert,
            values: [
              new Date(staged.span.first).toISOString(),
              new Date(staged.span.last).toISOString(),
            ],
          },
    );
    const [written] = data.rows;
    if (written === undefined) throw new DatabaseError('the data upsert returned no counts');
    counts.stationsCreated = stations.rows.filter((r) => r.inserted).length;
    counts.seriesCreated = series.rowCount ?? 0;
    counts.rowsInserted = written.inserted;
    counts.rowsUpdated = written.changed;
  }
  await client.query({ name: 'freshet-insert-raw-lines', text: INSERT_RAW_LINES });
  if (staged.reloaded) {
    const withdrawn = await client.query(statements.withdrawn);
    counts.rowsUpdated += withdrawn.rowCount ?? 0;
  }
  if (staged.reloaded || staged.pieces) {
    await client.query({ name: 'freshet-upsert-rejections', text: UPSERT_REJECTIONS });
  }
  if (staged.reloaded) {
    await client.query({
      name: 'freshet-delete-stale-rejections',
      text: DELETE_STALE_REJECTIONS,
    });
  }
  return counts;
}

/**
 * Loads one object from its pieces (see `parsePieces`), in one transaction, taking each piece
 * only when the one before is staged: an object of any size is loaded with one piece or two in
 * memory, and leaves exactly what loading it whole would. Returns the counts and the object's
 * totals (lines, accepted, rejected by reason) as a batch without rows.
 *
 * The object's months are known only once its last piece is staged, inside the transaction: its
 * month partitions are created then, before the transaction takes a lock outside its staging
 * tables (the object is recorded in `ops.source_objects` only after its pieces, and every
 * rejection is staged until then). A month created so is locked until the object commits, so other
 * loads wait for it; that happens once per month at most, when a large object is the first to
 * bring it.
 *
 * Unlike {@link loadObjects}, a deadlock is not retried (the pieces are gone once staged): the
 * object fails, and its interval is planned again. When the pieces throw (a gzip that breaks at
 * the end, an object over its size limit), nothing of the object is stored and that error is
 * thrown as it is.
 *
 * @example
 * const { counts, totals } = await loadObjectPieces(client, object, parser.parse(body, object, start));
 */
export async function loadObjectPieces(
  client: pg.ClientBase,
  object: {
    key: string;
    fetchedAt: number;
    intervalStart: number;
    /** An archive object (see {@link ObjectBatch.archive}). */
    archive?: boolean;
    etag?: string | null;
  },
  pieces: AsyncIterable<ObjectBatch>,
): Promise<{ counts: LoadCounts; totals: ObjectBatch }> {
  const totals = new ObjectBatch(object.key, object.fetchedAt, object.intervalStart);
  totals.archive = object.archive === true;
  totals.etag = object.etag ?? null;
  const statements = statementsOf([totals]);
  const counting = await prepareSession(client);
  await client.query('BEGIN');
  let source: unknown;
  try {
    await client.query(SESSION_SETTINGS);
    const numbering = new Map<string, number>();
    let span: DataSpan | undefined;
    let piece = 0;
    const iterator = pieces[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<ObjectBatch>;
      try {
        next = await iterator.next();
      } catch (error) {
        source = error;
        throw error;
      }
      if (next.done) break;
      const batch = next.value;
      statementsOf([totals, batch]);
      totals.rulesVersion = batch.rulesVersion;
      const texts = groupTexts([batch], { numbering, piece });
      await copyTexts(client, texts, COPY_PIECE_DATA);
      await copyInto(
        client,
        'COPY stage_rejects FROM STDIN',
        rejectionTexts([batch], new Set([0])).staged,
      );
      await copyInto(client, 'COPY stage_lines FROM STDIN', distinctRawLines([batch]));
      span = joinSpans(span, dataSpan([batch]));
      totals.addCounts(batch);
      piece++;
    }
    // Before the first lock outside the staging tables (see above).
    await ensureDataPartitions(client, span?.months ?? []);
    const [staged] = await stageObjects(client, [totals]);
    const reloaded = staged?.loaded_before === true;
    const counts = await applyStaged(client, statements, {
      span,
      reloaded,
      pieces: true,
      counting,
    });
    await client.query('COMMIT');
    return { counts, totals };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    if (error === source) throw error;
    throw new DatabaseError(`loading ${object.key} failed; nothing of it was stored`, {
      cause: error,
    });
  }
}

const COPY_DATA = 'COPY stage_data (ord, g, variable_id, minutes, at_ms, value, flags) FROM STDIN';
const COPY_PIECE_DATA =
  'COPY stage_data (ord, g, variable_id, minutes, at_ms, value, flags, piece) FROM STDIN';

/** COPYs a group's (or a piece's) texts into the staging tables, its data rows by `copyData`. */
async function copyTexts(
  client: pg.ClientBase,
  texts: GroupTexts,
  copyData: string,
): Promise<void> {
  await copyInto(client, 'COPY stage_keys FROM STDIN', texts.keys);
  await copyInto(client, copyData, texts.data);
  await copyInto(client, 'COPY stage_stations FROM STDIN', texts.stations);
  await copyInto(client, 'COPY stage_codes FROM STDIN', texts.codes);
}

/**
 * COPYs `text`, or its parts one after another (made as they are taken, and taken only when the
 * connection's buffer has room, so that they are never all in memory at once).
 */
async function copyInto(
  client: pg.ClientBase,
  sql: string,
  text: string | Iterable<string | Uint8Array>,
): Promise<void> {
  const parts = (typeof text === 'string' ? [text] : text)[Symbol.iterator]();
  let first = parts.next();
  while (!first.done && first.value.length === 0) first = parts.next();
  if (first.done) return;
  const stream = client.query(copyFrom(sql));
  await new Promise<void>((resolve, reject) => {
    stream.on('error', reject);
    stream.on('finish', resolve);
    let next: IteratorResult<string | Uint8Array> = first;
    const write = () => {
      for (; !next.done; next = parts.next()) {
        if (next.value.length > 0 && !stream.write(next.value)) {
          next = parts.next();
          stream.once('drain', write);
          return;
        }
      }
      stream.end();
    };
    write();
  });
}
