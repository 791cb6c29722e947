// npm run bench:ingest — the ingestion benchmark of issue 2. Generates one day of fetches with about
// 1,000,000 records, serves them from s3rver on 127.0.0.1, and measures
//   (a) parse-only throughput (gunzip + parse + rules, no database),
//   (b) end-to-end ingest from the S3 server into PostgreSQL (embedded, a fresh cluster),
//   (c) selecting one station's year of hourly rows while toar.data holds 1M rows, then 10M,
//   (d) real data: 20 fetch objects of about 56k real records each, made from the real 2018-06-07
//       fetch (each repeating most of the previous one, as real fetches do), ingested by a whole
//       `freshet ingest` process on a fresh database, against gunzip + JSON.parse of the same files
//       in one thread; three such pairs side by side, the one with the median ratio reported,
//   (e) the archive layout: about 1,000 generated location-days (many small objects), read 16 at a
//       time from the same S3 server, then the same day again (every object unchanged).
// Prints a table, then one JSON object as the last line.
// BENCH_ARCHIVE_LOCATIONS sets the archive case's locations (default 1,000).
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DEFAULT_MAX_OBJECT_BYTES, parseObject } from '../actions/lib/ingest/parse-object.ts';
import { estimateRecords, generateFetches } from '../actions/lib/synthetic/index.ts';
import { startEmbeddedDatabase } from '../actions/lib/toar/embedded.ts';
import { migrate } from '../actions/lib/toar/migrate.ts';
import { readHourlyMeans } from '../actions/lib/training/data/selection.ts';
import { silentLogger, stderrLogger } from '../actions/lib/util/logger.ts';
import { formatTable } from '../actions/lib/util/table.ts';
import { startS3Server } from '../actions/local/s3-server.ts';
import { ingestWith } from '../actions/wiring.ts';
import { archiveCase } from './archive-case.ts';
import { realCase } from './real-fetches.ts';

const TARGET_RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const ARCHIVE_LOCATIONS = Number(process.env.BENCH_ARCHIVE_LOCATIONS ?? 1_000);
/** Archive objects read at once: they are small, so a run waits on requests. */
const ARCHIVE_CONCURRENCY = 16;
const DAY = Date.parse('2019-07-01T00:00:00Z');
const HOUR = 3_600_000;
/** The source object key the benchmark's filler rows point at. */
const BENCH_STATION_KEY = 'bench';
const log = (m: string) => process.stderr.write(`${m}\n`);

