// The read-only database role that code from another repository runs with: LOGIN, a random
// password, SELECT on the run's tables and nothing else, dropped after the run. Its password also
// expires on its own, in case the drop never happens (the runner killed, the server gone).
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { DatabaseError, UsageError } from '../../errors.ts';
import type { Logger } from '../../util/logger.ts';
import { quoteTableName } from '../data/table-name.ts';

/** A role made for one run. */
export interface ReadOnlyRole {
  readonly name: string;
  /** The runner's database URL with the role's name and password instead. */
  readonly url: string;
  /** What was granted beyond SELECT on the tables (revoked again on drop). */
  readonly grantedSchemas: readonly string[];
  readonly grantedConnect: boolean;
}

/** The role of run `runId` (32 hex digits): `freshet_ro_<run id>`. */
export function readOnlyRoleName(runId: string): string {
  if (!/^[0-9a-f]{1,48}$/.test(runId)) throw new UsageError(`run id ${runId} names no role`);
  return `freshet_ro_${runId}`;
}

/**
 * `databaseUrl` with another user and password (URL-encoded), every other part kept.
 *
 * @example withCredentials('postgres://u:p@db:5432/x?sslmode=require', 'r', 's') === 'postgres://r:s@db:5432/x?sslmode=require'
 */
export function withCredentials(databaseUrl: string, user: string, password: string): string {
  const url = new URL(databaseUrl);
  url.username = encodeURIComponent(user);
  url.password = encodeURIComponent(password);
  url.searchParams.delete('user');
  url.searchParams.delete('password');
  return url.toString();
}

/** Whether the connected user may create roles (CREATEROLE, or a superuser), and its name. */
async function roleCreationRights(
  client: pg.ClientBase,
): Promise<{ user: string; allowed: boolean }> {
  const { rows } = await client.query(
    'SELECT current_user AS user, rolsuper OR rolcreaterole AS allowed FROM pg_roles WHERE rolname = current_user',
  );
  return { user: rows[0]?.user ?? '(unknown)', allowed: rows[0]?.allowed === true };
}

/**
 * Refuses, before anything runs, when no read-only role can be made for code of another repository.
 *
 * @throws UsageError naming the user and what to give instead
 */
export async function assertCanCreateReadOnlyRole(
  client: pg.ClientBase,
  project: string,
): Promise<void> {
  const { user, allowed } = await roleCreationRights(client);
  if (allowed) return;
  throw new UsageError(
    `refusing to run ${project}: code from another repository runs only with a read-only database role, and database user ${user} cannot create one (it has neither CREATEROLE nor SUPERUSER); give a database URL of a user with CREATEROLE`,
  );
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Creates the run's role: LOGIN with a random password valid for `validForMs` by the server's clock
 * (which judges it, so the server's clock sets it, whatever the runner's), read-only
 * transactions by default, SELECT on `tables`, and USAGE on their schemas and CONNECT on the
 * database only when PUBLIC does not grant them already. One transaction: all or nothing.
 *
 * @param tables `schema.table` names (see `trainingTableNames`)
 * @throws DatabaseError when the database refuses
 */
export async function createReadOnlyRole(
  client: pg.ClientBase,
  options: { runId: string; tables: readonly string[]; databaseUrl: string; validForMs: number },
): Promise<ReadOnlyRole> {
  const name = readOnlyRoleName(options.runId);
  const role = quoteIdent(name);
  const password = randomBytes(24).toString('hex');
  const tables = options.tables.map(quoteTableName);
  const schemas = [
    ...new Set(
      options.tables.map((t) => (t.includes('.') ? t.slice(0, t.indexOf('.')) : 'public')),
    ),
  ];
  try {
    await client.query('BEGIN');
    const { rows: clock } = await client.query<{ until: Date }>(
      `SELECT now() + $1 * interval '1 millisecond' AS until`,
      [options.validForMs],
    );
    const until = clock[0]?.until;
    if (until === undefined) throw new Error('the server did not tell its time');
    await client.query(
      `CREATE ROLE ${role} LOGIN PASSWORD '${password}' NOSUPERUSER NOCREATEDB NOCREATEROLE
       NOREPLICATION NOBYPASSRLS NOINHERIT CONNECTION LIMIT 16
       VALID UNTIL '${until.toISOString()}'`,
    );
    // Not a boundary (a session may turn it off), but a write fails loudly even where PUBLIC may.
    await client.query(`ALTER ROLE ${role} SET default_transaction_read_only = on`);
    await client.query(`GRANT SELECT ON TABLE ${tables.join(', ')} TO ${role}`);
    const grantedSchemas: string[] = [];
    for (const schema of schemas) {
      const { rows } = await client.query(`SELECT has_schema_privilege($1, $2, 'USAGE') AS has`, [
        name,
        schema,
      ]);
      if (rows[0]?.has) continue;
      await client.query(`GRANT USAGE ON SCHEMA ${quoteIdent(schema)} TO ${role}`);
      grantedSchemas.push(schema);
    }
    const { rows } = await client.query(
      `SELECT current_database() AS db, has_database_privilege($1, current_database(), 'CONNECT') AS has`,
      [name],
    );
    const grantedConnect = rows[0]?.has !== true;
    if (grantedConnect) {
      await client.query(`GRANT CONNECT ON DATABASE ${quoteIdent(rows[0].db)} TO ${role}`);
    }
    await client.query('COMMIT');
    return {
      name,
      url: withCredentials(options.databaseUrl, name, password),
      grantedSchemas,
      grantedConnect,
    };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw new DatabaseError(`creating the read-only role ${name} failed`, { cause: error });
  }
}

/**
 * Ends the role's sessions, revokes what was granted and drops it. Never throws: a role that cannot
 * be dropped is reported with what to run by hand (its password expires anyway).
 */
export async function dropReadOnlyRole(
  client: pg.ClientBase,
  role: ReadOnlyRole,
  tables: readonly string[],
  logger: Logger,
): Promise<boolean> {
  const quoted = quoteIdent(role.name);
  try {
    // Sessions the killed project left behind; allowed for superusers and members of the role.
    await client
      .query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1 AND pid <> pg_backend_pid()',
        [role.name],
      )
      .catch(() => {});
    for (const table of tables) {
      const { rows } = await client.query('SELECT to_regclass($1) AS t', [table]);
      if (rows[0]?.t !== null) {
        await client.query(`REVOKE ALL ON TABLE ${quoteTableName(table)} FROM ${quoted}`);
      }
    }
    for (const schema of role.grantedSchemas) {
      await client.query(`REVOKE USAGE ON SCHEMA ${quoteIdent(schema)} FROM ${quoted}`);
    }
    if (role.grantedConnect) {
      const { rows } = await client.query('SELECT current_database() AS db');
      await client.query(`REVOKE CONNECT ON DATABASE ${quoteIdent(rows[0].db)} FROM ${quoted}`);
    }
    await client.query(`DROP ROLE ${quoted}`);
    return true;
  } catch (error) {
    logger.warn(
      `could not drop the read-only role ${role.name} (${(error as Error).message}); its password expires on its own, or run: DROP OWNED BY ${quoted}; DROP ROLE ${quoted};`,
    );
    return false;
  }
}
