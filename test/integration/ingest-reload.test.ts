// Re-loading an object (a corrected file under the same key, or reprocessing after a rules change)
// leaves what a fresh load of it under today's rules leaves: no stale values, rows or rejections.
import { mkdtemp, rm } from 'node:fs/promises';
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

interface Line {
  text: string;
  record: { location?: string; parameter?: string; value?: unknown };
}

/**
 * The 2018 sample's first lines, and three of them whose station and series other lines keep (so
 * that a fresh load of the corrected file has the same stations and series): one to change, one
 * to remove and one to make rejected.
 */
function pick(text: string): { lines: Line[]; change: number; remove: number; reject: number } {
  const lines = text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(0, 400)
    .map((l) => ({ text: l, record: JSON.parse(l) as Line['record'] }));
  const series = (l: Line) => `${l.record.location}|${l.record.parameter}`;
  const count = new Map<string, number>();
  for (const l of lines) count.set(series(l), (count.get(series(l)) ?? 0) + 1);
  const shared = lines
    .map((l, i) => ({ l, i }))
    .filter(({ l }) => (count.get(series(l)) ?? 0) >= 3 && typeof l.record.value === 'number');
  const seen = new Set<string>();
  const chosen: number[] = [];
  for (const { l, i } of shared) {
    if (seen.has(series(l))) continue;
    seen.add(series(l));
    chosen.push(i);
    if (chosen.length === 3) break;
  }
  const [change, remove, reject] = chosen;
  if (change === undefined || remove === undefined || reject === undefined) {
    throw new Error('the sample has too few repeated series');
  }
  return { lines, change, remove, reject };
}

function corrected(picked: ReturnType<typeof pick>): string {
  return picked.lines
    .flatMap((l, i) => {
      if (i === picked.remove) return [];
      if (i === picked.change) return [JSON.stringify({ ...l.record, value: 1234.5 })];
      if (i === picked.reject) return [JSON.stringify({ ...l.record, value: 'not a number' })];
      return [l.text];
    })
    .join('\n');
}

describe('re-loading an object', () => {
  const roots: string[] = [];
  const databases: { drop: () => Promise<void> }[] = [];
  const freshDatabase = async () => {
    const db = await createTestDatabase('reload');
    databases.push(db);
    return db.url;
  };
  const freshRoot = async () => {
    const root = await mkdtemp(join(tmpdir(), 'freshet-reload-'));
    roots.push(root);
    return root;
  };
  let picked: ReturnType<typeof pick>;
  const ingest = (root: string, url: string, pieceLines?: number) =>
    ingestWith(
      {
        source: pathToFileURL(root).toString(),
        start: T,
        end: T + MIN10,
        databaseUrl: url,
        ...(pieceLines !== undefined ? { pieceLines } : {}),
      },
      { logger: silentLogger },
    );

  beforeAll(async () => {
    picked = pick(await sampleText('2018-06-07.ndjson'));
  });
  afterAll(async () => {
    await Promise.all(roots.map((r) => rm(r, { recursive: true, force: true })));
    await Promise.all(databases.map((d) => d.drop()));
  });

  // Whole, with an earlier object in the same load group that repeats two of its lines; and in
  // pieces of 57 lines, as an object too large to be held whole is loaded: alone, so a row it
  // withdraws that an object outside its load holds too is not restored (see loadObjects), and the
  // case has no earlier object.
  it.each([
    ['whole', undefined],
    ['in pieces', 57],
  ])(
    'leaves what a fresh load of the corrected file under the same key leaves (%s)',
    async (_, pieceLines) => {
      const withEarlier = pieceLines === undefined;
      const original = picked.lines.map((l) => l.text).join('\n');
      // A second, earlier object of the interval repeats the lines that the correction changes and
      // removes: after the correction, the removed line's row is the earlier object's.
      const repeated = [picked.change, picked.remove].map((i) => picked.lines[i]?.text).join('\n');
      const root = await freshRoot();
      if (withEarlier) await placeObject(root, T + 60_000, repeated);
      await placeObject(root, T + 120_000, original);
      const url = await freshDatabase();
      expect((await ingest(root, url, pieceLines)).objects_failed).toBe(0);
      // The file is replaced by a corrected one under the same key and loaded again.
      await placeObject(root, T + 120_000, corrected(picked));
      const again = await ingest(root, url, pieceLines);
      expect(again.objects_failed).toBe(0);

      const freshRootDir = await freshRoot();
      if (withEarlier) await placeObject(freshRootDir, T + 60_000, repeated);
      await placeObject(freshRootDir, T + 120_000, corrected(picked));
      const fresh = await freshDatabase();
      await ingest(freshRootDir, fresh);
      const content = await naturalContentOf(url);
      expect(content).toEqual(await naturalContentOf(fresh));
      expect(content.rejected?.n).toBeGreaterThan(0);
    },
  );

  it('leaves what a fresh load leaves when an interval is reprocessed after a rules change', async () => {
    const root = await freshRoot();
    const object = await placeObject(root, T + 120_000, picked.lines.map((l) => l.text).join('\n'));
    const url = await freshDatabase();
    const fresh = await freshDatabase();
    await ingest(root, url);
    await ingest(root, fresh);
    // What an older version of the rules left: other values, a row today's rules do not yield,
    // and a rejection they do not make; recorded as loaded under rules version 1.
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query('UPDATE toar.data SET value = value + 1000');
      await admin.query(
        `SELECT toar.ensure_data_partitions(ARRAY(
           SELECT datetime - interval '7 days' FROM toar.data ORDER BY timeseries_id, datetime LIMIT 1))`,
      );
      await admin.query(
        `INSERT INTO toar.data (timeseries_id, datetime, value, flags, fetched_at, object_id)
         SELECT timeseries_id, datetime - interval '7 days', 1, 0, fetched_at, object_id
         FROM toar.data ORDER BY timeseries_id, datetime LIMIT 1`,
      );
      await admin.query(
        `WITH line AS (
           INSERT INTO ops.rejected_lines (hash, raw) VALUES (sha256('x'), 'x')
           ON CONFLICT DO NOTHING)
         INSERT INTO ops.rejected_records (object_key, line, interval_start, reason, message, raw_hash)
         VALUES ($1, 1, $2, 'bad-json', 'not JSON', sha256('x'))`,
        [object.key, new Date(T)],
      );
      await admin.query('UPDATE ops.ingest_runs SET rules_version = 1');
    } finally {
      await admin.end();
    }
    expect(await naturalContentOf(url)).not.toEqual(await naturalContentOf(fresh));
    const due = await planWith(
      {
        databaseUrl: url,
        since: T,
        until: T + MIN10,
        chunkMs: MIN10,
        reprocess: 'outdated',
        maxChunks: 256,
        settleMs: 0,
        now: T + 10 * 86_400_000,
      },
      { logger: silentLogger },
    );
    expect(due.include.map((c) => c.start)).toEqual(['2018-06-07T00:00:00Z']);
    expect((await ingest(root, url)).objects_failed).toBe(0);
    expect(await naturalContentOf(url)).toEqual(await naturalContentOf(fresh));
  });
});
