import { describe, expect, it } from 'vitest';
import {
  readAttempts,
  recordFinish,
  recordStart,
} from '../../../actions/lib/ingest/ingest-runs.ts';
import { newTally } from '../../../actions/lib/ingest/tally.ts';
import { useMigratedDatabase } from '../../support/database.ts';

const T = Date.parse('2018-06-07T00:00:00Z');
const MIN10 = 600_000;

describe('ops.ingest_runs', () => {
  const db = useMigratedDatabase('runs');

  it('records an attempt as running with its lease, then its outcome, and reads it back', async () => {
    const interval = { start: T, end: T + MIN10 };
    const attempt = {
      source: 'file:///x/',
      rulesVersion: 1,
      leaseMs: 60_000,
      runUrl: 'https://run/1',
    };
    const id = await recordStart(db.pool, interval, attempt);
    const [running] = await readAttempts(db.pool, T, T + MIN10);
    expect(running).toMatchObject({ intervalStart: T, status: 'running', rulesVersion: 1 });
    expect((running?.leaseUntil ?? 0) - (running?.startedAt ?? 0)).toBeCloseTo(60_000, -2);

    const tally = newTally(interval, id);
    Object.assign(tally, { objects: 2, failed: 1, lines: 10, accepted: 7, errors: ['k: broken'] });
    tally.rejected = { 'bad-json': 3 };
    await recordFinish(db.pool, tally);
    const { rows } = await db.pool.query(
      'SELECT status, objects, objects_failed, lines, accepted, rejected, rejected_by_reason, error, run_url, source FROM ops.ingest_runs WHERE id = $1',
      [id],
    );
    expect(rows[0]).toEqual({
      status: 'failed',
      objects: 2,
      objects_failed: 1,
      lines: 10,
      accepted: 7,
      rejected: 3,
      rejected_by_reason: { 'bad-json': 3 },
      error: 'k: broken',
      run_url: 'https://run/1',
      source: 'file:///x/',
    });
    expect((await readAttempts(db.pool, T, T + MIN10))[0]).toMatchObject({
      status: 'failed',
      objects: 2,
    });
    expect(await readAttempts(db.pool, T + MIN10, T + 2 * MIN10)).toEqual([]);
  });
});
