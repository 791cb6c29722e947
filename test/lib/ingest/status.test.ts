// What `freshet status --json` reports besides the days: stations with their coordinates and
// newest data, newest data per variable, training runs, and the time per task and day.
import { describe, expect, it } from 'vitest';
import { readStatus } from '../../../actions/lib/ingest/status.ts';
import { useMigratedDatabase } from '../../support/database.ts';
import { insertData, insertSeries, insertStation } from '../training/toar-fixture.ts';

describe('readStatus', () => {
  const db = useMigratedDatabase('status');

  it('reports an empty database as empty lists', async () => {
    const status = await readStatus(db.pool);
    expect(status.days).toEqual([]);
    expect(status.stations).toEqual([]);
    expect(status.training_runs).toEqual([]);
    expect(status.timings).toEqual([]);
    expect(status.variables.find((v) => v.variable === 'o3')).toEqual({
      variable: 'o3',
      stations: 0,
      series: 0,
      newest: null,
    });
  });

  it('lists stations, newest data, training runs and timings', async () => {
    const client = await db.pool.connect();
    try {
      const jerusalem = await insertStation(client, '31.7310', '35.2741', 'Jerusalem');
      const o3 = await insertSeries(client, jerusalem, 'o3', 60);
      const no2 = await insertSeries(client, jerusalem, 'no2', 60);
      await insertData(client, o3, [
        ['2014-01-01T00:00:00Z', 30],
        ['2014-01-01T05:00:00Z', 31],
      ]);
      await insertData(client, no2, [['2014-01-01T03:00:00Z', 12]]);
      await insertStation(client, '-33.8700', '151.2100', 'Sydney');
      await client.query(`
        INSERT INTO ops.ingest_runs (interval_start, interval_end, status, lease_until, source,
                                     rules_version, objects, list_ms, load_ms, finished_at)
        VALUES ('2014-01-01T00:00Z', '2014-01-01T00:10Z', 'succeeded', now(), 'file:///x', 1, 1, 40, 900, now()),
               ('2014-01-01T00:10Z', '2014-01-01T00:20Z', 'succeeded', now(), 'file:///x', 1, 1, 10, 100, now()),
               ('2014-01-02T00:00Z', '2014-01-02T00:10Z', 'failed', now(), 'file:///x', 1, 0, 5, NULL, now())`);
      await client.query(`
        INSERT INTO ops.training_runs (id, experiment, status, project_ref, entry_point, command,
                                       variable, station_name, rows, metrics, started_at, duration_ms)
        VALUES (repeat('a', 32), 'ozone-forest', 'succeeded', 'training/ozone-forest', 'main', 'node train.ts',
                'o3', 'Jerusalem', 720, '{"rmse": 3.5}', '2014-01-02T01:00Z', 2500)`);
    } finally {
      client.release();
    }
    const status = await readStatus(db.pool);
    // A station without a series is not listed (nothing is measured there).
    expect(status.stations).toEqual([
      {
        id: expect.any(Number),
        name: 'Jerusalem',
        lat: 31.731,
        lng: 35.2741,
        variables: ['no2', 'o3'],
        newest: '2014-01-01T05:00:00Z',
      },
    ]);
    expect(status.variables.find((v) => v.variable === 'o3')).toEqual({
      variable: 'o3',
      stations: 1,
      series: 1,
      newest: '2014-01-01T05:00:00Z',
    });
    expect(status.variables.find((v) => v.variable === 'no2')?.newest).toBe('2014-01-01T03:00:00Z');
    expect(status.training_runs).toEqual([
      {
        id: 'a'.repeat(32),
        experiment: 'ozone-forest',
        status: 'succeeded',
        started_at: '2014-01-02T01:00:00.000Z',
        duration_ms: 2500,
        variable: 'o3',
        station: 'Jerusalem',
        rows: 720,
        metrics: { rmse: 3.5 },
      },
    ]);
    // Only succeeded attempts count towards a day's ingest time; training by the run's start.
    expect(status.timings).toEqual([
      {
        day: '2014-01-01',
        intervals: 2,
        list_ms: 50,
        load_ms: 1000,
        training_runs: 0,
        training_ms: 0,
      },
      {
        day: '2014-01-02',
        intervals: 0,
        list_ms: 0,
        load_ms: 0,
        training_runs: 1,
        training_ms: 2500,
      },
    ]);
    // What the site reads back from `freshet status --json` is the same value.
    expect(JSON.parse(JSON.stringify(status))).toEqual(status);
  });
});

describe("readStatus's day grid", () => {
  const db = useMigratedDatabase('statusdays');

  it("counts each day's intervals by the layouts attempted: 144 real-time, one archive day", async () => {
    await db.pool.query(`
      INSERT INTO ops.ingest_runs (layout, interval_start, interval_end, status, lease_until, source,
                                   rules_version, objects, finished_at)
      VALUES ('realtime', '2014-01-01T00:00Z', '2014-01-01T00:10Z', 'succeeded', now(), 'file:///x', 1, 1, now()),
             ('realtime', '2014-01-01T00:10Z', '2014-01-01T00:20Z', 'succeeded', now(), 'file:///x', 1, 0, now()),
             ('archive', '2014-01-03T00:00Z', '2014-01-04T00:00Z', 'succeeded', now(), 's3://a/', 1, 3, now()),
             ('realtime', '2014-01-05T00:00Z', '2014-01-05T00:10Z', 'failed', now(), 'file:///x', 1, 0, now()),
             ('realtime', '2014-01-05T00:10Z', '2014-01-05T00:20Z', 'running', now() + interval '1 hour', 'file:///x', 1, 0, NULL),
             ('archive', '2014-01-05T00:00Z', '2014-01-06T00:00Z', 'succeeded', now(), 's3://a/', 1, 2, now())`);
    const { days } = await readStatus(db.pool);
    expect(days).toEqual([
      {
        day: '2014-01-01',
        intervals: 144,
        ingested: 1,
        empty: 1,
        failed: 0,
        running: 0,
        missing: 142,
      },
      // Not attempted: the intervals of the day before it that was.
      {
        day: '2014-01-02',
        intervals: 144,
        ingested: 0,
        empty: 0,
        failed: 0,
        running: 0,
        missing: 144,
      },
      { day: '2014-01-03', intervals: 1, ingested: 1, empty: 0, failed: 0, running: 0, missing: 0 },
      { day: '2014-01-04', intervals: 1, ingested: 0, empty: 0, failed: 0, running: 0, missing: 1 },
      // Both layouts: the real-time interval at 00:00 and the archive day are two intervals.
      {
        day: '2014-01-05',
        intervals: 145,
        ingested: 1,
        empty: 0,
        failed: 1,
        running: 1,
        missing: 142,
      },
    ]);
  });
});
