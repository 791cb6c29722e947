import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { migrate } from '../../actions/lib/toar/migrate.ts';
import { silentLogger } from '../../actions/lib/util/logger.ts';

/**
 * A fresh, empty database on the test server, dropped by `drop()`. Each test file (or test) gets its
 * own, so files run in parallel without seeing each other's rows.
 */
export async function createTestDatabase(
  prefix = 't',
): Promise<{ url: string; drop: () => Promise<void> }> {
  const serverUrl = inject('postgresUrl');
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * A fresh database with the schema migrated, and a small pool on it, for the tests of one
 * `describe`: made before its tests, dropped after them. Read `pool` inside tests (it is set by then).
 *
 * @example
 * const db = useMigratedDatabase('runs');
 * it('…', async () => { await db.pool.query('SELECT 1'); });
 */
export function useMigratedDatabase(prefix: string): {
  readonly pool: pg.Pool;
  readonly url: string;
} {
  let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  let pool: pg.Pool | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(prefix);
    pool = new pg.Pool({ connectionString: database.url, max: 2 });
    // A client still closing when drop() forces the database's connections out reports 57P01 on
    // the pool; with no listener that would be an uncaught exception after the tests passed.
    pool.on('error', () => {});
    const client = await pool.connect();
    try {
      await migrate(client, silentLogger);
    } finally {
      client.release();
    }
  });
  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });
  return {
    get pool() {
      if (pool === undefined) throw new Error('useMigratedDatabase: read pool inside a test');
      return pool;
    },
    get url() {
      if (database === undefined) throw new Error('useMigratedDatabase: read url inside a test');
      return database.url;
    },
  };
}
