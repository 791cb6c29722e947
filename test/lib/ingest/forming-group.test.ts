import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { FormingGroup } from '../../../actions/lib/ingest/forming-group.ts';
import { loadGroup } from '../../../actions/lib/ingest/load-group.ts';
import { dataSpan } from '../../../actions/lib/toar/data-months.ts';
import { mayHoldTwo } from '../../../actions/lib/toar/database.ts';
import { loadObjects, OpenGroup } from '../../../actions/lib/toar/load.ts';
import type { ObjectBatch } from '../../../actions/lib/toar/object-batch.ts';
import { rawLineHash } from '../../../actions/lib/toar/raw-line.ts';
import { silentLogger } from '../../../actions/lib/util/logger.ts';
import { useMigratedDatabase } from '../../support/database.ts';
import { until } from '../../support/processes.ts';
import { sampleBatch } from '../../support/sample-records.ts';

const T = Date.parse('2018-06-07T00:00:00Z');
const JULY = Date.parse('2018-07-01T00:00:00Z');

/** An object of one station (`lat`) with a record at T and a rejected line. */
function object(key: string, fetchedAt: number, lat: string, value: number): ObjectBatch {
  const batch = sampleBatch(key, fetchedAt, [{ latKey: lat, value }], T);
  batch.addRejection({ line: 2, reason: 'no-coordinates', message: 'm', raw: `raw of ${key}` });
  return batch;
}

const items = (batches: ObjectBatch[]) => batches.map((batch) => ({ task: batch.key, batch }));

