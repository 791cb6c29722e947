import type pg from 'pg';
import { DatabaseError } from '../errors.ts';
import type { Logger } from '../util/logger.ts';
import { MIGRATIONS, type Migration } from './migrations/index.ts';

/** Any advisory-lock key unique to Freshet's migrations. */
const MIGRATION_LOCK = 7_164_001;

/**
 * Applies the migrations not yet recorded in `ops.schema_migrations`, each in its own transaction.
 * Safe to run from several processes at once: a session-level advisory lock serialises them.
 * Returns the versions applied now.
 */
export async function migrate(
  client: pg.ClientBase,
  logger: Logger,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ops;
      CREATE TABLE IF NOT EXISTS ops.schema_migrations (
        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: number }>(
      'SELECT version FROM ops.schema_migrations',
    );
    const applied = new Set(rows.map((r) => r.version));
    const done: number[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      try {
        await client.query('BEGIN');
        await client.query(migration.sql);
        await client.query('INSERT INTO ops.schema_migrations (version, name) VALUES ($1, $2)', [
          migration.version,
          migration.name,
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw new DatabaseError(
          `migration ${migration.version} (${migration.name}) failed; nothing of it was applied`,
          { cause: error },
        );
      }
      logger.info(`applied migration ${migration.version} ${migration.name}`);
      done.push(migration.version);
    }
    return done;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
  }
}
