import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadObjectPieces, loadObjects } from '../../../actions/lib/toar/load.ts';
import { migrate } from '../../../actions/lib/toar/migrate.ts';
import { MIGRATIONS } from '../../../actions/lib/toar/migrations/index.ts';
import { ObjectBatch } from '../../../actions/lib/toar/object-batch.ts';
import { rawLineHash, storedRawText } from '../../../actions/lib/toar/raw-line.ts';
import { silentLogger } from '../../../actions/lib/util/logger.ts';
import { createTestDatabase } from '../../support/database.ts';

const T = Date.parse('2018-06-07T00:00:00Z');
/** Texts a fetch might reject: repeated ones, multi-byte ones, one with NUL, one over 4 KB. */
const TEXTS = ['{"location":"Stockholm"}', '{"city":"Zürich 😀"}', 'a\u0000b', 'x'.repeat(5000)];

function rejecting(key: string, fetchedAt: number, raws: readonly string[]): ObjectBatch {
  const batch = new ObjectBatch(key, fetchedAt, T);
  raws.forEach((raw, i) => {
    batch.addRejection({ line: i + 1, reason: 'no-coordinates', message: 'no coordinates', raw });
  });
  return batch;
}

async function connected(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

const rejectionsOf = async (client: pg.ClientBase) =>
  (
    await client.query<{ object_key: string; line: number; raw: string }>(
      'SELECT object_key, line, raw FROM ops.rejections ORDER BY object_key, line',
    )
  ).rows;
const storedTexts = async (client: pg.ClientBase) =>
  (await client.query<{ raw: string }>('SELECT raw FROM ops.rejected_lines ORDER BY raw')).rows.map(
    (r) => r.raw,
  );

describe('rejected lines stored once per text', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase('rejected_lines');
  });
  afterAll(async () => db?.drop());

  it('keeps each distinct text once however many objects and lines repeat it, and reads back every line', async () => {
    const client = await connected(db.url);
    try {
      await migrate(client, silentLogger);
      const first = rejecting('f/1', T, [...TEXTS, TEXTS[0] ?? '']);
      const second = rejecting('f/2', T + 600_000, [TEXTS[0] ?? '', 'new']);
      await loadObjects(client, [first, second]);
      // A later group (another run) repeating them adds only what is new.
      await loadObjects(client, [rejecting('f/3', T + 1_200_000, [TEXTS[1] ?? '', 'newer'])]);
      const stored = TEXTS.map(storedRawText);
      expect(await storedTexts(client)).toEqual([...stored, 'new', 'newer'].sort());
      expect(await rejectionsOf(client)).toEqual([
        ...stored.map((raw, i) => ({ object_key: 'f/1', line: i + 1, raw })),
        { object_key: 'f/1', line: 5, raw: stored[0] },
        { object_key: 'f/2', line: 1, raw: stored[0] },
        { object_key: 'f/2', line: 2, raw: 'new' },
        { object_key: 'f/3', line: 1, raw: stored[1] },
        { object_key: 'f/3', line: 2, raw: 'newer' },
      ]);
      // The hash the loader computes is PostgreSQL's sha256 of the stored text's UTF-8 bytes.
      const { rows } = await client.query<{ same: boolean }>(
        `SELECT bool_and(hash = sha256(convert_to(raw, 'UTF8'))) AS same FROM ops.rejected_lines`,
      );
      expect(rows[0]?.same).toBe(true);
    } finally {
      await client.end();
    }
  });

  it('stores the texts of an object loaded in pieces once, when pieces repeat them', async () => {
    const own = await createTestDatabase('rejected_lines_pieces');
    const client = await connected(own.url);
    try {
      await migrate(client, silentLogger);
      async function* pieces(): AsyncGenerator<ObjectBatch> {
        yield rejecting('big', T, ['same', 'one']);
        const second = new ObjectBatch('big', T, T);
        second.addRejection({ line: 3, reason: 'bad-json', message: 'm', raw: 'same' });
        yield second;
      }
      await loadObjectPieces(client, { key: 'big', fetchedAt: T, intervalStart: T }, pieces());
      expect(await storedTexts(client)).toEqual(['one', 'same']);
      expect((await rejectionsOf(client)).map((r) => r.raw)).toEqual(['same', 'one', 'same']);
    } finally {
      await client.end();
      await own.drop();
    }
  });

  it('migrates stored rejections in place: the view reads as the table did, each text kept once', async () => {
    const own = await createTestDatabase('rejected_lines_migration');
    const client = await connected(own.url);
    try {
      await migrate(
        client,
        silentLogger,
        MIGRATIONS.filter((m) => m.version < 9),
      );
      const raws = [...TEXTS.map(storedRawText), TEXTS[0] ?? ''];
      for (const [i, raw] of raws.entries()) {
        await client.query(
          `INSERT INTO ops.rejected_records (object_key, line, interval_start, reason, message, raw)
           VALUES ('old', $1, $2, 'no-coordinates', 'no coordinates', $3)`,
          [i + 1, new Date(T), raw],
        );
      }
      await migrate(client, silentLogger);
      expect(await rejectionsOf(client)).toEqual(
        raws.map((raw, i) => ({ object_key: 'old', line: i + 1, raw })),
      );
      expect(await storedTexts(client)).toEqual(TEXTS.map(storedRawText).sort());
      // Loading the same texts again finds them under the hashes the migration gave them.
      await loadObjects(client, [rejecting('again', T, TEXTS)]);
      expect(await storedTexts(client)).toEqual(TEXTS.map(storedRawText).sort());
      const hashes = await client.query<{ hash: Buffer }>(
        "SELECT raw_hash AS hash FROM ops.rejected_records WHERE object_key = 'again' ORDER BY line",
      );
      expect(hashes.rows.map((r) => r.hash.toString('hex'))).toEqual(
        TEXTS.map((t) => rawLineHash(storedRawText(t))),
      );
    } finally {
      await client.end();
      await own.drop();
    }
  });
});

