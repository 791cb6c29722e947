// Leases taken at planning (issue 12, point 5): a plan records a `planned` attempt for every
// interval it hands out, a schedule planned while a backfill waits does not plan those intervals
// again, the ingest job takes its planned attempt over, and a plan whose jobs never start expires.
import { describe, expect, it } from 'vitest';
import { plan, plannedLeaseMs } from '../../../actions/lib/ingest/index.ts';
import {
  PLANNED_SOURCE,
  readAttempts,
  recordStart,
} from '../../../actions/lib/ingest/ingest-runs.ts';
import { silentLogger } from '../../../actions/lib/util/logger.ts';
import { useMigratedDatabase } from '../../support/database.ts';

const T = Date.parse('2018-06-07T00:00:00Z');
const MIN10 = 600_000;
const HOUR = 3_600_000;

describe('planned leases', () => {
  const db = useMigratedDatabase('planned');
  const context = () => ({ db: db.pool, logger: silentLogger });
  const base = {
    chunkMs: HOUR,
    reprocess: 'missing' as const,
    maxChunks: 256,
    settleMs: 30 * 60_000,
  };

  it('keeps a schedule off the intervals a queued backfill holds, and the ingest job takes its lease over', async () => {
    // A backfill of three hours, its jobs queued behind max-parallel.
    const backfill = await plan(
      {
        ...base,
        since: T,
        until: T + 3 * HOUR,
        now: T + 4 * HOUR,
        recordLeases: true,
        runUrl: 'https://run/backfill',
      },
      context(),
    );
    expect(backfill.include).toHaveLength(3);
    const planned = await readAttempts(db.pool, T, T + 3 * HOUR);
    expect(planned).toHaveLength(18);
    expect(new Set(planned.map((a) => a.status))).toEqual(new Set(['planned']));

    // A scheduled plan meanwhile: only what the backfill does not hold (its settle ends at 03:30).
    const schedule = await plan(
      { ...base, since: T, now: T + 4 * HOUR, recordLeases: true },
      context(),
    );
    expect(schedule.include).toEqual([
      { start: '2018-06-07T03:00:00Z', end: '2018-06-07T03:30:00Z' },
    ]);
    // And again: the schedule's own leases hold too.
    expect(
      (await plan({ ...base, since: T, now: T + 4 * HOUR, recordLeases: true }, context())).include,
    ).toEqual([]);

    // The backfill's first job starts: its interval's planned attempt becomes the running one.
    const id = await recordStart(
      db.pool,
      { start: T, end: T + MIN10 },
      {
        source: 'file:///fetches/',
        rulesVersion: 1,
        leaseMs: HOUR,
      },
    );
    const { rows } = await db.pool.query(
      'SELECT id, status, source, run_url FROM ops.ingest_runs WHERE interval_start = $1',
      [new Date(T)],
    );
    expect(rows).toEqual([
      { id: String(id), status: 'running', source: 'file:///fetches/', run_url: null },
    ]);
    // An interval nobody planned gets an attempt of its own.
    await recordStart(
      db.pool,
      { start: T + 5 * HOUR, end: T + 5 * HOUR + MIN10 },
      {
        source: 'file:///fetches/',
        rulesVersion: 1,
        leaseMs: HOUR,
      },
    );
    expect((await readAttempts(db.pool, T + 5 * HOUR, T + 6 * HOUR)).map((a) => a.status)).toEqual([
      'running',
    ]);
  });

  it('lets planned attempts expire like running ones, so a plan whose jobs never ran is planned again', async () => {
    const since = T + 10 * HOUR;
    const first = await plan(
      { ...base, since, until: since + HOUR, now: Date.now(), recordLeases: true },
      context(),
    );
    expect(first.include).toHaveLength(1);
    const planned = await readAttempts(db.pool, since, since + HOUR);
    expect(planned.every((a) => a.status === 'planned' && a.leaseUntil > Date.now())).toBe(true);
    // Within the lease: held. A day later (past any planned lease): planned again.
    expect(
      (await plan({ ...base, since, until: since + HOUR, now: Date.now() }, context())).include,
    ).toEqual([]);
    const later = Date.now() + 24 * HOUR + 60_000;
    expect(
      (await plan({ ...base, since, until: since + HOUR, now: later }, context())).include,
    ).toHaveLength(1);
    // The command line's look at a plan records nothing.
    expect((await readAttempts(db.pool, since, since + HOUR)).length).toBe(6);
    const { rows } = await db.pool.query(
      "SELECT DISTINCT source FROM ops.ingest_runs WHERE status = 'planned'",
    );
    expect(rows).toEqual([{ source: PLANNED_SOURCE }]);
  });

  it('holds a plan long enough for its last job to start, at most a day', () => {
    expect(plannedLeaseMs(1)).toBe(1.5 * HOUR);
    expect(plannedLeaseMs(24)).toBe(6 * 0.5 * HOUR + HOUR);
    expect(plannedLeaseMs(256)).toBe(24 * HOUR);
  });
});
