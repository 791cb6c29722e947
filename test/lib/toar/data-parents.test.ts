import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadObjects } from '../../../actions/lib/toar/load.ts';
import { migrate } from '../../../actions/lib/toar/migrate.ts';
import { silentLogger } from '../../../actions/lib/util/logger.ts';
import { createTestDatabase } from '../../support/database.ts';
import { sampleBatch } from '../../support/sample-records.ts';

const T = Date.parse('2018-06-07T00:00:00Z');

describe('toar.data without foreign keys', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let client: pg.Client;
  beforeAll(async () => {
    db = await createTestDatabase('data_parents');
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await migrate(client, silentLogger);
    await loadObjects(client, [sampleBatch('a/1', T, [{ time: T }])]);
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  it('has none, and the parents refuse to lose a series or an object that rows point at', async () => {
    const keys = await client.query(
      `SELECT count(*)::integer AS n FROM pg_constraint WHERE conrelid = 'toar.data'::regclass AND contype = 'f'`,
    );
    expect(keys.rows[0].n).toBe(0);
    const refused = async (sql: string) => {
      await client.query('BEGIN');
      try {
        await client.query(sql);
        return 'done';
      } catch (error) {
        return `${(error as { code?: string }).code}: ${(error as Error).message}`;
      } finally {
        await client.query('ROLLBACK');
      }
    };
    expect(await refused('DELETE FROM toar.timeseries')).toMatch(
      /^23503: toar.timeseries \d+ has rows in toar.data$/,
    );
    expect(await refused('UPDATE toar.timeseries SET id = id + 100')).toMatch(/^23503: /);
    expect(await refused('TRUNCATE toar.timeseries CASCADE')).toMatch(/^23503: toar.data has rows/);
    expect(await refused('DELETE FROM ops.source_objects')).toMatch(
      /^23503: ops.source_objects \d+ \(a\/1\) has rows in toar.data$/,
    );
    expect(await refused('TRUNCATE ops.source_objects CASCADE')).toMatch(/^23503: /);
    // Other updates pass, and so does a delete once the rows are gone.
    expect(await refused("UPDATE toar.timeseries SET label = 'x'")).toBe('done');
    expect(await refused('DELETE FROM toar.data; DELETE FROM toar.timeseries')).toBe('done');
    expect(
      await refused(
        'DELETE FROM toar.data; DELETE FROM ops.source_objects; TRUNCATE toar.timeseries CASCADE',
      ),
    ).toBe('done');
  });
});