/** Each object's counts by reason: on its ops.source_objects row, and counted from its rejections. */
async function countsByObject(client: pg.ClientBase) {
  const kept = await client.query<{ key: string; by_reason: Record<string, number> }>(
    'SELECT key, rejected_by_reason AS by_reason FROM ops.source_objects ORDER BY key',
  );
  const counted = await client.query<{ key: string; by_reason: Record<string, number> | null }>(
    `SELECT o.key, (SELECT jsonb_object_agg(reason, n) FROM (
       SELECT reason, count(*)::integer AS n FROM ops.rejected_records r
       WHERE r.object_key = o.key GROUP BY reason) c) AS by_reason
     FROM ops.source_objects o ORDER BY o.key`,
  );
  return {
    kept: kept.rows,
    counted: counted.rows.map((r) => ({ key: r.key, by_reason: r.by_reason ?? {} })),
  };
}

describe("an object's rejections by reason, on its ops.source_objects row", () => {
  it('are what its rejected lines add up to, after a load, a re-load with fewer, and pieces', async () => {
    const own = await createTestDatabase('object_rejections');
    const client = await connected(own.url);
    try {
      await migrate(client, silentLogger);
      const mixed = rejecting('m/1', T, ['a', 'b', 'c']);
      mixed.addRejection({ line: 4, reason: 'bad-json', message: 'not JSON', raw: 'd' });
      await loadObjects(client, [mixed, rejecting('m/2', T + 600_000, ['a'])]);
      // The same object again, under rules that reject less of it.
      await loadObjects(client, [rejecting('m/1', T, ['a'])]);
      async function* pieces(): AsyncGenerator<ObjectBatch> {
        yield rejecting('m/3', T, ['x', 'y']);
        const second = new ObjectBatch('m/3', T, T);
        second.addRejection({ line: 3, reason: 'bad-json', message: 'm', raw: 'z' });
        yield second;
      }
      await loadObjectPieces(client, { key: 'm/3', fetchedAt: T, intervalStart: T }, pieces());
      const { kept, counted } = await countsByObject(client);
      expect(kept).toEqual([
        { key: 'm/1', by_reason: { 'no-coordinates': 1 } },
        { key: 'm/2', by_reason: { 'no-coordinates': 1 } },
        { key: 'm/3', by_reason: { 'bad-json': 1, 'no-coordinates': 2 } },
      ]);
      expect(kept).toEqual(counted);
    } finally {
      await client.end();
      await own.drop();
    }
  });

  it('are counted from the rejections stored before migration 11', async () => {
    const own = await createTestDatabase('object_rejections_migration');
    const client = await connected(own.url);
    try {
      await migrate(
        client,
        silentLogger,
        MIGRATIONS.filter((m) => m.version < 11),
      );
      // As the loader of that schema left them (it cannot run against this one's queries).
      await client.query(
        `INSERT INTO ops.source_objects (key, fetched_at) VALUES ('o/1', $1), ('o/2', $1)`,
        [new Date(T)],
      );
      await client.query(`INSERT INTO ops.rejected_lines (hash, raw) VALUES (sha256('a'), 'a')`);
      await client.query(
        `INSERT INTO ops.rejected_records (object_key, line, interval_start, reason, message, raw_hash)
         VALUES ('o/1', 1, $1, 'no-coordinates', 'no coordinates', sha256('a')),
                ('o/1', 2, $1, 'no-coordinates', 'no coordinates', sha256('a')),
                ('o/1', 3, $1, 'bad-json', 'not JSON', sha256('a'))`,
        [new Date(T)],
      );
      await migrate(client, silentLogger);
      const { kept, counted } = await countsByObject(client);
      expect(kept).toEqual([
        { key: 'o/1', by_reason: { 'bad-json': 1, 'no-coordinates': 2 } },
        { key: 'o/2', by_reason: {} },
      ]);
      expect(kept).toEqual(counted);
    } finally {
      await client.end();
      await own.drop();
    }
  });
});
