import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseError } from '../../../actions/lib/errors.ts';
import { loadObjects } from '../../../actions/lib/toar/load.ts';
import { migrate } from '../../../actions/lib/toar/migrate.ts';
import type { DataRecord, ObjectBatch } from '../../../actions/lib/toar/object-batch.ts';
import { silentLogger } from '../../../actions/lib/util/logger.ts';
import { createTestDatabase } from '../../support/database.ts';
import { sampleBatch } from '../../support/sample-records.ts';

const T = Date.parse('2018-06-07T00:00:00Z');

const batch = (key: string, fetchedAt: number, records: Partial<DataRecord>[]) =>
  sampleBatch(key, fetchedAt, records, T);

// Each way the data upsert counts what it did (load.ts, Counting): from the rows it wrote
// (PostgreSQL 18, the test server), and in its snapshot, as before 18 (chosen by a setting here).
describe.each([
  ['returning', undefined],
  ['snapshot', 'snapshot'],
] as const)('loadObjects, counting the data rows by %s', (counting, setting) => {
  let db: { url: string; drop: () => Promise<void> };
  let client: pg.Client;
  beforeAll(async () => {
    db = await createTestDatabase('load');
    if (setting !== undefined) {
      const admin = new pg.Client({ connectionString: db.url });
      await admin.connect();
      const name = new URL(db.url).pathname.slice(1);
      await admin.query(`ALTER DATABASE ${name} SET freshet.data_counting = '${setting}'`);
      await admin.end();
    }
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await migrate(client, silentLogger);
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  const rows = async () =>
    (
      await client.query<{ variable: string; at: string; value: number; key: string }>(
        `SELECT v.name AS variable, to_char(d.datetime AT TIME ZONE 'UTC', 'HH24:MI') AS at,
                d.value, o.key
         FROM toar.data d JOIN toar.timeseries t ON t.id = d.timeseries_id
         JOIN toar.variables v ON v.id = t.variable_id JOIN ops.source_objects o ON o.id = d.object_id
         ORDER BY 1, 2`,
      )
    ).rows;

  it('stores a group in one go and counts what it created', async () => {
    const first = batch('a/1', T, [{}, { variable: 'no2', value: 5 }]);
    first.addRejection({ line: 3, reason: 'bad-json', message: 'not JSON', raw: 'x' });
    const second = batch('a/2', T + 600_000, [{ value: 31 }, { time: T + 3_600_000, value: 32 }]);
    const counts = await loadObjects(client, [first, second]);
    expect(counts).toEqual({
      stationsCreated: 1,
      seriesCreated: 2,
      rowsInserted: 3,
      rowsUpdated: 0,
    });
    expect(await rows()).toEqual([
      { variable: 'no2', at: '00:00', value: 5, key: 'a/1' },
      { variable: 'o3', at: '00:00', value: 31, key: 'a/2' },
      { variable: 'o3', at: '01:00', value: 32, key: 'a/2' },
    ]);
    const rejected = await client.query(
      'SELECT object_key, line, reason FROM ops.rejected_records',
    );
    expect(rejected.rows).toEqual([{ object_key: 'a/1', line: 3, reason: 'bad-json' }]);
    const prepared = await client.query<{ name: string }>(
      `SELECT name FROM pg_prepared_statements WHERE name LIKE 'freshet-upsert-data-%'`,
    );
    expect(prepared.rows).toEqual([{ name: `freshet-upsert-data-${counting}` }]);
  });

  it('replaces a stored row only by a later fetch, and counts changed values', async () => {
    const earlier = batch('a/0', T - 600_000, [{ value: 1 }]);
    expect(await loadObjects(client, [earlier])).toMatchObject({ rowsInserted: 0, rowsUpdated: 0 });
    const later = batch('a/3', T + 1_200_000, [{ value: 33 }]);
    expect(await loadObjects(client, [later])).toMatchObject({ rowsInserted: 0, rowsUpdated: 1 });
    expect((await rows()).find((r) => r.variable === 'o3' && r.at === '00:00')).toEqual({
      variable: 'o3',
      at: '00:00',
      value: 33,
      key: 'a/3',
    });
  });

  it('counts a re-loaded object: its changed rows as updated, its new rows as inserted', async () => {
    const first = batch('c/1', T + 300, [{ value: 7, time: T + 7_200_000 }]);
    expect(await loadObjects(client, [first])).toMatchObject({ rowsInserted: 1, rowsUpdated: 0 });
    // The same object again (a corrected file under the same key): its value changed, and it
    // holds one more row; loaded unchanged once more, it changes nothing.
    const corrected = batch('c/1', T + 300, [
      { value: 8, time: T + 7_200_000 },
      { value: 9, time: T + 10_800_000 },
    ]);
    expect(await loadObjects(client, [corrected])).toMatchObject({
      rowsInserted: 1,
      rowsUpdated: 1,
    });
    const same = batch('c/1', T + 300, [
      { value: 8, time: T + 7_200_000 },
      { value: 9, time: T + 10_800_000 },
    ]);
    expect(await loadObjects(client, [same])).toMatchObject({ rowsInserted: 0, rowsUpdated: 0 });
  });

  it('keeps the rejections of the latest load of an object, whether it was loaded before or not', async () => {
    const rejectionsOf = async (key: string) =>
      (
        await client.query(
          'SELECT line, reason, message, raw FROM ops.rejections WHERE object_key = $1 ORDER BY line',
          [key],
        )
      ).rows;
    const reject = (b: ObjectBatch, line: number, message: string) =>
      b.addRejection({ line, reason: 'bad-json', message, raw: `raw\t${line}` });
    const first = batch('r/1', T + 100, [{ value: 1 }]);
    reject(first, 2, 'two');
    reject(first, 3, 'three');
    await loadObjects(client, [first]);
    expect(await rejectionsOf('r/1')).toEqual([
      { line: 2, reason: 'bad-json', message: 'two', raw: 'raw\t2' },
      { line: 3, reason: 'bad-json', message: 'three', raw: 'raw\t3' },
    ]);
    // Loaded again (other rules): line 2 is accepted now, line 3 rejected for another reason; a
    // new object in the same group has its own.
    const again = batch('r/1', T + 100, [{ value: 1 }, { value: 2, time: T + 60_000 }]);
    reject(again, 3, 'three again');
    const other = batch('r/2', T + 200, []);
    reject(other, 1, 'one');
    await loadObjects(client, [again, other]);
    expect(await rejectionsOf('r/1')).toEqual([
      { line: 3, reason: 'bad-json', message: 'three again', raw: 'raw\t3' },
    ]);
    expect(await rejectionsOf('r/2')).toEqual([
      { line: 1, reason: 'bad-json', message: 'one', raw: 'raw\t1' },
    ]);
  });

  it('stores nothing of a group the database refuses, and says which objects it held', async () => {
    const before = await rows();
    const good = batch('b/1', T + 1_800_000, [{ value: 40 }]);
    // numeric(9, 4) cannot hold this key: the COPY fails inside the transaction.
    const bad = batch('b/2', T + 1_800_000, [{ latKey: '123456', lngKey: '1' }]);
    const error = await loadObjects(client, [good, bad]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as Error).message).toBe(
      'loading 2 objects (b/1 … b/2) failed; nothing of it was stored',
    );
    expect((error as Error & { cause: { code: string } }).cause.code).toBe('22003');
    expect(await rows()).toEqual(before);
    const objects = await client.query(`SELECT key FROM ops.source_objects WHERE key LIKE 'b/%'`);
    expect(objects.rows).toEqual([]);
  });
});
