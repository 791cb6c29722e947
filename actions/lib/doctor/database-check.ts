// The doctor's database check: reachable, and every migration applied. It only reads: applying
// the migrations is `freshet db migrate`'s job (the doctor never changes what it checks).
import pg from 'pg';
import { describeError } from '../errors.ts';
import { MIGRATIONS, type Migration } from '../toar/migrations/index.ts';
import { redactUrl } from '../util/redact-url.ts';
import type { CheckOutcome } from './doctor.ts';

/**
 * The migrations a database still lacks (all of them when it has no `ops.schema_migrations`).
 *
 * @example await pendingMigrations(client) // [] when the schema is up to date
 */
export async function pendingMigrations(
  client: Pick<pg.ClientBase, 'query'>,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<Migration[]> {
  const { rows } = await client.query<{ table: string | null }>(
    "SELECT to_regclass('ops.schema_migrations')::text AS table",
  );
  if (rows[0]?.table == null) return [...migrations];
  const applied = await client.query<{ version: number }>(
    'SELECT version FROM ops.schema_migrations',
  );
  const versions = new Set(applied.rows.map((r) => r.version));
  return migrations.filter((m) => !versions.has(m.version));
}

/**
 * Connects to `databaseUrl` (one connection, a 10 s timeout) and says whether it is migrated.
 * Pending migrations are a problem, unless `allowPending`: a workflow's doctor runs before the job's
 * own freshet step, which applies them (every command and action does).
 *
 * @example await databaseOutcome('postgres://u:p@db/toar') // { status: 'ok', message: '… migrated (5 migrations)' }
 */
export async function databaseOutcome(
  databaseUrl: string | undefined,
  allowPending = false,
): Promise<Omit<CheckOutcome, 'check'>> {
  if (databaseUrl === undefined) {
    return {
      status: 'problem',
      message:
        'DATABASE_URL is not set: add the secret DATABASE_URL (postgres://user:password@host:5432/database) to the freshet environment (Settings → Environments)',
    };
  }
  const shown = redactUrl(databaseUrl) ?? '(the database URL)';
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  // A server that drops the connection must not crash the process: the query fails instead.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    return {
      status: 'problem',
      message: `${shown} cannot be reached (${describeError(error)}): check the host, port, user, password and database name in DATABASE_URL`,
    };
  }
  try {
    const pending = await pendingMigrations(client);
    if (pending.length > 0) {
      const names = pending.map((m) => `${m.version} ${m.name}`).join(', ');
      if (allowPending) {
        return {
          status: 'ok',
          message: `${shown} is reachable; ${pending.length} migration${pending.length === 1 ? '' : 's'} pending (${names}), applied by the job's next freshet step`,
        };
      }
      return {
        status: 'problem',
        message: `${shown} is not migrated (missing ${names}): run \`freshet db migrate\` with DATABASE_URL set (the ingest workflow also does)`,
      };
    }
    return {
      status: 'ok',
      message: `${shown} is reachable and migrated (${MIGRATIONS.length} migrations)`,
    };
  } finally {
    await client.end().catch(() => {});
  }
}
