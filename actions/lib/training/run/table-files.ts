// A run's tables as CSV files, for code that gets no database credentials (another repository's):
// the same columns, a header line, rows in time order, times in UTC (`2024-05-01 13:00:00+00`).
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { DatabaseError } from '../../errors.ts';
import { quoteTableName } from '../data/table-name.ts';

/**
 * Writes `table` (ordered by its first column, `datetime`) to `file` as CSV with a header.
 *
 * @throws DatabaseError naming the table when the copy fails
 * @example await writeTableCsv(client, 'public.freshet_training_3f2a', '/tmp/run/input/training.csv')
 */
export async function writeTableCsv(
  client: pg.ClientBase,
  table: string,
  file: string,
): Promise<void> {
  const quoted = quoteTableName(table);
  try {
    await client.query('BEGIN');
    // The session's time zone decides how timestamptz is written: UTC for every reader.
    await client.query("SET LOCAL TIME ZONE 'UTC'");
    const source = client.query(
      copyTo(`COPY (SELECT * FROM ${quoted} ORDER BY 1) TO STDOUT WITH (FORMAT csv, HEADER)`),
    );
    await pipeline(source, createWriteStream(file, { mode: 0o644 }));
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw new DatabaseError(`writing ${table} to ${file} failed`, { cause: error });
  }
}
