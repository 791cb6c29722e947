// Loading archive objects (DESIGN.md, archive rules "station", "series", "duplicates") into a real
// PostgreSQL, and migration 005 applied to a database that holds real-time series already.
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseObject } from '../../../actions/lib/ingest/parse-object.ts';
import { ARCHIVE_HEADER } from '../../../actions/lib/openaq/archive-rules.ts';
import { loadObjects } from '../../../actions/lib/toar/load.ts';
import { migrate } from '../../../actions/lib/toar/migrate.ts';
import { MIGRATIONS } from '../../../actions/lib/toar/migrations/index.ts';
import { ObjectBatch } from '../../../actions/lib/toar/object-batch.ts';
import { silentLogger } from '../../../actions/lib/util/logger.ts';
import { createTestDatabase } from '../../support/database.ts';
import { naturalContent } from '../../support/natural-content.ts';

const DAY = Date.parse('2024-03-01T00:00:00Z');
const KEY_1 = 'locationid=2178/year=2024/month=03/location-2178-20240301.csv.gz';
const KEY_2 = 'locationid=2178/year=2024/month=03/location-2178-20240302.csv.gz';

/** One archive record of location 2178: sensor, local time (−07:00), value (pm10, µg/m³). */
const row = (sensor: string, time: string, value: string, location = 'Del Norte-2178') =>
  `2178,${sensor},${location},2024-03-01T${time}:00-07:00,35.1353,-106.584702,pm10,µg/m³,${value}`;

async function archiveBatch(
  key: string,
  lines: string[],
  lastModified = Date.parse('2024-03-05T00:00:00Z'),
  etag = '"e1"',
): Promise<ObjectBatch> {
  const text = [ARCHIVE_HEADER.join(','), ...lines].join('\n');
  const day = key === KEY_2 ? DAY + 86_400_000 : DAY;
  return parseObject(gzipSync(text), { key, fetchedAt: lastModified, archiveDay: day, etag }, day, {
    maxObjectBytes: 2 ** 31,
  });
}

async function withDatabase<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const db = await createTestDatabase('archive');
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    await migrate(client, silentLogger);
    return await work(client);
  } finally {
    await client.end();
    await db.drop();
  }
}

