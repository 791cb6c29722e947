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
