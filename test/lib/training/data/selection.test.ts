import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseError } from '../../../../actions/lib/errors.ts';
import { roundHalfAwayFromZero4 } from '../../../../actions/lib/openaq/station-key.ts';
import { migrate } from '../../../../actions/lib/toar/migrate.ts';
import {
  dropTables,
  HOURLY_MEANS_SQL,
  NEWEST_SQL,
  selectTrainingData,
} from '../../../../actions/lib/training/data/selection.ts';
import type { SelectionRequest } from '../../../../actions/lib/training/data/selection-request.ts';
import { trainingRowsSha256 } from '../../../../actions/lib/training/data/table-digest.ts';
import { silentLogger } from '../../../../actions/lib/util/logger.ts';
import { createTestDatabase } from '../../../support/database.ts';
import { type PlanNode, planNodes } from '../../../support/query-plan.ts';
import { at, HOUR, rejectsWithUsageError } from '../helpers.ts';
import { type DataRow, insertData, insertSeries, insertStation } from '../toar-fixture.ts';

/** The present the selections run at: after every row of the fixture. */
const NOW = Date.parse('2020-01-01T00:00:00Z');

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let client: pg.Client;
let station: number;
let twin: number;
let onlyDaily: number;
let tableCount = 0;

/** A fresh table name per selection. */
const nextTable = () => `public.training_${++tableCount}`;

// Station A, 2014-01-01: hour 00 has three unflagged 15-minute values, one flagged, and an hourly
// value (chosen so that their floating-point sum depends on the order they are added in); hour 01 only a flagged one; hour 02 nothing; hour 03 one hourly value at its last second.
// A daily (1440 min) o3 series, an no2 series and another station's o3 must all stay out.
const O3_15MIN: DataRow[] = [
  ['2014-01-01T00:00:00Z', 0.2],
  ['2014-01-01T00:15:00Z', 0.1],
  ['2014-01-01T00:30:00Z', 30, 1],
  ['2014-01-01T00:45:00Z', 0.3],
  ['2014-01-01T01:15:00Z', 25, 1],
];
const O3_HOURLY: DataRow[] = [
  ['2014-01-01T00:00:00Z', 0.6],
  ['2014-01-01T03:59:59Z', 12.5],
  ['2014-01-01T05:00:00Z', 7],
  ['2014-01-01T06:00:00Z', 99, 1],
];

// The mean of hour 00: its values added in ascending order (0.1 + 0.2 + 0.3 + 0.6 is
// 1.2000000000000002; added as 0.6 + 0.1 + 0.2 + 0.3 it would be 1.2).
const HOUR_00 = (0.1 + 0.2 + 0.3 + 0.6) / 4;

async function tableRows(table: string) {
  const { rows } = await client.query(`SELECT datetime, value, n FROM ${table} ORDER BY datetime`);
  return rows.map((r) => ({ datetime: r.datetime.toISOString(), value: r.value, n: r.n }));
}

const request = (overrides: Partial<SelectionRequest> = {}): SelectionRequest => ({
  station: { kind: 'id', id: station },
  variable: 'o3',
  window: { kind: 'range', from: at('2014-01-01T00:00:00Z'), to: at('2014-01-02T00:00:00Z') },
  ...overrides,
});

beforeAll(async () => {
  db = await createTestDatabase('selection');
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await migrate(client, silentLogger);
  station = await insertStation(client, '34.8378', '-118.1234', 'Station A');
  await insertData(client, await insertSeries(client, station, 'o3', 15), O3_15MIN);
  await insertData(client, await insertSeries(client, station, 'o3', 60), O3_HOURLY);
  await insertData(client, await insertSeries(client, station, 'o3', 1440), [
    ['2014-01-01T00:00:00Z', 1000],
  ]);
  await insertData(client, await insertSeries(client, station, 'no2', 60), [
    ['2014-01-01T00:00:00Z', 2000],
  ]);
  const other = await insertStation(client, '34.8379', '-118.1234');
  await insertData(client, await insertSeries(client, other, 'o3', 60), [
    ['2014-01-01T00:00:00Z', 3000],
  ]);
  // The same rows as station A, inserted in reverse order, series in reverse order.
  twin = await insertStation(client, '-1', '-2', 'Twin');
  const hourly = await insertSeries(client, twin, 'o3', 60);
  const quarter = await insertSeries(client, twin, 'o3', 15);
  await insertData(client, hourly, [...O3_HOURLY].reverse());
  await insertData(client, quarter, [...O3_15MIN].reverse());
  onlyDaily = await insertStation(client, '10', '10', 'Daily only');
  await insertData(client, await insertSeries(client, onlyDaily, 'o3', 1440), [
    ['2014-01-01T00:00:00Z', 1],
  ]);
});

