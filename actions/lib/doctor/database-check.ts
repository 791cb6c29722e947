// The doctor's database check: reachable, every migration applied, and the role able to do what the
// jobs do. It only reads: applying the migrations is `freshet db migrate`'s job (the doctor never
// changes what it checks).
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
 * What the role behind `client` lacks to do the jobs' work, as privileges and the statement that
 * grants them: CREATE on the database while migrations are pending (they create the schemas toar
 * and ops), CREATE on schema public (each training run selects into a table there; PostgreSQL 15
 * and newer no longer grant it to every role), and writing the tables the ingest writes. An empty
 * list when nothing is missing.
 *
 * @example await missingPrivileges(client, false) // ['CREATE on schema public (GRANT CREATE ON SCHEMA public TO freshet)']
 */
export async function missingPrivileges(
  client: Pick<pg.ClientBase, 'query'>,
  pending: boolean,
): Promise<string[]> {
  const { rows } = await client.query<{
    role: string;
    database: boolean;
    public: boolean;
    data: boolean | null;
    runs: boolean | null;
  }>(
    `SELECT current_user AS role,
            has_database_privilege(current_database(), 'CREATE') AS database,
            has_schema_privilege('public', 'CREATE') AS public,
            CASE WHEN to_regclass('toar.data') IS NOT NULL
                 THEN has_table_privilege('toar.data', 'INSERT, UPDATE, DELETE') END AS data,
            CASE WHEN to_regclass('ops.ingest_runs') IS NOT NULL
                 THEN has_table_privilege('ops.ingest_runs', 'INSERT, UPDATE') END AS runs`,
  );
  const found = rows[0];
  if (found === undefined) return [];
  const role = `"${found.role.replaceAll('"', '""')}"`;
  const missing: string[] = [];
  if (pending && !found.database) {
    missing.push(
      `CREATE on the database, for the migrations' schemas (GRANT CREATE ON DATABASE <database> TO ${role}, or run the migrations as its owner)`,
    );
  }
  if (!found.public) {
    missing.push(
      `CREATE on schema public, for the training tables (GRANT CREATE ON SCHEMA public TO ${role})`,
    );
  }
  if (found.data === false || found.runs === false) {
    missing.push(
      `writing the toar and ops tables (GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA toar, ops TO ${role})`,
    );
  }
  return missing;
}

/**
 * Connects to `databaseUrl` (one connection, a 10 s timeout) and says whether it is migrated and
 * whether its role has the privileges the jobs need (see {@link missingPrivileges}).
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
    const lacking = await missingPrivileges(client, pending.length > 0);
    if (lacking.length > 0) {
      return {
        status: 'problem',
        message: `${shown}: the role lacks ${lacking.join('; ')}`,
      };
    }
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
