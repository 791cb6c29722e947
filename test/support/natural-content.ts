import type pg from 'pg';

/**
 * A digest of the database's natural content (DESIGN.md: stations by key with name and codes,
 * series by key, data rows, source objects by key with their counts, rejected lines by object key
 * and line) — serial ids, load times and `ops.ingest_runs` left out, so two databases compare
 * equal when they hold the same facts.
 */
export async function naturalContent(client: pg.ClientBase | pg.Pool) {
  const { rows } = await client.query<{ part: string; n: number; digest: string }>(`
    SELECT 'stations' AS part, count(*)::integer AS n, md5(coalesce(string_agg(
      concat_ws('|', lat_key, lng_key, name, array_to_string(codes, ';'), lat, lng, city, country),
      E'\\n' ORDER BY lat_key, lng_key), '')) AS digest
    FROM toar.stationmeta_core
    UNION ALL
    SELECT 'series', count(*)::integer, md5(coalesce(string_agg(
      concat_ws('|', s.lat_key, s.lng_key, t.variable_id, t.averaging_minutes, t.label, t.data_origin),
      E'\\n' ORDER BY s.lat_key, s.lng_key, t.variable_id, t.averaging_minutes, t.data_origin, t.label), ''))
    FROM toar.timeseries t JOIN toar.stationmeta_core s ON s.id = t.station_id
    UNION ALL
    SELECT 'data', count(*)::integer, md5(coalesce(string_agg(
      concat_ws('|', s.lat_key, s.lng_key, t.variable_id, t.averaging_minutes, t.data_origin, t.label, d.datetime, d.value, d.flags, d.fetched_at, o.key),
      E'\\n' ORDER BY s.lat_key, s.lng_key, t.variable_id, t.averaging_minutes, t.data_origin, t.label, d.datetime), ''))
    FROM toar.data d JOIN toar.timeseries t ON t.id = d.timeseries_id
    JOIN toar.stationmeta_core s ON s.id = t.station_id JOIN ops.source_objects o ON o.id = d.object_id
    UNION ALL
    SELECT 'objects', count(*)::integer, md5(coalesce(string_agg(
      concat_ws('|', key, lines, accepted, rejected, rejected_by_reason), E'\\n' ORDER BY key), ''))
    FROM ops.source_objects
    UNION ALL
    SELECT 'rejected', count(*)::integer, md5(coalesce(string_agg(
      concat_ws('|', object_key, line, reason, message, raw), E'\\n' ORDER BY object_key, line), ''))
    FROM ops.rejections`);
  return Object.fromEntries(rows.map((r) => [r.part, { n: r.n, digest: r.digest }]));
}

/** {@link naturalContent} of the database at `url`, on a connection of its own. */
export async function naturalContentOf(url: string) {
  const { default: pgModule } = await import('pg');
  const client = new pgModule.Client({ connectionString: url });
  await client.connect();
  try {
    return await naturalContent(client);
  } finally {
    await client.end();
  }
}
