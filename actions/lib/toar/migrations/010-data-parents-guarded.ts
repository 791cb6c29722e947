// toar.data without foreign keys (DESIGN.md's schema names none). They cost the load more than
// anything else it does: PostgreSQL checks a foreign key row by row, and on real fetches the two
// checks took about 40% of the data upsert (EXPLAIN ANALYZE: 1.4 s of 3.7 s for 71,280 rows). The
// loader cannot write a dangling id: it takes both from rows it upserts in the same transaction
// (the series from toar.timeseries, the object from ops.source_objects), and nothing of Freshet
// deletes either. What the keys also did, refusing to delete or renumber a series or an object that
// rows still point at, triggers on those two small tables do now, at no cost to the load.
export default /* sql */ `
DO $$
DECLARE c record;
BEGIN
  FOR c IN SELECT conname FROM pg_constraint
           WHERE conrelid = 'toar.data'::regclass AND contype = 'f' AND conparentid = 0 LOOP
    EXECUTE format('ALTER TABLE toar.data DROP CONSTRAINT %I', c.conname);
  END LOOP;
END $$;

-- One guard for both parents: TG_ARGV[0] names the column of toar.data that points at the row.
CREATE FUNCTION toar.refuse_orphaning_data() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE referenced boolean;
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    IF EXISTS (SELECT 1 FROM toar.data) THEN
      RAISE EXCEPTION 'toar.data has rows: truncate it first' USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
  END IF;
  IF TG_OP = 'DELETE' OR NEW.id <> OLD.id THEN
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM toar.data WHERE %I = $1)', TG_ARGV[0])
      INTO referenced USING OLD.id;
    IF referenced THEN
      -- An object is named by its key too.
      RAISE EXCEPTION '%.% % has rows in toar.data', TG_TABLE_SCHEMA, TG_TABLE_NAME,
        OLD.id || coalesce(' (' || (to_jsonb(OLD) ->> 'key') || ')', '')
        USING ERRCODE = 'foreign_key_violation', HINT = 'delete its rows from toar.data first';
    END IF;
  END IF;
  RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER data_parent BEFORE DELETE OR UPDATE OF id ON toar.timeseries
  FOR EACH ROW EXECUTE FUNCTION toar.refuse_orphaning_data('timeseries_id');
CREATE TRIGGER data_parent_truncate BEFORE TRUNCATE ON toar.timeseries
  FOR EACH STATEMENT EXECUTE FUNCTION toar.refuse_orphaning_data('timeseries_id');
CREATE TRIGGER data_parent BEFORE DELETE OR UPDATE OF id ON ops.source_objects
  FOR EACH ROW EXECUTE FUNCTION toar.refuse_orphaning_data('object_id');
CREATE TRIGGER data_parent_truncate BEFORE TRUNCATE ON ops.source_objects
  FOR EACH STATEMENT EXECUTE FUNCTION toar.refuse_orphaning_data('object_id');
`;
