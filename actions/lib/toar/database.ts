import pg from 'pg';
import type { Logger } from '../util/logger.ts';
import { redactUrl } from '../util/redact-url.ts';
import { migrate } from './migrate.ts';

/**
 * What the library needs of the database: queries, and a connection of its own for a transaction or
 * a COPY. A `pg.Pool` is one; tests may hand in anything shaped like it. `options.max`, when known,
 * is how many connections it opens at most (see {@link mayHoldTwo}).
 */
export type DatabasePool = Pick<pg.Pool, 'query' | 'connect'> & {
  readonly options?: { readonly max?: number | undefined };
};

/**
 * Whether `pool` is known to open two connections or more: only then may a step hold one across
 * another's work (a pool of one would wait for itself).
 *
 * @example mayHoldTwo(new pg.Pool({ max: 3 })) // true
 */
export function mayHoldTwo(pool: DatabasePool): boolean {
  return (pool.options?.max ?? 0) >= 2;
}

/** A connection pool to the TOAR database, migrated, with its own way to close. */
export interface Database {
  pool: pg.Pool;
  /** The connection URL (it holds the password: never log it; see `description`). */
  url: string;
  /** Where it is (for messages; never logged with its password). */
  description: string;
  /** The migrations this opening applied (none when the schema was up to date). */
  applied: number[];
  close(): Promise<void>;
}

/**
 * Connects to `databaseUrl`, or — when none is given — to the embedded PostgreSQL under
 * `stateDir` (started now and stopped by `close()`), then applies pending migrations.
 */
export async function openDatabase(options: {
  databaseUrl?: string;
  stateDir: string;
  logger: Logger;
  maxConnections?: number;
  /** Where the embedded server's own log goes (default: nowhere). */
  serverLog?: (message: string) => void;
}): Promise<Database> {
  let url = options.databaseUrl;
  let stopEmbedded = async () => {};
  let description = url ? (redactUrl(url) ?? '(unparseable database URL)') : '';
  if (!url) {
    // Loaded only when needed: the actions always have a DATABASE_URL and do not bundle the binaries.
    const { startEmbeddedDatabase } = await import('./embedded.ts');
    const embedded = await startEmbeddedDatabase({
      stateDir: options.stateDir,
      logger: options.logger,
      ...(options.serverLog ? { serverLog: options.serverLog } : {}),
    });
    url = embedded.url;
    stopEmbedded = embedded.stop;
    description = `embedded PostgreSQL (${embedded.dataDir})`;
  }
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 4 });
  // A server that goes away must not crash the process: the query in flight fails instead.
  pool.on('error', (error) => options.logger.warn(`database connection lost: ${error.message}`));
  let applied: number[];
  try {
    const client = await pool.connect();
    try {
      applied = await migrate(client, options.logger);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => {});
    await stopEmbedded();
    throw error;
  }
  return {
    pool,
    url,
    description,
    applied,
    close: async () => {
      await pool.end();
      await stopEmbedded();
    },
  };
}

/**
 * Opens the database as {@link openDatabase} does, runs `work`, and closes it however `work` ends.
 *
 * @example await withDatabase({ databaseUrl, stateDir: '.freshet', logger }, (db) => readStatus(db.pool));
 */
export async function withDatabase<T>(
  options: Parameters<typeof openDatabase>[0],
  work: (db: Database) => Promise<T>,
): Promise<T> {
  const db = await openDatabase(options);
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}