describe('FormingGroup', () => {
  const db = useMigratedDatabase('forming');

  const stored = async () => {
    const data = await db.pool.query<{ lat: string; value: number; key: string }>(
      `SELECT trim_scale(s.lat_key)::text AS lat, d.value, o.key
       FROM toar.data d JOIN toar.timeseries t ON t.id = d.timeseries_id
       JOIN toar.stationmeta_core s ON s.id = t.station_id
       JOIN ops.source_objects o ON o.id = d.object_id ORDER BY 1, 3`,
    );
    const rejections = await db.pool.query<{ object_key: string; raw: string }>(
      'SELECT object_key, raw FROM ops.rejections ORDER BY 1',
    );
    return { data: data.rows, rejections: rejections.rows };
  };
  const inUse = () => db.pool.totalCount - db.pool.idleCount;

  it('stages each object as it comes, uncommitted, and the load finishes that transaction', async () => {
    const a = object('f/1', T, '1', 1);
    const b = object('f/2', T + 600_000, '2', 2);
    const later = object('f/3', T + 1_200_000, '1', 3);
    const forming = new FormingGroup(db.pool, silentLogger, Promise.resolve());
    forming.add(a);
    forming.add(b);
    forming.add(later);
    // Another connection sees nothing of it until the group commits (looked at once the group
    // holds its connection, and a while later, when its objects are staged).
    expect(await until(() => inUse() === 1, 30_000), 'the group took no connection').toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(inUse()).toBe(1);
    expect(await stored()).toEqual({ data: [], rejections: [] });

    let opened = 0;
    const outcome = await loadGroup(db.pool, items([a, b, later]), silentLogger, {
      forming,
      onOpened: () => opened++,
    });
    expect(outcome.failed).toEqual([]);
    expect(outcome.loaded[0]?.counts).toEqual({
      stationsCreated: 2,
      seriesCreated: 2,
      rowsInserted: 2,
      rowsUpdated: 0,
    });
    expect(opened).toBe(1);
    expect(inUse()).toBe(0);
    expect(await stored()).toEqual({
      // The measurement of station 1 that two objects have: the later one's.
      data: [
        { lat: '1', value: 3, key: 'f/3' },
        { lat: '2', value: 2, key: 'f/2' },
      ],
      rejections: [
        { object_key: 'f/1', raw: 'raw of f/1' },
        { object_key: 'f/2', raw: 'raw of f/2' },
        { object_key: 'f/3', raw: 'raw of f/3' },
      ],
    });
  });

  it('does not stage again the texts an earlier load stored', async () => {
    const later = object('t/2', T + 600_000, '7', 2);
    later.addRejection({ line: 3, reason: 'bad-json', message: 'm', raw: 'stored before' });
    // Said to be stored (it is not, here): were it staged, it would be in ops.rejected_lines.
    const stored = new Set([rawLineHash('stored before')]);
    const forming = new FormingGroup(db.pool, silentLogger, Promise.resolve());
    forming.add(later);
    const outcome = await loadGroup(db.pool, items([later]), silentLogger, {
      forming,
      storedLines: stored,
    });
    expect(outcome.failed).toEqual([]);
    const lines = await db.pool.query<{ raw: string }>(
      `SELECT l.raw FROM ops.rejected_records r JOIN ops.rejected_lines l ON l.hash = r.raw_hash
       WHERE r.object_key = 't/2' ORDER BY r.line`,
    );
    expect(lines.rows).toEqual([{ raw: 'raw of t/2' }]);
    const records = await db.pool.query(
      `SELECT line FROM ops.rejected_records WHERE object_key = 't/2' ORDER BY line`,
    );
    expect(records.rows).toEqual([{ line: 2 }, { line: 3 }]);
  });

  it('opens only once the load before it has opened', async () => {
    let release = () => {};
    const before = new Promise<void>((resolve) => {
      release = resolve;
    });
    const forming = new FormingGroup(db.pool, silentLogger, before);
    const a = object('w/1', T, '3', 1);
    forming.add(a);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(inUse()).toBe(0);
    release();
    const taken = await forming.take([a]);
    expect(taken).toBeDefined();
    expect(inUse()).toBe(1);
    await taken?.group.rollback();
    taken?.client.release();
  });

  it('rolls back and lets go of its connection when the group is not the one it staged', async () => {
    const a = object('m/1', T, '4', 1);
    const b = object('m/2', T + 600_000, '5', 1);
    const forming = new FormingGroup(db.pool, silentLogger, Promise.resolve());
    forming.add(a);
    forming.add(b);
    expect(await forming.take([a])).toBeUndefined();
    expect(inUse()).toBe(0);
    const keys = await db.pool.query(`SELECT key FROM ops.source_objects WHERE key LIKE 'm/%'`);
    expect(keys.rows).toEqual([]);
  });

  it('leaves an object with rows in a month it did not make to the ordinary load', async () => {
    const june = object('j/1', T, '6', 1);
    const july = sampleBatch('j/2', JULY, [{ latKey: '6', time: JULY + 3_600_000, value: 7 }]);
    const forming = new FormingGroup(db.pool, silentLogger, Promise.resolve());
    forming.add(june);
    forming.add(july);
    const outcome = await loadGroup(db.pool, items([june, july]), silentLogger, { forming });
    expect(outcome.failed).toEqual([]);
    expect(inUse()).toBe(0);
    const rows = await db.pool.query<{ key: string; month: string }>(
      `SELECT o.key, to_char(d.datetime AT TIME ZONE 'UTC', 'YYYY-MM') AS month
       FROM toar.data d JOIN ops.source_objects o ON o.id = d.object_id
       WHERE o.key LIKE 'j/%' ORDER BY 1`,
    );
    expect(rows.rows).toEqual([
      { key: 'j/1', month: '2018-06' },
      { key: 'j/2', month: '2018-07' },
    ]);
  });

  it('gives up on an object the database refuses, and the ordinary load reports it', async () => {
    const bad = object('bad\u0000key', T, '8', 1);
    const forming = new FormingGroup(db.pool, silentLogger, Promise.resolve());
    forming.add(bad);
    const outcome = await loadGroup(db.pool, items([bad]), silentLogger, { forming });
    expect(outcome.loaded).toEqual([]);
    expect(outcome.failed.map((f) => f.item.task)).toEqual(['bad\u0000key']);
    expect(inUse()).toBe(0);
    // The pool still works.
    expect((await db.pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('abandoned (a run that stops), stores nothing and lets go of its connection', async () => {
    const a = object('s/1', T, '9', 1);
    const forming = new FormingGroup(db.pool, silentLogger, Promise.resolve());
    forming.add(a);
    await forming.abandon();
    await forming.abandon();
    expect(inUse()).toBe(0);
    expect(await forming.take([a])).toBeUndefined();
    const keys = await db.pool.query(`SELECT key FROM ops.source_objects WHERE key = 's/1'`);
    expect(keys.rows).toEqual([]);
  });
});

describe('mayHoldTwo', () => {
  it('is true only of a pool known to open two connections or more', () => {
    expect(mayHoldTwo(new pg.Pool({ max: 3 }))).toBe(true);
    expect(mayHoldTwo(new pg.Pool({ max: 2 }))).toBe(true);
    expect(mayHoldTwo(new pg.Pool({ max: 1 }))).toBe(false);
    expect(mayHoldTwo({ query: pg.Pool.prototype.query, connect: pg.Pool.prototype.connect })).toBe(
      false,
    );
  });
});

describe('loadObjects given an open group', () => {
  const db = useMigratedDatabase('opengroup');

  it('rolls back a group that holds other objects and loads the ones it is given', async () => {
    const a = object('o/1', T, '1', 1);
    const b = object('o/2', T + 600_000, '2', 2);
    const client = await db.pool.connect();
    try {
      const group = await OpenGroup.open(client, dataSpan([a])?.months ?? []);
      await group.add(a);
      expect(group.covers([b])).toBe(true);
      const counts = await loadObjects(client, [a, b], { opened: group });
      expect(counts.rowsInserted).toBe(2);
      const keys = await client.query('SELECT key FROM ops.source_objects ORDER BY 1');
      expect(keys.rows).toEqual([{ key: 'o/1' }, { key: 'o/2' }]);
      const rejections = await client.query(
        'SELECT object_key, line FROM ops.rejected_records ORDER BY 1',
      );
      expect(rejections.rows).toEqual([
        { object_key: 'o/1', line: 2 },
        { object_key: 'o/2', line: 2 },
      ]);
      // A month the group was not opened for.
      const july = sampleBatch('o/3', JULY, [{ time: JULY }]);
      expect(group.covers([july])).toBe(false);
    } finally {
      client.release();
    }
  });
});
