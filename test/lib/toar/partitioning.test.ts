// toar.data partitioned by month (migration 007; README, Scaling): an existing table converted in
// place, month partitions created by the load as it needs them (also by loads running at once),
// a month detached, a fresh database partitioned from the start, and reads that touch only the
// months they need. Migration 008 (Citus) is checked only for doing nothing here.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseError } from '../../../actions/lib/errors.ts';
import { isDataError } from '../../../actions/lib/ingest/load-group.ts';
import { readStatus } from '../../../actions/lib/ingest/status.ts';
import { loadObjectPieces, loadObjects } from '../../../actions/lib/toar/load.ts';
import { migrate } from '../../../actions/lib/toar/migrate.ts';
import { MIGRATIONS } from '../../../actions/lib/toar/migrations/index.ts';
import type { DataRecord, ObjectBatch } from '../../../actions/lib/toar/object-batch.ts';
import { HOURLY_MEANS_SQL, NEWEST_SQL } from '../../../actions/lib/training/data/selection.ts';
import { silentLogger } from '../../../actions/lib/util/logger.ts';
import { createTestDatabase } from '../../support/database.ts';
import { defined } from '../../support/defined.ts';
import { planNodes } from '../../support/query-plan.ts';
import { sampleBatch } from '../../support/sample-records.ts';

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);

/** Hourly records of two stations and two variables from `start`, `hours` of them each. */
function hourly(start: number, hours: number, value = 0): Partial<DataRecord>[] {
  const records: Partial<DataRecord>[] = [];
  for (let h = 0; h < hours; h++) {
    const time = start + h * HOUR;
    records.push({ time, value: value + h, flags: h % 7 === 0 ? 1 : 0 });
    records.push({ time, variable: 'no2', value: value + h / 2 });
    records.push({ time, latKey: '11.25', lngKey: '4', lat: 11.25, lng: 4, value: value - h });
  }
  return records;
}

/** The pieces of an object loaded piece by piece (see loadObjectPieces). */
async function* piecesOf(batches: ObjectBatch[]): AsyncGenerator<ObjectBatch> {
  yield* batches;
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query("SET TIME ZONE 'UTC'");
  return client;
}

/** Every row of toar.data, in key order, as text: content and count compared at once. */
async function allRows(client: pg.ClientBase): Promise<string[]> {
  const { rows } = await client.query<{ row: string }>(
    `SELECT (d.timeseries_id, d.datetime, d.value, d.flags, d.fetched_at, d.object_id)::text AS row
     FROM toar.data d ORDER BY d.timeseries_id, d.datetime`,
  );
  return rows.map((r) => r.row);
}

/** toar.data's partitions, by name, with their bounds (in UTC: see connect). */
async function partitions(client: pg.ClientBase): Promise<{ name: string; bound: string }[]> {
  const { rows } = await client.query<{ name: string; bound: string }>(
    `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
     FROM pg_partition_tree('toar.data') t JOIN pg_class c ON c.oid = t.relid
     WHERE t.level = 1 ORDER BY 1`,
  );
  return rows;
}

const names = async (client: pg.ClientBase) => (await partitions(client)).map((p) => p.name);

/** Waits until the backend `pid` waits for a lock. */
async function waitingForLock(client: pg.ClientBase, pid: number): Promise<void> {
  for (let tries = 0; tries < 500; tries++) {
    const { rows } = await client.query(
      'SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1',
      [pid],
    );
    if (rows[0]?.wait_event_type === 'Lock') return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`backend ${pid} never waited for a lock`);
}

