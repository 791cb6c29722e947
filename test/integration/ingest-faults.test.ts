// Failures that must lose nothing: a broken object, a database connection killed mid-load, and two
// overlapping ranges loaded at once.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../actions/lib/util/logger.ts';
import { ingestWith, planWith } from '../../actions/wiring.ts';
import { createTestDatabase } from '../support/database.ts';
import { naturalContentOf } from '../support/natural-content.ts';
import { placeObject, sampleText } from '../support/sample-layout.ts';

const T = Date.parse('2018-06-07T00:00:00Z');
const MIN10 = 600_000;

/** The 2018 sample with every value shifted by `delta`, so that each fetch really changes rows. */
function shifted(text: string, delta: number): string {
  return text
    .split('\n')
    .map((line) => {
      try {
        const record = JSON.parse(line);
        if (typeof record.value === 'number' && record.value > 0) record.value += delta;
        return JSON.stringify(record);
      } catch {
        return line;
      }
    })
    .join('\n');
}

describe('ingest under faults', () => {
  let root: string;
  let source: string;
  const databases: { drop: () => Promise<void> }[] = [];
  const freshDatabase = async () => {
    const db = await createTestDatabase('faults');
    databases.push(db);
    return db.url;
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'freshet-faults-'));
    source = pathToFileURL(root).toString();
    const text = await sampleText('2018-06-07.ndjson');
    // Six fetches over 30 minutes, two per interval, each repeating the sample with new values.
    for (let i = 0; i < 6; i++) {
      await placeObject(root, T + i * 300_000, shifted(text, i * 0.001));
    }
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
    await Promise.all(databases.map((d) => d.drop()));
  });

  it('loads two overlapping ranges at once with no duplicates and no deadlock failure', async () => {
    const serial = await freshDatabase();
    await ingestWith(
      { source, start: T, end: T + 3 * MIN10, databaseUrl: serial },
      { logger: silentLogger },
    );
    const together = await freshDatabase();
    const [a, b] = await Promise.all([
      ingestWith(
        { source, start: T, end: T + 2 * MIN10, databaseUrl: together },
        { logger: silentLogger },
      ),
      ingestWith(
        { source, start: T + MIN10, end: T + 3 * MIN10, databaseUrl: together },
        { logger: silentLogger },
      ),
    ]);
    expect(a.objects_failed).toBe(0);
    expect(b.objects_failed).toBe(0);
    expect(a.objects + b.objects).toBe(6 + 2);
    expect(await naturalContentOf(together)).toEqual(await naturalContentOf(serial));
  });

  it('keeps nothing of an object whose connection dies mid-load, records the failure, and a rerun completes', async () => {
    const url = await freshDatabase();
    const reference = await freshDatabase();
    await ingestWith(
      { source, start: T, end: T + MIN10, databaseUrl: reference },
      { logger: silentLogger },
    );
    // Warm the schema, then hold a lock that the data upsert needs, so the load blocks inside its
    // transaction (after its stations and series), where we kill its connection.
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`SELECT 1`);
      const warm = await ingestWith(
        { source, start: T + 2 * MIN10, end: T + 3 * MIN10, databaseUrl: url },
        { logger: silentLogger },
      );
      expect(warm.objects_failed).toBe(0);
      // (pg_stat_activity is a snapshot per transaction: the lock is held on another connection.)
      const locker = new pg.Client({ connectionString: url });
      await locker.connect();
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE toar.data IN SHARE MODE');
      const running = ingestWith(
        { source, start: T, end: T + MIN10, databaseUrl: url, concurrency: 1 },
        { logger: silentLogger },
      );
      let killed = false;
      for (let i = 0; i < 200 && !killed; i++) {
        const { rows } = await admin.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
        );
        if (rows[0]) {
          await admin.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
          killed = true;
        } else {
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      await locker.query('COMMIT');
      await locker.end();
      expect(killed).toBe(true);
      const report = await running;
      expect(report.objects_failed).toBeGreaterThanOrEqual(1);
      expect(report.failures[0]?.error).toMatch(/nothing of it was stored/);
      const { rows: stored } = await admin.query<{ n: number }>(
        `SELECT count(*)::integer AS n FROM toar.data d JOIN ops.source_objects o ON o.id = d.object_id
         WHERE o.fetched_at < $1`,
        [new Date(T + MIN10)],
      );
      // The killed object left no rows (the other object of the interval may have loaded).
      const loadedObjects = 2 - report.objects_failed;
      const { rows: objectsLoaded } = await admin.query<{ n: number }>(
        'SELECT count(*)::integer AS n FROM ops.source_objects WHERE fetched_at < $1',
        [new Date(T + MIN10)],
      );
      expect(objectsLoaded[0]?.n).toBe(loadedObjects);
      if (loadedObjects === 0) expect(stored[0]?.n).toBe(0);
      const { rows: attempts } = await admin.query<{ status: string; error: string }>(
        'SELECT status, error FROM ops.ingest_runs WHERE interval_start = $1',
        [new Date(T)],
      );
      expect(attempts.map((r) => r.status)).toEqual(['failed']);
      expect(attempts[0]?.error).toContain('2018-06-07/');
      // The planner retries it…
      const due = await planWith(
        {
          databaseUrl: url,
          since: T,
          until: T + 3 * MIN10,
          chunkMs: MIN10,
          reprocess: 'missing',
          maxChunks: 256,
          settleMs: 0,
          now: T + 10 * 86_400_000,
        },
        { logger: silentLogger },
      );
      expect(due.include.map((c) => c.start)).toEqual([
        '2018-06-07T00:00:00Z',
        '2018-06-07T00:10:00Z',
      ]);
    } finally {
      await admin.end();
    }
    // …and the rerun completes, with the same tables as a run that never failed.
    const rerun = await ingestWith(
      { source, start: T, end: T + MIN10, databaseUrl: url },
      { logger: silentLogger },
    );
    expect(rerun.objects_failed).toBe(0);
    await ingestWith(
      { source, start: T + 2 * MIN10, end: T + 3 * MIN10, databaseUrl: reference },
      { logger: silentLogger },
    );
    expect(await naturalContentOf(url)).toEqual(await naturalContentOf(reference));
  });

  it("reports a corrupt or truncated gzip by name, loads the interval's other objects, and plans the interval again", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'freshet-corrupt-'));
    try {
      const text = await sampleText('2018-06-07.ndjson');
      const good = await placeObject(dir, T, text);
      const truncated = await placeObject(dir, T + 60_000, text);
      const { gzipSync } = await import('node:zlib');
      const whole = gzipSync(Buffer.from(text));
      await writeFile(join(dir, truncated.key), whole.subarray(0, whole.length >> 1));
      const corrupt = await placeObject(dir, T + 120_000, text);
      const broken = Buffer.from(whole);
      broken.fill(0x41, 100, 400);
      await writeFile(join(dir, corrupt.key), broken);

      const url = await freshDatabase();
      const report = await ingestWith(
        { source: pathToFileURL(dir).toString(), start: T, end: T + MIN10, databaseUrl: url },
        { logger: silentLogger },
      );
      expect(report.objects).toBe(3);
      expect(report.objects_failed).toBe(2);
      expect(report.failures.map((f) => f.key).sort()).toEqual([truncated.key, corrupt.key].sort());
      for (const f of report.failures) expect(f.error).toContain(f.key);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query<{ key: string }>('SELECT key FROM ops.source_objects');
        expect(rows.map((r) => r.key)).toEqual([good.key]);
      } finally {
        await client.end();
      }
      const due = await planWith(
        {
          databaseUrl: url,
          since: T,
          chunkMs: MIN10,
          reprocess: 'missing',
          maxChunks: 256,
          settleMs: 1_800_000,
          now: T + 3_600_000,
        },
        { logger: silentLogger },
      );
      expect(due.include[0]).toEqual({
        start: '2018-06-07T00:00:00Z',
        end: '2018-06-07T00:10:00Z',
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