describe('loading archive objects', () => {
  let client: pg.Client;
  let db: { url: string; drop: () => Promise<void> };
  beforeAll(async () => {
    db = await createTestDatabase('archive');
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await migrate(client, silentLogger);
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  const series = async () =>
    (
      await client.query(
        `SELECT v.name AS variable, t.averaging_minutes, t.data_origin, t.label,
                (SELECT count(*)::integer FROM toar.data d WHERE d.timeseries_id = t.id) AS rows
         FROM toar.timeseries t JOIN toar.variables v ON v.id = t.variable_id ORDER BY t.label`,
      )
    ).rows;

  it('makes one series per sensor, never merging two sensors of one parameter', async () => {
    const batch = await archiveBatch(KEY_1, [
      row('3919', '01:00', '14.0'),
      row('3920', '01:00', '15.0'),
      row('3919', '02:00', '4.0'),
    ]);
    const counts = await loadObjects(client, [batch]);
    expect(counts).toEqual({
      stationsCreated: 1,
      seriesCreated: 2,
      rowsInserted: 3,
      rowsUpdated: 0,
    });
    expect(await series()).toEqual([
      {
        variable: 'pm10',
        averaging_minutes: null,
        data_origin: 'openaq-archive',
        label: '3919',
        rows: 2,
      },
      {
        variable: 'pm10',
        averaging_minutes: null,
        data_origin: 'openaq-archive',
        label: '3920',
        rows: 1,
      },
    ]);
    const object = await client.query(
      'SELECT etag, fetched_at FROM ops.source_objects WHERE key = $1',
      [KEY_1],
    );
    expect(object.rows).toEqual([{ etag: '"e1"', fetched_at: new Date('2024-03-05T00:00:00Z') }]);
  });

  it('re-loading a re-export withdraws rows, replaces values and rejected lines', async () => {
    const v2 = await archiveBatch(
      KEY_1,
      [row('3919', '01:00', '14.5'), row('3919', '02:00', 'x'), row('3919', '03:00', '5.0')],
      Date.parse('2024-03-20T00:00:00Z'),
      '"e2"',
    );
    const counts = await loadObjects(client, [v2]);
    // 01:00 corrected; 02:00 now rejected and sensor 3920's row withdrawn; 03:00 new.
    expect(counts).toEqual({
      stationsCreated: 0,
      seriesCreated: 0,
      rowsInserted: 1,
      rowsUpdated: 3,
    });
    const fresh = await withDatabase(async (other) => {
      await loadObjects(other, [v2]);
      return naturalContent(other);
    });
    const here = await naturalContent(client);
    // The series of sensor 3920 stays (series are kept), without rows.
    expect({ ...here, series: undefined }).toEqual({ ...fresh, series: undefined });
    const rejected = await client.query('SELECT line, reason FROM ops.rejected_records');
    expect(rejected.rows).toEqual([{ line: 3, reason: 'bad-value' }]);
  });
});

describe('archive precedence', () => {
  it('is the later object key, then line, whatever the LastModified and the load order', async () => {
    // Two objects of one location that overlap (they never do in the bucket, but precedence must
    // still be a function of the content): the later key wins, and the later line within one.
    const early = () =>
      archiveBatch(
        KEY_1,
        [row('3919', '23:00', '1.0'), row('3919', '23:00', '2.0')],
        Date.parse('2024-03-30T00:00:00Z'),
      );
    const late = () =>
      archiveBatch(
        KEY_2,
        [row('3919', '23:00', '3.0'), row('3919', '22:00', '4.0')],
        Date.parse('2024-03-04T00:00:00Z'),
      );
    const inOrder = await withDatabase(async (c) => {
      await loadObjects(c, [await early()]);
      await loadObjects(c, [await late()]);
      const value = await c.query('SELECT value FROM toar.data ORDER BY datetime');
      expect(value.rows.map((r) => r.value)).toEqual([4, 3]);
      return naturalContent(c);
    });
    const reversed = await withDatabase(async (c) => {
      await loadObjects(c, [await late()]);
      await loadObjects(c, [await early()]);
      return naturalContent(c);
    });
    const together = await withDatabase(async (c) => {
      await loadObjects(c, [await early(), await late()]);
      return naturalContent(c);
    });
    expect(reversed).toEqual(inOrder);
    expect(together).toEqual(inOrder);
    const lineOrder = await withDatabase(async (c) => {
      await loadObjects(c, [await early()]);
      return (await c.query('SELECT value FROM toar.data')).rows;
    });
    expect(lineOrder).toEqual([{ value: 2 }]);
  });
});

describe('station names across the two sources', () => {
  const realtime = () => {
    const batch = new ObjectBatch(
      '2024-03-10/1710028800.ndjson.gz',
      Date.parse('2024-03-10T00:00:00Z'),
      DAY,
    );
    batch.addRecord({
      latKey: '35.1353',
      lngKey: '-106.5847',
      lat: 35.1353,
      lng: -106.584702,
      location: 'Del Norte',
      city: 'Albuquerque',
      country: 'US',
      variable: 'pm10',
      averagingMinutes: 60,
      time: DAY,
      value: 10,
      flags: 0,
      line: 1,
    });
    return batch;
  };

  it('takes the real-time name when there is one, in either load order; codes hold both', async () => {
    const names = [];
    for (const order of [
      ['archive', 'realtime'],
      ['realtime', 'archive'],
    ]) {
      names.push(
        await withDatabase(async (c) => {
          for (const which of order) {
            await loadObjects(c, [
              which === 'archive'
                ? await archiveBatch(KEY_1, [row('3919', '01:00', '1')])
                : realtime(),
            ]);
          }
          return (await c.query('SELECT name, codes, city FROM toar.stationmeta_core')).rows;
        }),
      );
    }
    expect(names[0]).toEqual([
      { name: 'Del Norte', codes: ['Del Norte', 'Del Norte-2178'], city: 'Albuquerque' },
    ]);
    expect(names[1]).toEqual(names[0]);
  });

  it('otherwise takes the archive record of the earliest key, then line', async () => {
    const name = await withDatabase(async (c) => {
      await loadObjects(c, [await archiveBatch(KEY_2, [row('3919', '01:00', '1', 'Later key')])]);
      await loadObjects(c, [
        await archiveBatch(KEY_1, [
          row('3919', '01:00', '1', 'First line'),
          row('3919', '02:00', '1', 'Second line'),
        ]),
      ]);
      return (await c.query('SELECT name FROM toar.stationmeta_core')).rows;
    });
    expect(name).toEqual([{ name: 'First line' }]);
  });
});

describe('migration 005 on a database with real-time series', () => {
  it('migrates in place: real-time series keep their rows and key, with the label ""', async () => {
    const db = await createTestDatabase('mig5');
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      await migrate(
        c,
        silentLogger,
        MIGRATIONS.filter((m) => m.version <= 4),
      );
      await c.query(`
        INSERT INTO toar.stationmeta_core (name, lat, lng, lat_key, lng_key, name_source_fetched_at, name_source_key, name_source_line)
          VALUES ('Del Norte', 35.1353, -106.584702, 35.1353, -106.5847, '2024-03-10', '2024-03-10/1710028800.ndjson.gz', 1);
        INSERT INTO toar.timeseries (station_id, variable_id, averaging_minutes, label)
          SELECT id, 6, 60, 'pm10 60 min' FROM toar.stationmeta_core;
        INSERT INTO ops.source_objects (key, fetched_at) VALUES ('2024-03-10/1710028800.ndjson.gz', '2024-03-10');
        INSERT INTO toar.data (timeseries_id, datetime, value, fetched_at, object_id)
          SELECT t.id, '2024-03-01', 9, '2024-03-10', o.id FROM toar.timeseries t, ops.source_objects o;`);
      expect(await migrate(c, silentLogger)).toEqual([5, 6, 7, 8]);
      const before = await c.query('SELECT id, label, averaging_minutes FROM toar.timeseries');
      expect(before.rows).toEqual([{ id: '1', label: '', averaging_minutes: 60 }]);
      // A real-time load of the same series finds it (no second series), and replaces the row.
      const batch = new ObjectBatch(
        '2024-03-10/1710029400.ndjson.gz',
        Date.parse('2024-03-10T00:10:00Z'),
        DAY,
      );
      batch.addRecord({
        latKey: '35.1353',
        lngKey: '-106.5847',
        lat: 35.1353,
        lng: -106.584702,
        location: 'Del Norte',
        city: '',
        country: '',
        variable: 'pm10',
        averagingMinutes: 60,
        time: DAY,
        value: 10,
        flags: 0,
        line: 1,
      });
      expect(await loadObjects(c, [batch])).toMatchObject({ seriesCreated: 0, rowsUpdated: 1 });
      const archive = await archiveBatch(KEY_1, [row('3919', '01:00', '1')]);
      expect(await loadObjects(c, [archive])).toMatchObject({ seriesCreated: 1, rowsInserted: 1 });
      const after = await c.query(
        'SELECT t.label, count(d.*)::integer AS rows FROM toar.timeseries t LEFT JOIN toar.data d ON d.timeseries_id = t.id GROUP BY t.id ORDER BY t.id',
      );
      expect(after.rows).toEqual([
        { label: '', rows: 1 },
        { label: '3919', rows: 1 },
      ]);
    } finally {
      await c.end();
      await db.drop();
    }
  });
});
