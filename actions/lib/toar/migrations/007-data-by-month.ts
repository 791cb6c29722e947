// toar.data partitioned by month (DESIGN.md, Database; README, Scaling).
//
// DESIGN: toar.data is partitioned BY RANGE (datetime), one partition per calendar month in UTC,
// named toar.data_yYYYYmMM (toar.data_y2014m01 holds [2014-01-01Z, 2014-02-01Z)). Every query reads
// one series over a window, bounded in datetime, so it touches only the months of its window and each
// month's primary-key index stays the size of a month: a backfill of years adds months, it does not
// make the months already there slower. An old month leaves by DETACH PARTITION (nothing references
// toar.data), without a DELETE of its rows. A month is a few million rows for thousands of series: a
// day would make tens of thousands of partitions, which planning and locking pay for; a year would
// keep a backfill's year in one index.
//
// There is no DEFAULT partition: a row of a month without its partition would land there, and a month
// cannot be created later while the default holds rows of it (PostgreSQL refuses, or has to scan the
// default to check), which would turn a late row into an outage. Instead, partitions are created on
// demand by toar.ensure_data_partitions, which the load calls for the months of what it is about to
// write, before its transaction takes any lock on the tables (actions/lib/toar/partitions.ts).
//
// An existing table is converted in place, in this migration's one transaction: it is renamed, the
// partitioned table is created, with a partition for each month the old table has rows of, the rows
// are moved (INSERT … SELECT) and the old table is dropped. The primary key and the object index are
// added after the rows are in: each is then built once per month, set-based, instead of once per row
// moved. Their names stay those of the table they replace (data_pkey, data_object); each month's own
// are PostgreSQL's (data_y2014m01_pkey, data_y2014m01_object_id_idx). The old table's foreign keys
// are not made again: toar.data has none from here on (migration 010 says why).
//
// Creating a partition takes an ACCESS EXCLUSIVE lock on toar.data and, while toar.data had foreign
// keys (until migration 010, and on a database converted by an earlier form of this migration), a
// SHARE ROW EXCLUSIVE lock on the tables they reference: PostgreSQL takes toar.data's first. A load holds ROW EXCLUSIVE locks on ops.source_objects, then toar.timeseries, then toar.data,
// in that order, until it commits; a creator taking toar.data's first would hold it while waiting for
// a load that then waits for toar.data: a deadlock. toar.ensure_data_partitions therefore takes the
// locks itself, in the loads' order, before it creates anything, and only when a month is missing:
// the usual call (every month there) reads the catalog and locks nothing. The advisory lock makes
// concurrent creators take turns; each checks again under it, so a month is created once.
export default /* sql */ `
ALTER TABLE toar.data RENAME TO data_unpartitioned;

-- NOT NULL constraints named as the old table's are (PostgreSQL 18 names them, and would add a
-- suffix while the old table is there; earlier versions ignore the names).
CREATE TABLE toar.data (
  timeseries_id  bigint CONSTRAINT data_timeseries_id_not_null NOT NULL,
  datetime       timestamptz CONSTRAINT data_datetime_not_null NOT NULL,
  value          double precision CONSTRAINT data_value_not_null NOT NULL,
  flags          smallint CONSTRAINT data_flags_not_null NOT NULL DEFAULT 0,
  fetched_at     timestamptz CONSTRAINT data_fetched_at_not_null NOT NULL,
  object_id      integer CONSTRAINT data_object_id_not_null NOT NULL
) PARTITION BY RANGE (datetime);

-- Creates the month partitions of toar.data that rows at these instants need and that do not exist
-- yet, and returns how many it created. More than max_new missing months (NULL: no limit) is refused
-- (SQLSTATE 22023): rows spread over more than twenty years in one load are most likely misdated, and
-- would otherwise leave hundreds of empty partitions behind. A table of a month's name that is not a
-- partition of toar.data (a month detached to be archived) is refused too (SQLSTATE 55000): its rows
-- are not to be written again unless it is attached again.
CREATE FUNCTION toar.ensure_data_partitions(instants timestamptz[], max_new integer DEFAULT 240)
RETURNS integer LANGUAGE plpgsql AS $fn$
DECLARE
  -- The first instants of the months without a partition, as UTC wall-clock time.
  missing timestamp[];
  month_start timestamp;
  part text;
  created integer := 0;
BEGIN
  SELECT coalesce(array_agg(m ORDER BY m), '{}') INTO missing
  FROM (SELECT DISTINCT date_trunc('month', i AT TIME ZONE 'UTC') AS m
        FROM unnest(instants) AS i WHERE i IS NOT NULL) months
  WHERE NOT EXISTS (
    SELECT 1 FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid
    WHERE h.inhparent = 'toar.data'::regclass AND c.relname = 'data_' || to_char(m, '"y"YYYY"m"MM'));
  IF cardinality(missing) = 0 THEN
    RETURN 0;
  END IF;
  IF cardinality(missing) > max_new THEN
    RAISE EXCEPTION 'toar.data has no partition for % months (% to %): more than % are not created at once',
      cardinality(missing), to_char(missing[1], 'YYYY-MM'),
      to_char(missing[cardinality(missing)], 'YYYY-MM'), max_new
      USING ERRCODE = '22023',
            HINT = 'Check the dates of the rows being loaded; to create that many months on purpose, call toar.ensure_data_partitions(instants, max_new => NULL).';
  END IF;
  -- Any key unique to Freshet's partition creation (the migrations' is 7164001).
  PERFORM pg_advisory_xact_lock(7164007);
  LOCK TABLE ops.source_objects, toar.timeseries IN SHARE ROW EXCLUSIVE MODE;
  LOCK TABLE toar.data IN ACCESS EXCLUSIVE MODE;
  FOREACH month_start IN ARRAY missing LOOP
    part := 'data_' || to_char(month_start, '"y"YYYY"m"MM');
    CONTINUE WHEN EXISTS (
      SELECT 1 FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid
      WHERE h.inhparent = 'toar.data'::regclass AND c.relname = part);
    IF to_regclass(format('toar.%I', part)) IS NOT NULL THEN
      RAISE EXCEPTION 'toar.% exists but is not a partition of toar.data (a detached month): rows of % cannot be stored',
        part, to_char(month_start, 'YYYY-MM')
        USING ERRCODE = '55000',
              HINT = format('Attach it again (ALTER TABLE toar.data ATTACH PARTITION toar.%I FOR VALUES FROM (%L) TO (%L)), or move it out of schema toar.',
                            part, to_char(month_start, 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                            to_char(month_start + interval '1 month', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'));
    END IF;
    EXECUTE format('CREATE TABLE toar.%I PARTITION OF toar.data FOR VALUES FROM (%L) TO (%L) WITH (fillfactor = 85)',
                   part, to_char(month_start, 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                   to_char(month_start + interval '1 month', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'));
    created := created + 1;
  END LOOP;
  RETURN created;
END
$fn$;

-- Every month from first_instant's to last_instant's (UTC), e.g. to create a backfill's months ahead of it.
CREATE FUNCTION toar.ensure_data_partitions_between(first_instant timestamptz, last_instant timestamptz)
RETURNS integer LANGUAGE sql AS $fn$
  SELECT toar.ensure_data_partitions(ARRAY(
    SELECT m AT TIME ZONE 'UTC'
    FROM generate_series(date_trunc('month', first_instant AT TIME ZONE 'UTC'),
                         last_instant AT TIME ZONE 'UTC',
                         interval '1 month') AS m))
$fn$;

SELECT toar.ensure_data_partitions(ARRAY(
  SELECT DISTINCT date_trunc('month', datetime AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
  FROM toar.data_unpartitioned), NULL);

SET LOCAL maintenance_work_mem = '256MB';
INSERT INTO toar.data (timeseries_id, datetime, value, flags, fetched_at, object_id)
SELECT timeseries_id, datetime, value, flags, fetched_at, object_id FROM toar.data_unpartitioned;
DROP TABLE toar.data_unpartitioned;

ALTER TABLE toar.data ADD CONSTRAINT data_pkey PRIMARY KEY (timeseries_id, datetime);
CREATE INDEX data_object ON toar.data (object_id);
-- The moved rows have no statistics yet (autovacuum analyzes the months, never toar.data itself).
ANALYZE toar.data;
`;