afterAll(async () => {
  await client?.end();
  await db?.drop();
});

describe('selectTrainingData', () => {
  it('averages the unflagged 15-minute and hourly values of each hour, counting them; hours without data are absent', async () => {
    const table = nextTable();
    const selection = await selectTrainingData(client, request(), { table, now: NOW });
    expect(await tableRows(table)).toEqual([
      { datetime: '2014-01-01T00:00:00.000Z', value: HOUR_00, n: 4 },
      { datetime: '2014-01-01T03:00:00.000Z', value: 12.5, n: 1 },
      { datetime: '2014-01-01T05:00:00.000Z', value: 7, n: 1 },
    ]);
    expect(selection.rows).toBe(3);
    expect(selection.station).toEqual({
      id: station,
      name: 'Station A',
      latKey: '34.8378',
      lngKey: '-118.1234',
    });
    expect(selection.seriesIds).toHaveLength(2);
    expect([...selection.series.times]).toEqual(
      ['2014-01-01T00:00:00Z', '2014-01-01T03:00:00Z', '2014-01-01T05:00:00Z'].map(at),
    );
    expect([...selection.series.values]).toEqual([HOUR_00, 12.5, 7]);
    expect([...selection.series.counts]).toEqual([4, 1, 1]);
  });

  it('creates the table with the columns DESIGN.md names', async () => {
    const table = nextTable();
    await selectTrainingData(client, request(), { table, now: NOW });
    const { rows } = await client.query(
      `SELECT column_name, data_type FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`,
      [table.split('.')[1]],
    );
    expect(rows).toEqual([
      { column_name: 'datetime', data_type: 'timestamp with time zone' },
      { column_name: 'value', data_type: 'double precision' },
      { column_name: 'n', data_type: 'integer' },
    ]);
  });

  it('selects [from, to): rows at from are in, rows at to are out, whole hours', async () => {
    const table = nextTable();
    const window = {
      kind: 'range' as const,
      from: at('2014-01-01T03:00:00Z'),
      to: at('2014-01-01T05:00:00Z'),
    };
    const selection = await selectTrainingData(client, request({ window }), { table, now: NOW });
    expect(await tableRows(table)).toEqual([
      { datetime: '2014-01-01T03:00:00.000Z', value: 12.5, n: 1 },
    ]);
    expect([selection.from, selection.to]).toEqual([window.from, window.to]);
  });

  it('ends a duration at the end of the newest hour with unflagged data, or at the given end', async () => {
    const latest = await selectTrainingData(
      client,
      request({ window: { kind: 'last', durationMs: 3 * HOUR } }),
      { table: nextTable(), now: NOW },
    );
    // The flagged 06:00 row does not count: the newest data is 05:00, so the window is [03, 06).
    expect([latest.from, latest.to]).toEqual([
      at('2014-01-01T03:00:00Z'),
      at('2014-01-01T06:00:00Z'),
    ]);
    expect([...latest.series.values]).toEqual([12.5, 7]);
    const ending = await selectTrainingData(
      client,
      request({ window: { kind: 'last', durationMs: 2 * HOUR, to: at('2014-01-01T02:00:00Z') } }),
      { table: nextTable(), now: NOW },
    );
    expect([...ending.series.values]).toEqual([HOUR_00]);
  });

  it('ends a default window at the newest data not after the present, whatever is dated later', async () => {
    // Rows dated 2099 and 9999 (stored before the rule future-date; they can no longer be ingested)
    // would end the window after any data, or past what a timestamp holds.
    const future = await insertStation(client, '-5', '-6', 'Future rows');
    await insertData(client, await insertSeries(client, future, 'o3', 60), [
      ...O3_HOURLY,
      ['2099-06-07T00:00:00Z', 1],
      ['9999-12-31T23:00:00Z', 2],
    ]);
    const window = { kind: 'last' as const, durationMs: 3 * HOUR };
    const withFuture = await selectTrainingData(
      client,
      request({ station: { kind: 'id', id: future }, window }),
      { table: nextTable(), now: NOW },
    );
    const plain = await selectTrainingData(client, request({ window }), {
      table: nextTable(),
      now: NOW,
    });
    expect([withFuture.from, withFuture.to]).toEqual([
      at('2014-01-01T03:00:00Z'),
      at('2014-01-01T06:00:00Z'),
    ]);
    expect([...withFuture.series.values]).toEqual([12.5, 7]);
    expect(withFuture.series.values.length).toBeGreaterThan(1);
    expect([plain.from, plain.to]).toEqual([withFuture.from, withFuture.to]);
    // At a present after 2099, that row is data: the window ends after it.
    const later = await selectTrainingData(
      client,
      request({ station: { kind: 'id', id: future }, window }),
      { table: nextTable(), now: at('2100-01-01T00:00:00Z') },
    );
    expect(later.to).toBe(at('2099-06-07T01:00:00Z'));
  });

  it('finds a station by coordinates rounded half away from zero to 4 decimals', async () => {
    const selection = await selectTrainingData(
      client,
      request({ station: { kind: 'coordinates', lat: 34.83775, lng: -118.12344 } }),
      { table: nextTable(), now: NOW },
    );
    expect(selection.station.id).toBe(station);
    const error = await rejectsWithUsageError(
      selectTrainingData(
        client,
        request({ station: { kind: 'coordinates', lat: 34.83774, lng: -118.1234 } }),
        {
          table: nextTable(),
          now: NOW,
        },
      ),
    );
    expect(error.message).toBe(
      'no station at 34.83774,-118.1234 (stations are matched on coordinates rounded to 4 decimals)',
    );
  });

  it('says what is wrong when station, variable or series do not exist', async () => {
    const cases: [SelectionRequest, string][] = [
      [request({ station: { kind: 'id', id: 999_999 } }), 'no station has id 999999'],
      [
        request({ variable: 'nox' }),
        'variable nox is not a TOAR variable: use one of o3, no2, so2, co, pm2p5, pm10, bc',
      ],
      [
        request({ station: { kind: 'id', id: onlyDaily } }),
        `station ${onlyDaily} (Daily only) has no o3 series averaged over 60 minutes or less; it has o3 (1440 min)`,
      ],
      [
        request({ variable: 'so2' }),
        `station ${station} (Station A) has no so2 series averaged over 60 minutes or less; it has o3 (15 min), o3 (60 min), o3 (1440 min), no2 (60 min)`,
      ],
    ];
    for (const [r, message] of cases) {
      const error = await rejectsWithUsageError(
        selectTrainingData(client, r, { table: nextTable(), now: NOW }),
      );
      expect(error.message).toBe(message);
    }
  });

  it('has a sha256 over its rows in time order that depends on the rows only, not on how they were stored', async () => {
    const a = await selectTrainingData(client, request(), { table: nextTable(), now: NOW });
    const again = await selectTrainingData(client, request(), { table: nextTable(), now: NOW });
    const twinSelection = await selectTrainingData(
      client,
      request({ station: { kind: 'id', id: twin } }),
      {
        table: nextTable(),
        now: NOW,
      },
    );
    expect(again.sha256).toBe(a.sha256);
    expect(twinSelection.sha256).toBe(a.sha256);
    expect(a.sha256).toBe(
      trainingRowsSha256([
        { datetime: at('2014-01-01T00:00:00Z'), value: HOUR_00, n: 4 },
        { datetime: at('2014-01-01T03:00:00Z'), value: 12.5, n: 1 },
        { datetime: at('2014-01-01T05:00:00Z'), value: 7, n: 1 },
      ]),
    );
    const narrower = await selectTrainingData(
      client,
      request({
        window: { kind: 'range', from: at('2014-01-01T01:00:00Z'), to: at('2014-01-02T00:00:00Z') },
      }),
      { table: nextTable(), now: NOW },
    );
    expect(narrower.sha256).not.toBe(a.sha256);
  });

  it('refuses to overwrite an existing table, and drops tables on request', async () => {
    const table = nextTable();
    await selectTrainingData(client, request(), { table, now: NOW });
    const error = await selectTrainingData(client, request(), { table, now: NOW }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as Error).message).toMatch(`table ${table} exists already`);
    // The failed attempt rolled back; the first table is still whole.
    expect(await tableRows(table)).toHaveLength(3);
    await dropTables(client, [table, 'public.never_created']);
    const { rows } = await client.query('SELECT to_regclass($1) AS t', [table]);
    expect(rows[0].t).toBeNull();
  });
});

