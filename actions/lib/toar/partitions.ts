import type pg from 'pg';
import { DatabaseError } from '../errors.ts';

/**
 * Month text of an instant (epoch ms), `YYYY-MM` in UTC, for messages.
 */
function monthText(time: number): string {
  return new Date(time).toISOString().slice(0, 7);
}

/**
 * Creates the month partitions of toar.data that rows in `months` (first instants of UTC months,
 * epoch ms; see `dataMonths`) need and that do not exist yet, with
 * `toar.ensure_data_partitions` (migration 007), and returns how many it created. Run it before
 * the transaction that writes the rows takes any lock, in a transaction of its own (the client is
 * not in one: the statement is its transaction) or first in the load's: creating a partition locks
 * toar.data and the tables it refers to, and the function takes those locks in the order a load
 * does, so that it waits for loads in progress and they never wait for it. When every month is
 * there, which is nearly always, it reads the catalog and locks nothing: one round trip.
 *
 * @throws DatabaseError when the database refuses: more than 240 missing months at once (SQLSTATE
 *   22023, the rows are misdated), or a month detached from toar.data (55000)
 * @example await ensureDataPartitions(client, dataMonths(batches));
 */
export async function ensureDataPartitions(
  client: pg.ClientBase,
  months: readonly number[],
): Promise<number> {
  if (months.length === 0) return 0;
  try {
    const { rows } = await client.query<{ created: number }>({
      name: 'freshet-ensure-data-partitions',
      text: 'SELECT toar.ensure_data_partitions($1::timestamptz[]) AS created',
      values: [months.map((m) => new Date(m).toISOString())],
    });
    return rows[0]?.created ?? 0;
  } catch (error) {
    const first = months[0] ?? 0;
    const last = months.at(-1) ?? first;
    const span = first === last ? monthText(first) : `${monthText(first)} … ${monthText(last)}`;
    throw new DatabaseError(
      `creating the month partitions of toar.data for ${months.length} month(s) (${span}) failed`,
      { cause: error },
    );
  }
}
