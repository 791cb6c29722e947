// OpenAQ's archive as a second source (DESIGN.md, "OpenAQ archive record → TOAR rows"): its series
// are per sensor, with no stated averaging period, so a series is keyed by its origin and label too.
// Real-time series keep their key with the label '' (they were labelled `o3 60 min`, which said
// nothing the key does not). Existing databases migrate in place: no row of toar.data moves.
export default /* sql */ `
ALTER TABLE toar.timeseries ALTER COLUMN averaging_minutes DROP NOT NULL;
ALTER TABLE toar.timeseries DROP CONSTRAINT timeseries_averaging_minutes_check;
UPDATE toar.timeseries SET label = '' WHERE data_origin = 'OpenAQ' AND label <> '';
ALTER TABLE toar.timeseries DROP CONSTRAINT timeseries_station_id_variable_id_averaging_minutes_key;
ALTER TABLE toar.timeseries ADD CONSTRAINT timeseries_key
  UNIQUE NULLS NOT DISTINCT (station_id, variable_id, averaging_minutes, data_origin, label);

-- The ETag an object was loaded from, and under which rules: an archive object listed with the same
-- ETag is not read again, unless the rules changed since.
ALTER TABLE ops.source_objects ADD COLUMN etag text, ADD COLUMN rules_version integer;

-- The watermark is kept per source and layout: one layout's success never marks the other's
-- interval done (an archive interval is a day, a real-time one 10 minutes).
ALTER TABLE ops.ingest_runs
  ADD COLUMN layout text NOT NULL DEFAULT 'realtime' CHECK (layout IN ('realtime', 'archive')),
  ADD COLUMN objects_unchanged integer NOT NULL DEFAULT 0;
CREATE INDEX ingest_runs_layout_interval ON ops.ingest_runs (layout, source, interval_start);
`;
