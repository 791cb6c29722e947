import { describe, expect, it } from 'vitest';
import { SourceError } from '../../../actions/lib/errors.ts';
import { RunLedger } from '../../../actions/lib/ingest/run-ledger.ts';
import { ObjectBatch } from '../../../actions/lib/toar/object-batch.ts';
import type { Logger } from '../../../actions/lib/util/logger.ts';
import { silentLogger } from '../../../actions/lib/util/logger.ts';
import { useMigratedDatabase } from '../../support/database.ts';

const T = Date.parse('2018-06-07T00:00:00Z');
const MIN10 = 600_000;

describe('RunLedger', () => {
  const db = useMigratedDatabase('ledger');

  it('records each interval when its last object is done, and adds everything up', async () => {
    const errors: string[] = [];
    const progress: string[] = [];
    const logger: Logger = { ...silentLogger, error: (m) => errors.push(m) };
    const attempt = { source: 'file:///x/', rulesVersion: 1, leaseMs: 60_000 };
    const ledger = new RunLedger(db.pool, 3, attempt, logger, (p) =>
      progress.push(`${p.done}/${p.total} ${p.label}`),
    );
    const first = { start: T, end: T + MIN10 };
    const second = { start: T + MIN10, end: T + 2 * MIN10 };
    const third = { start: T + 2 * MIN10, end: T + 3 * MIN10 };
    const objects = [
      { key: 'a.ndjson', fetchedAt: T },
      { key: 'b.ndjson', fetchedAt: T + 1 },
    ];
    const one = await ledger.open(
      { interval: first, objects, skipped: ['README'], misfiled: [], listMs: 5 },
      await ledger.start(first),
    );
    // A listing that failed is recorded at once, as failed.
    await ledger.open(
      {
        interval: second,
        objects: [],
        skipped: [],
        misfiled: [],
        error: new Error('denied'),
        listMs: 1,
      },
      await ledger.start(second),
    );
    // An interval without objects too, as succeeded.
    await ledger.open(
      { interval: third, objects: [], skipped: [], misfiled: [], listMs: 1 },
      await ledger.start(third),
    );
    expect(progress).toEqual(['1/3 2018-06-07T00:10:00Z', '2/3 2018-06-07T00:20:00Z']);

    const batch = new ObjectBatch('a.ndjson', T, T);
    batch.addRejection({ line: 1, reason: 'bad-json', message: 'x', raw: 'x' });
    const counts = { stationsCreated: 1, seriesCreated: 2, rowsInserted: 3, rowsUpdated: 4 };
    const loadedItem = { task: { tally: one, object: objects[0] ?? { key: '' } }, batch };
    await ledger.loaded([loadedItem], { loaded: [{ items: [loadedItem], counts }], failed: [] });
    expect(progress).toHaveLength(2);
    ledger.fail(one, 'b.ndjson', new SourceError('b.ndjson: corrupt or truncated gzip (x)'));
    await ledger.objectDone(one);
    expect(progress).toEqual([
      '1/3 2018-06-07T00:10:00Z',
      '2/3 2018-06-07T00:20:00Z',
      '3/3 2018-06-07T00:00:00Z',
    ]);

    expect(ledger.report).toMatchObject({
      intervals: 3,
      objects: 2,
      objects_skipped: 1,
      objects_failed: 2,
      lines: 1,
      accepted: 0,
      rejected: { 'bad-json': 1 },
      stations_created: 1,
      series_created: 2,
      rows_inserted: 3,
      rows_updated: 4,
    });
    expect(ledger.report.failures).toEqual([
      { key: '(listing)', interval: '2018-06-07T00:10:00Z', error: 'denied' },
      {
        key: 'b.ndjson',
        interval: '2018-06-07T00:00:00Z',
        error: 'b.ndjson: corrupt or truncated gzip (x)',
      },
    ]);
    expect(errors).toEqual(['(listing): denied', 'b.ndjson: corrupt or truncated gzip (x)']);
    const { rows } = await db.pool.query(
      `SELECT to_char(interval_start AT TIME ZONE 'UTC', 'HH24:MI') AS at, status, objects,
              objects_failed, objects_skipped, lines, rows_inserted, error
       FROM ops.ingest_runs ORDER BY interval_start`,
    );
    expect(rows).toEqual([
      {
        at: '00:00',
        status: 'failed',
        objects: 2,
        objects_failed: 1,
        objects_skipped: 1,
        lines: 1,
        rows_inserted: 3,
        error: 'b.ndjson: corrupt or truncated gzip (x)',
      },
      {
        at: '00:10',
        status: 'failed',
        objects: 0,
        objects_failed: 1,
        objects_skipped: 0,
        lines: 0,
        rows_inserted: 0,
        error: '(listing): denied',
      },
      {
        at: '00:20',
        status: 'succeeded',
        objects: 0,
        objects_failed: 0,
        objects_skipped: 0,
        lines: 0,
        rows_inserted: 0,
        error: null,
      },
    ]);
  });
});