const work = await mkdtemp(join(tmpdir(), 'freshet-bench-'));
const s3 = await startS3Server();
const db = await startEmbeddedDatabase({ stateDir: join(work, 'state'), logger: silentLogger });
try {
  // Pick the station count whose estimate reaches the target.
  let stations = 100;
  while (estimateRecords({ start: DAY, days: 1, stations, seed: 7 }) < TARGET_RECORDS)
    stations += 25;
  log(
    `generating one day with ${stations} stations (≈${estimateRecords({ start: DAY, days: 1, stations, seed: 7 })} records)…`,
  );
  const generated = await generateFetches({
    outDir: join(work, 'fetches'),
    start: DAY,
    days: 1,
    stations,
    seed: 7,
  });
  await s3.createBucket('openaq-fetches');
  await s3.putFolder('openaq-fetches', 'realtime-gzipped/', generated.dir);

  // (a) parse only, from memory.
  const folder = join(generated.dir, '2019-07-01');
  const names = (await readdir(folder)).sort();
  const files = await Promise.all(
    names.map(async (n) => ({ n, bytes: await readFile(join(folder, n)) })),
  );
  const parseStart = performance.now();
  let lines = 0;
  for (const { n, bytes } of files) {
    const parsed = await parseObject(
      bytes,
      { key: `2019-07-01/${n}`, fetchedAt: Number.parseInt(n, 10) * 1000 },
      DAY,
      { maxObjectBytes: DEFAULT_MAX_OBJECT_BYTES },
    );
    lines += parsed.lines;
  }
  const parseSeconds = (performance.now() - parseStart) / 1000;
  const parseRate = lines / parseSeconds;
  log(`parse only: ${lines} records in ${parseSeconds.toFixed(2)} s`);

  // (b) end to end, S3 → PostgreSQL.
  log('ingesting from s3rver into PostgreSQL…');
  const report = await ingestWith(
    {
      source: 's3://openaq-fetches/realtime-gzipped/',
      endpoint: s3.endpoint,
      region: 'us-east-1',
      anonymous: true,
      start: DAY,
      end: DAY + 24 * HOUR,
      databaseUrl: db.url,
    },
    { logger: stderrLogger },
  );
  if (report.objects_failed > 0)
    throw new Error(`ingest failed: ${JSON.stringify(report.failures)}`);
  const ingestRate = report.lines / report.seconds;
  log(`ingest: ${report.lines} records in ${report.seconds} s`);

  // (d) real data, through the whole command-line process.
  const real = await realCase(work, db.url, log);

  // (e) the archive layout: many small objects.
  const archive = await archiveCase(s3, db.url, ARCHIVE_LOCATIONS, ARCHIVE_CONCURRENCY, log);
  log(`archive: ${archive.records} records in ${archive.objects} objects in ${archive.seconds} s`);

  // (c) one station's year of hourly rows, at 1M and at 10M rows in toar.data.
  const client = new pg.Client({ connectionString: db.url });
  client.on('error', (error) => log(`database connection lost: ${error.message}`));
  await client.connect();
  await migrate(client, silentLogger);
  const selectAt = async (totalRows: number) => {
    await growTo(client, totalRows);
    return timeSelect(client);
  };
  const select1m = await selectAt(1_000_000);
  const select10m = await selectAt(10_000_000);
  await client.end();

  const result = {
    parse_records_per_s: Math.round(parseRate),
    ingest_records_per_s: Math.round(ingestRate),
    ingest_to_parse_ratio: round(ingestRate / parseRate, 3),
    select_ms_1m: round(select1m, 3),
    select_ms_10m: round(select10m, 3),
    select_growth: round(select10m / select1m, 3),
    real_records: real.records,
    real_parse_records_per_s: Math.round(real.parseRate),
    real_ingest_records_per_s: Math.round(real.ingestRate),
    real_ingest_to_parse_ratio: round(real.ingestRate / real.parseRate, 3),
    real_ingest_to_parse_ratio_runs: real.ratios.map((r) => round(r, 3)),
    real_ingest_peak_mib: Math.round(real.peakBytes / 2 ** 20),
    archive_objects: archive.objects,
    archive_records_per_s: Math.round(archive.recordsPerSecond),
    archive_objects_per_s: round(archive.objectsPerSecond, 1),
    archive_unchanged_s: archive.unchangedSeconds,
  };
  console.log(
    formatTable(
      ['measure', 'value', 'target'],
      [
        ['records in the day', report.lines, '≈1,000,000'],
        ['objects', report.objects, '144'],
        ['parse only (records/s)', result.parse_records_per_s, ''],
        ['ingest end to end (records/s)', result.ingest_records_per_s, '≥ 100,000'],
        ['ingest / parse', result.ingest_to_parse_ratio, '≥ 0.5'],
        ['rows inserted / updated', `${report.rows_inserted} / ${report.rows_updated}`, ''],
        ['select one station-year at 1M rows (ms)', result.select_ms_1m, ''],
        ['select one station-year at 10M rows (ms)', result.select_ms_10m, ''],
        ['select growth 10M/1M', result.select_growth, '≤ 1.5'],
        ['real: records in 20 fetch objects', real.records, '≈1,120,000'],
        ['real: stations', real.stations, ''],
        ['real: gunzip + JSON.parse (records/s)', result.real_parse_records_per_s, ''],
        ['real: `freshet ingest` process (records/s)', result.real_ingest_records_per_s, ''],
        ['real: ingest / parse (median of the runs)', result.real_ingest_to_parse_ratio, '≥ 0.5'],
        ['real: ingest / parse, each run', result.real_ingest_to_parse_ratio_runs.join(', '), ''],
        ['real: peak memory of the process (MiB)', result.real_ingest_peak_mib, '< 512'],
        ['archive: location-day objects', archive.objects, `${ARCHIVE_LOCATIONS}`],
        ['archive: records', archive.records, ''],
        ['archive: ingest (records/s)', result.archive_records_per_s, ''],
        ['archive: ingest (objects/s)', result.archive_objects_per_s, ''],
        ['archive: same day again, all unchanged (s)', result.archive_unchanged_s, ''],
      ],
    ),
  );
  console.log(JSON.stringify(result));
} catch (error) {
  log(`bench failed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exitCode = 1;
} finally {
  await db.stop();
  // As root, the cluster (gigabytes after the 10M-row case) lives outside `work`: see embedded.ts.
  await rm(db.dataDir, { recursive: true, force: true });
  await s3.stop();
  await rm(work, { recursive: true, force: true });
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/**
 * Fills toar.data with synthetic series (a year of hourly rows each, set-based) until it holds
 * `total` rows. The measured series is the first of them, so it is the same at 1M and 10M.
 */
async function growTo(client: pg.Client, total: number): Promise<void> {
  const have = Number((await client.query('SELECT count(*) AS n FROM toar.data')).rows[0].n);
  const perSeries = 8760;
  const needed = Math.ceil(Math.max(0, total - have) / perSeries);
  log(`growing toar.data from ${have} to ≈${total} rows (${needed} series of a year)…`);
  await client.query(
    `INSERT INTO ops.source_objects (key, fetched_at) VALUES ($1, '2020-01-01Z') ON CONFLICT DO NOTHING`,
    [BENCH_STATION_KEY],
  );
  const existing = Number(
    (
      await client.query(
        `SELECT count(*) AS n FROM toar.stationmeta_core WHERE name LIKE 'bench %'`,
      )
    ).rows[0].n,
  );
  await client.query(`SELECT toar.ensure_data_partitions_between('2019-01-01Z', '2019-12-31Z')`);
  for (let done = 0; done < needed; done += 100) {
    const batch = Math.min(100, needed - done);
    await client.query(
      `WITH st AS (
         INSERT INTO toar.stationmeta_core (name, lat, lng, lat_key, lng_key, name_source_fetched_at, name_source_key, name_source_line)
         SELECT 'bench ' || i, -80 + i * 0.0001, 170, -80 + i * 0.0001, 170, now(), 'bench', 0
         FROM generate_series($1::integer, $2::integer) i RETURNING id
       ), ts AS (
         INSERT INTO toar.timeseries (station_id, variable_id, averaging_minutes)
         SELECT id, 1, 60 FROM st RETURNING id
       )
       INSERT INTO toar.data (timeseries_id, datetime, value, flags, fetched_at, object_id)
       SELECT ts.id, t, 30 + 10 * sin(extract(epoch FROM t) / 13751), 0, '2020-01-01Z',
              (SELECT id FROM ops.source_objects WHERE key = $3)
       FROM ts, generate_series('2019-01-01Z'::timestamptz, '2019-12-31 23:00Z', interval '1 hour') t`,
      [existing + done + 1, existing + done + batch, BENCH_STATION_KEY],
    );
  }
  await client.query('VACUUM ANALYZE toar.data');
}

/** Median of 15 runs of the training selection (`readHourlyMeans`) for the first bench station. */
async function timeSelect(client: pg.Client): Promise<number> {
  const { rows } = await client.query(
    `SELECT t.id FROM toar.timeseries t JOIN toar.stationmeta_core s ON s.id = t.station_id
     WHERE s.name = 'bench 1'`,
  );
  const id = Number(rows[0].id);
  const times: number[] = [];
  for (let i = 0; i < 15; i++) {
    const started = performance.now();
    const hours = await readHourlyMeans(client, [id], Date.UTC(2019, 0, 1), Date.UTC(2020, 0, 1));
    times.push(performance.now() - started);
    if (hours.length !== 8760) throw new Error(`expected 8760 hours, got ${hours.length}`);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  if (median === undefined) throw new Error('no selection was timed');
  return median;
}
