// Each object's rejected lines by reason, kept on its ops.source_objects row as its last load
// counted them: the counts its ops.rejected_records rows add up to, committed with them in the same
// transaction. `freshet status` (and the site built from it) sums these, one row per object,
// instead of counting ops.rejected_records, one row per rejected line of every object: a real-time
// fetch repeats most of the previous one's rejected lines, so on real fetches that table grows by
// about 1.7M rows a day (11.6k per fetch, 144 fetches), and counting it by reason took longer every
// day. Rows stored before this migration are counted from ops.rejected_records once, here.
export default /* sql */ `
ALTER TABLE ops.source_objects ADD COLUMN rejected_by_reason jsonb NOT NULL DEFAULT '{}';
UPDATE ops.source_objects o SET rejected_by_reason = r.by_reason
FROM (
  SELECT object_key, jsonb_object_agg(reason, n) AS by_reason
  FROM (SELECT object_key, reason, count(*) AS n FROM ops.rejected_records GROUP BY 1, 2) c
  GROUP BY object_key
) r
WHERE r.object_key = o.key;
`;
