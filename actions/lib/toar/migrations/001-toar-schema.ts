// The target schema, modelled on the TOAR-II database (DESIGN.md, Database).
export default /* sql */ `
CREATE SCHEMA IF NOT EXISTS toar;

CREATE TABLE toar.variables (
  id          smallint PRIMARY KEY,
  name        text NOT NULL UNIQUE,
  longname    text NOT NULL,
  units       text NOT NULL,
  molar_mass  double precision
);

INSERT INTO toar.variables (id, name, longname, units, molar_mass) VALUES
  (1, 'o3',    'ozone',                 'nmol mol-1', 48.00),
  (2, 'no2',   'nitrogen dioxide',      'nmol mol-1', 46.01),
  (3, 'so2',   'sulphur dioxide',       'nmol mol-1', 64.07),
  (4, 'co',    'carbon monoxide',       'nmol mol-1', 28.01),
  (5, 'pm2p5', 'particulate matter 2.5 micrometres', 'ug m-3', NULL),
  (6, 'pm10',  'particulate matter 10 micrometres',  'ug m-3', NULL),
  (7, 'bc',    'black carbon',          'ug m-3', NULL);

-- A station is its coordinates rounded to 4 decimals. Its name, coordinates, city and country come
-- from its earliest record (by fetch time, object key, line); name_source_* remember which record that
-- was, so that loading objects in any order converges on the same content.
CREATE TABLE toar.stationmeta_core (
  id                   bigserial PRIMARY KEY,
  codes                text[] NOT NULL DEFAULT '{}',
  name                 text NOT NULL,
  lat                  double precision NOT NULL,
  lng                  double precision NOT NULL,
  lat_key              numeric(9, 4) NOT NULL,
  lng_key              numeric(9, 4) NOT NULL,
  country              text NOT NULL DEFAULT '',
  city                 text NOT NULL DEFAULT '',
  additional_metadata  jsonb NOT NULL DEFAULT '{}',
  name_source_fetched_at timestamptz NOT NULL,
  name_source_key      text COLLATE "C" NOT NULL,
  name_source_line     integer NOT NULL,
  UNIQUE (lat_key, lng_key)
);

CREATE TABLE toar.timeseries (
  id                   bigserial PRIMARY KEY,
  station_id           bigint NOT NULL REFERENCES toar.stationmeta_core (id),
  variable_id          smallint NOT NULL REFERENCES toar.variables (id),
  averaging_minutes    integer NOT NULL CHECK (averaging_minutes > 0),
  label                text NOT NULL DEFAULT '',
  data_origin          text NOT NULL DEFAULT 'OpenAQ',
  additional_metadata  jsonb NOT NULL DEFAULT '{}',
  UNIQUE (station_id, variable_id, averaging_minutes)
);

CREATE SCHEMA IF NOT EXISTS ops;

-- Every source object ever loaded: the key that toar.data rows point at (fetch-time precedence).
CREATE TABLE ops.source_objects (
  id          serial PRIMARY KEY,
  key         text COLLATE "C" NOT NULL UNIQUE,
  fetched_at  timestamptz NOT NULL,
  loaded_at   timestamptz NOT NULL DEFAULT now(),
  lines       integer NOT NULL DEFAULT 0,
  accepted    integer NOT NULL DEFAULT 0,
  rejected    integer NOT NULL DEFAULT 0
);

-- One row per (series, hour or sub-hour): the PRIMARY KEY is also the index that selects one
-- series' window, whatever the size of the table. fillfactor leaves room for HOT updates, since every
-- newer fetch rewrites the rows it repeats.
CREATE TABLE toar.data (
  timeseries_id  bigint NOT NULL REFERENCES toar.timeseries (id),
  datetime       timestamptz NOT NULL,
  value          double precision NOT NULL,
  flags          smallint NOT NULL DEFAULT 0,
  fetched_at     timestamptz NOT NULL,
  object_id      integer NOT NULL REFERENCES ops.source_objects (id),
  PRIMARY KEY (timeseries_id, datetime)
) WITH (fillfactor = 85);

CREATE TABLE ops.ingest_runs (
  id                 bigserial PRIMARY KEY,
  interval_start     timestamptz NOT NULL,
  interval_end       timestamptz NOT NULL,
  status             text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
  started_at         timestamptz NOT NULL DEFAULT now(),
  finished_at        timestamptz,
  lease_until        timestamptz NOT NULL,
  source             text NOT NULL,
  rules_version      integer NOT NULL,
  objects            integer NOT NULL DEFAULT 0,
  objects_skipped    integer NOT NULL DEFAULT 0,
  objects_failed     integer NOT NULL DEFAULT 0,
  lines              integer NOT NULL DEFAULT 0,
  accepted           integer NOT NULL DEFAULT 0,
  rejected           integer NOT NULL DEFAULT 0,
  rejected_by_reason jsonb NOT NULL DEFAULT '{}',
  stations_created   integer NOT NULL DEFAULT 0,
  series_created     integer NOT NULL DEFAULT 0,
  rows_inserted      integer NOT NULL DEFAULT 0,
  rows_updated       integer NOT NULL DEFAULT 0,
  list_ms            integer,
  load_ms            integer,
  run_url            text,
  error              text
);
CREATE INDEX ingest_runs_interval ON ops.ingest_runs (interval_start, started_at);

CREATE TABLE ops.rejected_records (
  object_key     text COLLATE "C" NOT NULL,
  line           integer NOT NULL,
  interval_start timestamptz NOT NULL,
  reason         text NOT NULL,
  message        text NOT NULL,
  raw            text NOT NULL,
  rejected_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (object_key, line)
);
CREATE INDEX rejected_records_reason ON ops.rejected_records (reason);
`;