describe('toar.data by month', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let client: pg.Client;
  beforeAll(async () => {
    db = await createTestDatabase('part');
    client = await connect(db.url);
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  it('converts a table of several months over two years in place: every row kept, a partition for each month it has', async () => {
    await migrate(
      client,
      silentLogger,
      MIGRATIONS.filter((m) => m.version <= 6),
    );
    // What loads left before migration 007 (the loader of today needs 007's function): the rows
    // of three objects, of 2017-11, 2017-12 and 2018-01 (an object across the new year), then
    // 2018-03, with no February; as hourly() would make them, of two stations and two variables.
    await client.query(`
      INSERT INTO toar.stationmeta_core
        (name, lat, lng, lat_key, lng_key, name_source_fetched_at, name_source_key, name_source_line)
      VALUES ('Here', 10.50001, -3, 10.5, -3, '2017-11-30T12:00Z', '2017-11-30/a', 1),
             ('Here', 11.25, 4, 11.25, 4, '2017-11-30T12:00Z', '2017-11-30/a', 3);
      INSERT INTO toar.timeseries (station_id, variable_id, averaging_minutes)
      SELECT s.id, v.id, 60 FROM toar.stationmeta_core s, toar.variables v
      WHERE v.name = 'o3' OR (v.name = 'no2' AND s.lat_key = 10.5);
      INSERT INTO ops.source_objects (key, fetched_at)
      VALUES ('2017-11-30/a', '2017-11-30T12:00Z'), ('2018-01-01/b', '2018-01-01T10:00Z'),
             ('2018-03-02/c', '2018-03-02T00:00Z');
      INSERT INTO toar.data (timeseries_id, datetime, value, flags, fetched_at, object_id)
      SELECT t.id, f.start + h * interval '1 hour',
             CASE WHEN s.lat_key = 11.25 THEN f.base - h
                  WHEN t.variable_id = 2 THEN f.base + h / 2.0 ELSE f.base + h END,
             CASE WHEN s.lat_key = 10.5 AND t.variable_id = 1 AND h % 7 = 0 THEN 1 ELSE 0 END,
             o.fetched_at, o.id
      FROM (VALUES ('2017-11-30/a', timestamptz '2017-11-29T00:00Z', 36, 0),
                   ('2018-01-01/b', timestamptz '2017-12-31T12:00Z', 20, 5),
                   ('2018-03-02/c', timestamptz '2018-03-01T00:00Z', 24, 9)) f (key, start, hours, base)
      JOIN ops.source_objects o ON o.key = f.key
      CROSS JOIN generate_series(0, f.hours - 1) h
      CROSS JOIN toar.timeseries t JOIN toar.stationmeta_core s ON s.id = t.station_id`);
    const before = await allRows(client);
    expect(before.length).toBe((36 + 20 + 24) * 3);

    expect(await migrate(client, silentLogger)).toEqual(
      MIGRATIONS.filter((m) => m.version >= 7).map((m) => m.version),
    );

    expect(await allRows(client)).toEqual(before);
    expect(await partitions(client)).toEqual([
      {
        name: 'data_y2017m11',
        bound: "FOR VALUES FROM ('2017-11-01 00:00:00+00') TO ('2017-12-01 00:00:00+00')",
      },
      {
        name: 'data_y2017m12',
        bound: "FOR VALUES FROM ('2017-12-01 00:00:00+00') TO ('2018-01-01 00:00:00+00')",
      },
      {
        name: 'data_y2018m01',
        bound: "FOR VALUES FROM ('2018-01-01 00:00:00+00') TO ('2018-02-01 00:00:00+00')",
      },
      {
        name: 'data_y2018m03',
        bound: "FOR VALUES FROM ('2018-03-01 00:00:00+00') TO ('2018-04-01 00:00:00+00')",
      },
    ]);
    const table = await client.query(
      `SELECT c.relkind, p.partdefid::integer AS default_partition,
              to_regclass('toar.data_unpartitioned') AS old
       FROM pg_class c JOIN pg_partitioned_table p ON p.partrelid = c.oid
       WHERE c.oid = 'toar.data'::regclass`,
    );
    expect(table.rows).toEqual([{ relkind: 'p', default_partition: 0, old: null }]);
    const constraints = await client.query<{ conname: string; contype: string }>(
      `SELECT conname, contype FROM pg_constraint WHERE conrelid = 'toar.data'::regclass ORDER BY 1`,
    );
    // The names of the table replaced (PostgreSQL 18 lists NOT NULL constraints too, contype n).
    for (const { conname } of constraints.rows) expect(conname).toMatch(/^data_[a-z_]+$/);
    // (Migration 10 drops the foreign keys 007 recreates: see data-parents.test.ts.)
    expect(constraints.rows.filter((c) => c.contype !== 'n')).toEqual([
      { conname: 'data_pkey', contype: 'p' },
    ]);
    const indexes = await client.query(
      `SELECT indexrelid::regclass::text AS name, pg_get_indexdef(indexrelid) AS definition
       FROM pg_index WHERE indrelid IN ('toar.data'::regclass, 'toar.data_y2018m03'::regclass)
       ORDER BY 1`,
    );
    expect(indexes.rows).toEqual([
      {
        name: 'toar.data_object',
        definition: 'CREATE INDEX data_object ON ONLY toar.data USING btree (object_id)',
      },
      {
        name: 'toar.data_pkey',
        definition:
          'CREATE UNIQUE INDEX data_pkey ON ONLY toar.data USING btree (timeseries_id, datetime)',
      },
      {
        name: 'toar.data_y2018m03_object_id_idx',
        definition:
          'CREATE INDEX data_y2018m03_object_id_idx ON toar.data_y2018m03 USING btree (object_id)',
      },
      {
        name: 'toar.data_y2018m03_pkey',
        definition:
          'CREATE UNIQUE INDEX data_y2018m03_pkey ON toar.data_y2018m03 USING btree (timeseries_id, datetime)',
      },
    ]);
    const options = await client.query(
      `SELECT DISTINCT c.reloptions FROM pg_partition_tree('toar.data') t
       JOIN pg_class c ON c.oid = t.relid WHERE t.level = 1`,
    );
    expect(options.rows).toEqual([{ reloptions: ['fillfactor=85'] }]);
  });

  it('keeps the primary key: a later fetch replaces a row, a duplicate is refused', async () => {
    const rowOf = async (iso: string) =>
      (
        await client.query(
          `SELECT d.value, o.key FROM toar.data d
           JOIN ops.source_objects o ON o.id = d.object_id
           JOIN toar.timeseries t ON t.id = d.timeseries_id AND t.variable_id = 1
           JOIN toar.stationmeta_core s ON s.id = t.station_id AND s.lat_key = 10.5
           WHERE d.datetime = $1`,
          [iso],
        )
      ).rows;
    expect(await rowOf('2017-12-31T13:00Z')).toEqual([{ value: 6, key: '2018-01-01/b' }]);
    const later = sampleBatch('2018-01-01/d', at('2018-01-01T11:00Z'), [
      { time: at('2017-12-31T13:00Z'), value: 99 },
    ]);
    expect(await loadObjects(client, [later])).toEqual({
      stationsCreated: 0,
      seriesCreated: 0,
      rowsInserted: 0,
      rowsUpdated: 1,
    });
    expect(await rowOf('2017-12-31T13:00Z')).toEqual([{ value: 99, key: '2018-01-01/d' }]);
    const duplicate = await client
      .query(
        `INSERT INTO toar.data (timeseries_id, datetime, value, fetched_at, object_id)
         SELECT timeseries_id, datetime, 1, fetched_at, object_id FROM toar.data
         WHERE datetime < '2017-12-01Z' LIMIT 1`,
      )
      .catch((e: unknown) => e);
    expect(duplicate).toMatchObject({ code: '23505', constraint: 'data_y2017m11_pkey' });
  });

  it('creates the partition of each new month a load brings, and of no month between', async () => {
    const counts = await loadObjects(client, [
      // A stray row of long ago adds its own month, not the 26 months between.
      sampleBatch('2018-05-02/e', at('2018-05-02T00:00Z'), [
        ...hourly(at('2018-05-01T00:00Z'), 3),
        { time: at('2016-02-29T23:00Z'), value: 1 },
      ]),
    ]);
    expect(counts.rowsInserted).toBe(10);
    expect(await names(client)).toEqual([
      'data_y2016m02',
      'data_y2017m11',
      'data_y2017m12',
      'data_y2018m01',
      'data_y2018m03',
      'data_y2018m05',
    ]);
    const { rows } = await client.query(
      `SELECT tableoid::regclass::text AS part, count(*)::integer AS n FROM toar.data
       WHERE datetime >= '2016-01-01Z' AND datetime < '2017-01-01Z' OR datetime >= '2018-05-01Z'
       GROUP BY 1 ORDER BY 1`,
    );
    expect(rows).toEqual([
      { part: 'toar.data_y2016m02', n: 1 },
      { part: 'toar.data_y2018m05', n: 9 },
    ]);
  });

  it('creates a new month once when loads bring it at the same time, each on its connection, whole or in pieces', async () => {
    const [a, b, c] = await Promise.all([connect(db.url), connect(db.url), connect(db.url)]);
    const clients = [a, b, c];
    try {
      for (const [round, month] of ['2018-07', '2018-09', '2019-01'].entries()) {
        const start = at(`${month}-01T00:00Z`);
        const before = (await allRows(client)).length;
        // Overlapping rows (each fetch repeats the previous one's hours), a row of the month after,
        // and a large object loaded in pieces.
        const results = await Promise.all([
          loadObjects(a, [sampleBatch(`${month}/r${round}a`, start + HOUR, hourly(start, 6))]),
          loadObjects(b, [
            sampleBatch(`${month}/r${round}b`, start + 2 * HOUR, hourly(start, 8, 3)),
          ]),
          loadObjectPieces(
            c,
            { key: `${month}/r${round}c`, fetchedAt: start, intervalStart: start },
            piecesOf([
              sampleBatch(`${month}/r${round}c`, start, hourly(start + 20 * HOUR, 4)),
              sampleBatch(`${month}/r${round}c`, start, [
                { time: start + 40 * 24 * HOUR, value: 7 },
              ]),
            ]),
          ),
        ]);
        expect(results).toHaveLength(3);
        expect((await allRows(client)).length).toBe(before + 8 * 3 + 4 * 3 + 1);
      }
      expect(await names(client)).toEqual([
        'data_y2016m02',
        'data_y2017m11',
        'data_y2017m12',
        'data_y2018m01',
        'data_y2018m03',
        'data_y2018m05',
        'data_y2018m07',
        'data_y2018m08',
        'data_y2018m09',
        'data_y2018m10',
        'data_y2019m01',
        'data_y2019m02',
      ]);
    } finally {
      await Promise.all(clients.map((x) => x.end()));
    }
  });

  it('creates a month while another load is in the middle of its transaction, without a deadlock', async () => {
    // The other load has recorded its object and goes on to write rows of a month that exists;
    // the new month's creation waits for it to commit, and it never waits for the creation.
    const other = await connect(db.url);
    const creator = await connect(db.url);
    try {
      await other.query('BEGIN');
      const object = await other.query(
        `INSERT INTO ops.source_objects (key, fetched_at) VALUES ('mid/1', now()) RETURNING id`,
      );
      const pid = (await creator.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      const creating = loadObjects(creator, [
        sampleBatch('2019-04/x', at('2019-04-02T00:00Z'), hourly(at('2019-04-01T00:00Z'), 2)),
      ]);
      await waitingForLock(client, pid);
      await other.query(
        `INSERT INTO toar.timeseries (station_id, variable_id, averaging_minutes)
         SELECT id, 3, 60 FROM toar.stationmeta_core WHERE lat_key = 10.5`,
      );
      await other.query(
        `INSERT INTO toar.data (timeseries_id, datetime, value, fetched_at, object_id)
         SELECT id, '2018-05-01T05:00Z', 1, now(), $1 FROM toar.timeseries WHERE variable_id = 3`,
        [object.rows[0].id],
      );
      await other.query('COMMIT');
      expect(await creating).toMatchObject({ rowsInserted: 6 });
      expect(await names(client)).toContain('data_y2019m04');
    } finally {
      await other.end();
      await creator.end();
    }
  });

  it('refuses rows spread over more than 240 months, as the data it is: the group is split and the object fails alone', async () => {
    const before = await names(client);
    const misdated = sampleBatch(
      'bad/1',
      at('2019-05-01T00:00Z'),
      Array.from({ length: 241 }, (_, i) => ({ time: Date.UTC(1990, i, 15) })),
    );
    const error = await loadObjects(client, [misdated]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseError);
    expect(String((error as Error).message)).toBe('loading bad/1 failed; nothing of it was stored');
    const cause = (error as Error).cause as Error;
    expect(cause.message).toMatch(
      /^creating the month partitions of toar\.data for 241 month\(s\) \(1990-01 … 2010-01\) failed$/,
    );
    expect((cause.cause as Error).message).toMatch(
      /^toar\.data has no partition for 241 months \(1990-01 to 2010-01\): more than 240 are not created at once$/,
    );
    expect(isDataError(error)).toBe(true);
    expect(await names(client)).toEqual(before);
  });

  it('detaches a month: its rows leave toar.data, and it takes no rows until it is attached again', async () => {
    const rows = await allRows(client);
    const { rows: counted } = await client.query(
      `SELECT count(*)::integer AS n FROM toar.data_y2017m11`,
    );
    const november = defined(counted[0], 'a count').n;
    expect(november).toBeGreaterThan(0);
    await client.query('ALTER TABLE toar.data DETACH PARTITION toar.data_y2017m11');
    expect((await allRows(client)).length).toBe(rows.length - november);
    const archived = await client.query('SELECT count(*)::integer AS n FROM toar.data_y2017m11');
    expect(archived.rows).toEqual([{ n: november }]);
    expect(await names(client)).not.toContain('data_y2017m11');

    const late = sampleBatch('2017-11-30/late', at('2017-11-30T18:00Z'), [
      { time: at('2017-11-30T17:00Z') },
    ]);
    const refused = await loadObjects(client, [late]).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DatabaseError);
    const reason = ((refused as Error).cause as Error).cause as Error & { code: string };
    expect(reason.code).toBe('55000');
    expect(reason.message).toBe(
      'toar.data_y2017m11 exists but is not a partition of toar.data (a detached month): rows of 2017-11 cannot be stored',
    );

    await client.query(
      `ALTER TABLE toar.data ATTACH PARTITION toar.data_y2017m11
       FOR VALUES FROM ('2017-11-01T00:00:00Z') TO ('2017-12-01T00:00:00Z')`,
    );
    expect(await allRows(client)).toEqual(rows);
    expect(await loadObjects(client, [late])).toMatchObject({ rowsInserted: 1 });
  });

  it('detaches a month concurrently (readers and loads go on) and drops it; a later row of that month makes it again, empty', async () => {
    await client.query('ALTER TABLE toar.data DETACH PARTITION toar.data_y2016m02 CONCURRENTLY');
    await client.query('DROP TABLE toar.data_y2016m02');
    expect(await names(client)).not.toContain('data_y2016m02');
    const again = sampleBatch('2016-03-01/again', at('2016-03-01T00:00Z'), [
      { time: at('2016-02-29T22:00Z'), value: 2 },
    ]);
    expect(await loadObjects(client, [again])).toMatchObject({ rowsInserted: 1 });
    const { rows } = await client.query('SELECT count(*)::integer AS n FROM toar.data_y2016m02');
    expect(rows).toEqual([{ n: 1 }]);
  });

  describe('reads touch the months they need', () => {
    /** The month partitions the plan has, and those it read (scanned at least once). */
    async function monthsOf(sql: string, params: unknown[]) {
      const { rows } = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
      const scans = planNodes(rows[0]['QUERY PLAN']).filter((n) =>
        /^data_y\d{4}m\d{2}$/.test(n['Relation Name'] ?? ''),
      );
      return {
        planned: [...new Set(scans.map((n) => n['Relation Name']))].sort(),
        read: [
          ...new Set(
            scans.filter((n) => (n['Actual Loops'] ?? 0) > 0).map((n) => n['Relation Name']),
          ),
        ].sort(),
        scans,
      };
    }

    const seriesIds = async () =>
      (
        await client.query<{ id: string }>(
          `SELECT t.id FROM toar.timeseries t JOIN toar.stationmeta_core s ON s.id = t.station_id
           WHERE s.lat_key = 10.5 AND t.variable_id = 1`,
        )
      ).rows.map((r) => Number(r.id));

    it("a selection plans and reads only its window's months", async () => {
      const ids = await seriesIds();
      const ends = ids.map(() => false);
      const window = await monthsOf(HOURLY_MEANS_SQL, [
        ids,
        '2017-12-31T00:00Z',
        '2018-01-02T00:00Z',
        ends,
      ]);
      expect(window.planned).toEqual(['data_y2017m12', 'data_y2018m01']);
      expect(window.read).toEqual(['data_y2017m12', 'data_y2018m01']);
      // An archive series' window ends a microsecond later: the month it ends at is planned.
      const archive = await monthsOf(HOURLY_MEANS_SQL, [
        ids,
        '2017-12-01T00:00Z',
        '2018-01-01T00:00Z',
        ids.map(() => true),
      ]);
      expect(archive.planned).toEqual(['data_y2017m12', 'data_y2018m01']);
    });

    it('the newest row of a series is read from the newest months backwards, and no further than it', async () => {
      const ids = await seriesIds();
      const newest = await monthsOf(NEWEST_SQL, [ids, '2018-06-01T00:00Z', ids.map(() => false)]);
      // Months after the present are not planned; of the others only the newest with a row is read.
      expect(newest.planned).not.toContain('data_y2018m07');
      expect(newest.read).toEqual(['data_y2018m05']);
    });

    it("the status's newest row per series steps backwards through the months and stops at the first it finds", async () => {
      /** The months a series' max(datetime) reads, newest first (the status's subquery). */
      const readFor = async (id: number) => {
        const { rows } = await client.query(
          `EXPLAIN (ANALYZE, FORMAT JSON)
           SELECT (SELECT max(d.datetime) FROM toar.data d WHERE d.timeseries_id = t.id)
           FROM toar.timeseries t WHERE t.id = $1`,
          [id],
        );
        const scans = planNodes(rows[0]['QUERY PLAN']).filter((n) =>
          /^data_y\d{4}m\d{2}$/.test(n['Relation Name'] ?? ''),
        );
        expect(scans.length).toBe((await names(client)).length);
        for (const scan of scans) {
          expect(scan['Node Type']).toMatch(/^Index (Only )?Scan$/);
          expect(scan['Scan Direction']).toBe('Backward');
        }
        return scans.filter((n) => (n['Actual Loops'] ?? 0) > 0).map((n) => n['Relation Name']);
      };
      // Station 10.5,-3's ozone has rows in the newest month.
      expect(await readFor(defined((await seriesIds())[0], 'a series'))).toEqual(['data_y2019m04']);
      // Its sulphur dioxide has one row, of 2018-05: every month after it is looked at, none before.
      const so2 = await client.query(`SELECT id FROM toar.timeseries WHERE variable_id = 3`);
      const all = await names(client);
      expect(await readFor(Number(so2.rows[0].id))).toEqual(
        all.filter((name) => name >= 'data_y2018m05').reverse(),
      );
      const status = await readStatus(client as unknown as pg.Pool);
      expect(status.variables.find((v) => v.variable === 'so2')?.newest).toBe(
        '2018-05-01T05:00:00Z',
      );
      expect(status.variables.find((v) => v.variable === 'o3')?.newest).toBe(
        '2019-04-01T01:00:00Z',
      );
    });
  });
});

describe('a fresh database', () => {
  it('is partitioned from the start, with no month yet, and Citus is left alone', async () => {
    const db = await createTestDatabase('fresh');
    const client = await connect(db.url);
    try {
      await migrate(client, silentLogger);
      const { rows } = await client.query(
        `SELECT c.relkind, (SELECT count(*)::integer FROM pg_inherits WHERE inhparent = c.oid) AS months
         FROM pg_class c WHERE c.oid = 'toar.data'::regclass`,
      );
      expect(rows).toEqual([{ relkind: 'p', months: 0 }]);
      // Plain PostgreSQL: migration 008 did nothing, and its function refuses to run.
      const citus = await client.query(
        `SELECT count(*)::integer AS n FROM pg_extension WHERE extname = 'citus'`,
      );
      expect(citus.rows).toEqual([{ n: 0 }]);
      const refused = await client
        .query('SELECT toar.distribute_on_citus()')
        .catch((e: unknown) => e);
      expect(refused).toMatchObject({
        code: '55000',
        message:
          'the extension citus is not installed in this database: there is nothing to distribute on',
      });
      await loadObjects(client, [
        sampleBatch('2020-02-29/f', at('2020-02-29T01:00Z'), hourly(at('2020-02-29T00:00Z'), 1)),
      ]);
      expect(await names(client)).toEqual(['data_y2020m02']);
    } finally {
      await client.end();
      await db.drop();
    }
  });
});
