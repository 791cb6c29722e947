// The same schema on Citus (distributed PostgreSQL; README, Scaling). When the extension `citus` is
// installed in the database as the migrations run, toar.data is distributed by timeseries_id and the
// tables it refers to become reference tables (a full copy on every node); on plain PostgreSQL
// nothing happens, and no Citus function is ever called. UNTESTED: Citus cannot be installed where
// this project is built and tested, so this path has never run.
//
// DESIGN: Citus requires a distributed table's unique constraints to include its distribution
// column. toar.data's primary key (timeseries_id, datetime) does: each series' rows, every month of
// them, live on one node, and a selection (one series, a window) runs on that node alone. A
// toar.timeseries distributed by id could not keep its natural key,
// UNIQUE NULLS NOT DISTINCT (station_id, variable_id, averaging_minutes, data_origin, label), which
// does not include id; and that key is what makes the load's INSERT … ON CONFLICT find a series
// instead of creating it twice when two jobs meet a new series at once. Distributing it by
// station_id would keep the key but not toar.data's co-location (toar.data has no station_id), unless
// toar.data took a station_id column and every query changed. So toar.timeseries is a reference
// table instead: it is small (a row per series), written only when a series is new, and a copy on
// every node makes its join with toar.data local wherever the data is. Its foreign keys need what it
// refers to on every node too: toar.variables and toar.stationmeta_core are reference tables, and so
// is ops.source_objects, whose ids toar.data's rows carry (toar.data itself has no foreign keys:
// migration 010). The other ops tables stay on the coordinator.
//
// Order: Citus distributes a table whose foreign keys point at tables it already distributed, so
// toar.timeseries' foreign keys are dropped first, the tables distributed (referenced ones first),
// and the keys added again; sequential mode keeps the DDL and the copies on one connection per node in
// this one transaction. toar.data's month partitions are distributed with it, and a month created
// later (toar.ensure_data_partitions, on the coordinator) is distributed by Citus as it is created.
//
// A database migrated before Citus was installed in it: install the extension, add the workers, then
// SELECT toar.distribute_on_citus().
export default /* sql */ `
CREATE FUNCTION toar.distribute_on_citus() RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
    RAISE EXCEPTION 'the extension citus is not installed in this database: there is nothing to distribute on'
      USING ERRCODE = '55000';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'toar.data'::regclass) THEN
    RETURN;
  END IF;
  SET LOCAL citus.multi_shard_modify_mode TO 'sequential';
  ALTER TABLE toar.timeseries DROP CONSTRAINT timeseries_station_id_fkey,
                              DROP CONSTRAINT timeseries_variable_id_fkey;
  PERFORM create_reference_table('toar.variables'::regclass);
  PERFORM create_reference_table('toar.stationmeta_core'::regclass);
  PERFORM create_reference_table('toar.timeseries'::regclass);
  PERFORM create_reference_table('ops.source_objects'::regclass);
  PERFORM create_distributed_table('toar.data'::regclass, 'timeseries_id');
  ALTER TABLE toar.timeseries
    ADD CONSTRAINT timeseries_station_id_fkey FOREIGN KEY (station_id) REFERENCES toar.stationmeta_core (id),
    ADD CONSTRAINT timeseries_variable_id_fkey FOREIGN KEY (variable_id) REFERENCES toar.variables (id);
END
$fn$;

DO $citus$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
    PERFORM toar.distribute_on_citus();
  END IF;
END
$citus$;
`;
