import type pg from 'pg';
import { describeError } from '../errors.ts';
import type { DatabasePool } from '../toar/database.ts';
import type { GroupTexts, groupTexts } from '../toar/group-texts.ts';
import { type LoadCounts, loadObjectPieces, loadObjects } from '../toar/load.ts';
import { ObjectBatch } from '../toar/object-batch.ts';
import type { Logger } from '../util/logger.ts';
import type { FormingGroup } from './forming-group.ts';
import type { ParsedBatch } from './group-objects.ts';

/** What loading a group came to: the parts that loaded (one, or one per object after a retry) and the objects that failed. */
export interface GroupOutcome<T> {
  loaded: { items: ParsedBatch<T>[]; counts: LoadCounts }[];
  failed: { item: ParsedBatch<T>; error: unknown }[];
}

/** What the loading step may be given besides the group. */
export interface GroupLoadOptions {
  /** The group's {@link groupTexts}, when made already. */
  texts?: GroupTexts;
  /** The group's transaction, staged as the group formed: used when it holds the group. */
  forming?: FormingGroup;
  /** Called once the load's transaction is open, its month partitions made. */
  onOpened?: () => void;
  /** Hashes of rejected lines' texts an earlier load committed (see `loadObjects`). */
  storedLines?: ReadonlySet<string>;
}

/**
 * The loading step: loads a group in one transaction on a connection of its own (the forming
 * group's, when `options.forming` staged it). When PostgreSQL refuses the group's data, its objects
 * are loaded again one by one, so that one bad object cannot hold back the rest; any other failure
 * fails the whole group. Never throws.
 *
 * @example
 * const outcome = await loadGroup(db, group.items, logger);
 * for (const { item, error } of outcome.failed) report(item.task, error);
 */
export async function loadGroup<T>(
  db: DatabasePool,
  items: readonly ParsedBatch<T>[],
  logger: Logger,
  options: GroupLoadOptions = {},
): Promise<GroupOutcome<T>> {
  const batches = items.map((i) => i.batch);
  try {
    const taken = await options.forming?.take(batches);
    const load = (client: pg.PoolClient) =>
      loadObjects(client, batches, {
        onRetry: (m: string) => logger.warn(m),
        ...(options.texts ? { texts: options.texts } : {}),
        ...(options.onOpened ? { onOpened: options.onOpened } : {}),
        ...(options.storedLines ? { storedLines: options.storedLines } : {}),
        ...(taken ? { opened: taken.group } : {}),
      });
    const counts = await (taken === undefined
      ? withConnection(db, logger, load)
      : onClient(taken.client, logger, load));
    return { loaded: [{ items: [...items], counts }], failed: [] };
  } catch (error) {
    if (items.length > 1 && isDataError(error)) {
      logger.warn(
        `a group of ${items.length} objects was refused (${describeError(error)}); loading them one by one`,
      );
      const outcome: GroupOutcome<T> = { loaded: [], failed: [] };
      for (const item of items) {
        const one = await loadGroup(db, [item], logger);
        outcome.loaded.push(...one.loaded);
        outcome.failed.push(...one.failed);
      }
      return outcome;
    }
    return { loaded: [], failed: items.map((item) => ({ item, error })) };
  }
}

/** What {@link loadLarge} needs of an object's task. */
interface LargeTask {
  object: {
    key: string;
    fetchedAt: number;
    archiveDay?: number | undefined;
    etag?: string | undefined;
  };
  tally: { interval: { start: number } };
}

/**
 * The loading step for an object too large to be held whole: loads it alone, piece by piece as
 * they are parsed (see {@link loadObjectPieces}), on a connection of its own. Never throws: a
 * failure (of the parse or of the database) fails the object, and nothing of it is stored.
 *
 * @example
 * const outcome = await loadLarge(db, { task, pieces }, logger);
 */
export async function loadLarge<T extends LargeTask>(
  db: DatabasePool,
  item: { task: T; pieces: AsyncIterable<ObjectBatch> },
  logger: Logger,
): Promise<GroupOutcome<T>> {
  const { object, tally } = item.task;
  const totals = new ObjectBatch(object.key, object.fetchedAt, tally.interval.start);
  try {
    const loaded = await withConnection(db, logger, (client) =>
      loadObjectPieces(
        client,
        {
          key: object.key,
          fetchedAt: object.fetchedAt,
          intervalStart: tally.interval.start,
          archive: object.archiveDay !== undefined,
          etag: object.etag ?? null,
        },
        item.pieces,
      ),
    );
    return {
      loaded: [{ items: [{ task: item.task, batch: loaded.totals }], counts: loaded.counts }],
      failed: [],
    };
  } catch (error) {
    return { loaded: [], failed: [{ item: { task: item.task, batch: totals }, error }] };
  }
}

/**
 * A checked-out connection's 'error' listener: says the connection died, for the query in flight
 * to fail on (without it, the process would crash).
 */
export function connectionLost(logger: Logger): (error: Error) => void {
  return (error) => logger.warn(`database connection lost: ${error.message}`);
}

/** Runs `work` on a connection of its own; a connection that dies is dropped, never crashes the process. */
async function withConnection<R>(
  pool: DatabasePool,
  logger: Logger,
  work: (client: pg.PoolClient) => Promise<R>,
): Promise<R> {
  return onClient(await pool.connect(), logger, work);
}

/** Runs `work` on `client`, then releases it; a connection that dies is dropped, never crashes the process. */
async function onClient<R>(
  client: pg.PoolClient,
  logger: Logger,
  work: (client: pg.PoolClient) => Promise<R>,
): Promise<R> {
  // A connection that dies while checked out emits 'error' on the client (the pool listens only
  // to idle ones): the query in flight fails and is reported; the process must not crash.
  const onLost = connectionLost(logger);
  client.on('error', onLost);
  try {
    const result = await work(client);
    client.off('error', onLost);
    client.release();
    return result;
  } catch (error) {
    // The connection may be broken: let the pool drop it (the listener stays for its last words).
    client.release(error instanceof Error ? error : true);
    throw error;
  }
}

/**
 * PostgreSQL refused the data itself (SQLSTATE classes 22 and 23), not the connection: the first
 * SQLSTATE along the error's `cause` chain says (a load's error wraps the database's, sometimes
 * through a step's own, e.g. creating month partitions).
 */
export function isDataError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code.startsWith('22') || code.startsWith('23');
    current = current.cause;
  }
  return false;
}