describe('station keys in SQL', () => {
  it('round(String(x)::numeric, 4) is the ingest key rule (roundHalfAwayFromZero4)', async () => {
    const coordinate = fc.oneof(
      fc.double({ min: -180, max: 180, noNaN: true }),
      // Exact ties and near-ties, where the rounding rule shows.
      fc.integer({ min: -1_800_000, max: 1_800_000 }).map((k) => (k + 0.5) / 1e4),
      fc.integer({ min: -180_000_000, max: 180_000_000 }).map((k) => k / 1e6),
    );
    const xs = fc.sample(coordinate, { numRuns: 2000, seed: 42 });
    xs.push(34.83775, -34.83775, 1.00005, 179.99995, -0.00004, 1e-7, -0);
    const { rows } = await client.query(
      'SELECT trim_scale(round(x::numeric, 4))::text AS key FROM unnest($1::text[]) WITH ORDINALITY u(x, i) ORDER BY i',
      [xs.map(String)],
    );
    expect(rows.map((r) => r.key)).toEqual(xs.map(roundHalfAwayFromZero4));
  });
});

describe('selection cost', () => {
  it('reads toar.data by primary-key range scans per series, never a sequential scan, in a large table', async () => {
    // 100 more series of 1,500 rows each: enough that a plan reading the whole table would show,
    // little enough to build in a moment.
    await client.query(`
      INSERT INTO toar.stationmeta_core
        (name, lat, lng, lat_key, lng_key, name_source_fetched_at, name_source_key, name_source_line)
      SELECT 'bulk ' || s, s, s, s, s, '2014-01-01Z', 'fixture', 1 FROM generate_series(20, 119) s;
      INSERT INTO toar.timeseries (station_id, variable_id, averaging_minutes)
      SELECT id, 1, 60 FROM toar.stationmeta_core WHERE name LIKE 'bulk %';
      SELECT toar.ensure_data_partitions_between('2014-01-01Z', '2014-01-01Z'::timestamptz + interval '1499 hours');
      INSERT INTO toar.data (timeseries_id, datetime, value, flags, fetched_at, object_id)
      SELECT t.id, '2014-01-01Z'::timestamptz + h * interval '1 hour', h % 50, 0, '2014-01-01Z',
             (SELECT min(id) FROM ops.source_objects)
      FROM toar.timeseries t
      JOIN toar.stationmeta_core s ON s.id = t.station_id AND s.name LIKE 'bulk %'
      CROSS JOIN generate_series(0, 1499) h;
      ANALYZE toar.data; ANALYZE toar.timeseries;`);
    const { rows: series } = await client.query(
      "SELECT t.id FROM toar.timeseries t JOIN toar.stationmeta_core s ON s.id = t.station_id WHERE s.name = 'bulk 100'",
    );
    const ids = series.map((r) => Number(r.id));
    const explain = async (sql: string, params: unknown[]) =>
      planNodes((await client.query(`EXPLAIN (FORMAT JSON) ${sql}`, params)).rows[0]['QUERY PLAN']);

    const ends = ids.map(() => false);
    const means = await explain(HOURLY_MEANS_SQL, [ids, '2014-01-10Z', '2014-02-10Z', ends]);
    const newest = await explain(NEWEST_SQL, [ids, new Date(NOW).toISOString(), ends]);
    for (const nodes of [means, newest]) {
      const types = nodes.map((n) => n['Node Type']);
      expect(types).not.toContain('Seq Scan');
      // toar.data's month partitions (migration 007).
      const reads = nodes
        .filter((n) => /^data_y\d{4}m\d{2}$/.test(n['Relation Name'] ?? ''))
        .map((n) => n['Node Type']);
      expect(reads.length).toBeGreaterThan(0);
      for (const type of reads)
        expect(['Index Scan', 'Index Only Scan', 'Bitmap Heap Scan']).toContain(type);
    }
    const pkey = (nodes: PlanNode[]) =>
      nodes
        .filter((n) => /^data_y\d{4}m\d{2}_pkey$/.test(n['Index Name'] ?? ''))
        .map((n) => n['Index Cond'] ?? '');
    // One series at a time (s.id from the unnest), bounded by the window where there is one, in
    // each month's primary key (which months are read: test/lib/toar/partitioning.test.ts).
    expect(pkey(means).length).toBeGreaterThan(0);
    for (const cond of pkey(means))
      expect(cond).toMatch(/timeseries_id = s\.id\).*datetime >= .*datetime < /);
    expect(pkey(newest).length).toBeGreaterThan(0);
    for (const cond of pkey(newest)) expect(cond).toMatch(/timeseries_id = s\.id/);
  });
});
