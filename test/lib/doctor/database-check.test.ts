import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { databaseOutcome } from '../../../actions/lib/doctor/database-check.ts';
import { useMigratedDatabase } from '../../support/database.ts';

describe('the database check', () => {
  const db = useMigratedDatabase('doctor_privileges');

  it('is fine for the owner, and names what a role lacks, with the GRANT that gives it', async () => {
    expect(await databaseOutcome(db.url)).toMatchObject({
      status: 'ok',
      message: expect.stringMatching(/reachable and migrated/),
    });
    // A role that can read but not write, on a server where schema public is not open to all (as on
    // PostgreSQL 15 and newer).
    const role = `doctor_${randomBytes(4).toString('hex')}`;
    const password = randomBytes(12).toString('hex');
    await db.pool.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
    try {
      await db.pool.query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC;
        GRANT USAGE ON SCHEMA toar, ops TO ${role};
        GRANT SELECT ON ALL TABLES IN SCHEMA toar, ops TO ${role}`);
      const url = new URL(db.url);
      url.username = role;
      url.password = password;
      const outcome = await databaseOutcome(url.toString());
      expect(outcome.status).toBe('problem');
      expect(outcome.message).toContain(
        `the role lacks CREATE on schema public, for the training tables (GRANT CREATE ON SCHEMA public TO "${role}"); writing the toar and ops tables (GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA toar, ops TO "${role}")`,
      );
      expect(outcome.message).not.toContain(password);
      await db.pool.query(`GRANT CREATE ON SCHEMA public TO ${role};
        GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA toar, ops TO ${role}`);
      expect((await databaseOutcome(url.toString())).status).toBe('ok');
    } finally {
      await db.pool.query(`DROP OWNED BY ${role}; DROP ROLE ${role}`);
    }
  });
});
