import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { isDataError, loadGroup } from '../../../actions/lib/ingest/load-group.ts';
import { ObjectBatch } from '../../../actions/lib/toar/object-batch.ts';
import type { Logger } from '../../../actions/lib/util/logger.ts';
import { silentLogger } from '../../../actions/lib/util/logger.ts';
import { useMigratedDatabase } from '../../support/database.ts';

const T = Date.parse('2018-06-07T00:00:00Z');

function batch(key: string, latKey: string): { task: string; batch: ObjectBatch } {
  const b = new ObjectBatch(key, T, T);
  b.addRecord({
    latKey,
    lngKey: '1',
    lat: 1,
    lng: 1,
    location: key,
    city: '',
    country: '',
    variable: 'o3',
    averagingMinutes: 60,
    time: T,
    value: 1,
    flags: 0,
    line: 1,
  });
  return { task: key, batch: b };
}

describe('loadGroup', () => {
  const db = useMigratedDatabase('loadgroup');

  it('loads a group in one transaction', async () => {
    const outcome = await loadGroup(db.pool, [batch('a', '1'), batch('b', '2')], silentLogger);
    expect(outcome.failed).toEqual([]);
    expect(outcome.loaded.map((p) => p.items.map((i) => i.task))).toEqual([['a', 'b']]);
    expect(outcome.loaded[0]?.counts.stationsCreated).toBe(2);
  });

  it('retries a group the database refuses on its data object by object, so only the bad one fails', async () => {
    const warnings: string[] = [];
    const logger: Logger = { ...silentLogger, warn: (m) => warnings.push(m) };
    // numeric(9, 4) cannot hold the key 123456: that object's data is refused (SQLSTATE 22003).
    const outcome = await loadGroup(
      db.pool,
      [batch('c', '3'), batch('bad', '123456'), batch('d', '4')],
      logger,
    );
    expect(outcome.loaded.map((p) => p.items.map((i) => i.task))).toEqual([['c'], ['d']]);
    expect(outcome.failed.map((f) => f.item.task)).toEqual(['bad']);
    expect(isDataError(outcome.failed[0]?.error)).toBe(true);
    expect(warnings).toEqual([
      expect.stringMatching(/^a group of 3 objects was refused .*one by one$/),
    ]);
  });

  it('fails the whole group, without retrying, when the database cannot be reached', async () => {
    const closed = new pg.Pool({ connectionString: db.url.replace(/:\d+\//, ':1/') });
    try {
      const outcome = await loadGroup(closed, [batch('e', '5'), batch('f', '6')], silentLogger);
      expect(outcome.loaded).toEqual([]);
      expect(outcome.failed.map((f) => f.item.task)).toEqual(['e', 'f']);
      expect(isDataError(outcome.failed[0]?.error)).toBe(false);
    } finally {
      await closed.end();
    }
  });
});
