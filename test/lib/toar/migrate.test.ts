import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../actions/lib/toar/migrate.ts';
import { MIGRATIONS } from '../../../actions/lib/toar/migrations/index.ts';
import { silentLogger } from '../../../actions/lib/util/logger.ts';
import { createTestDatabase } from '../../support/database.ts';
import { defined } from '../../support/defined.ts';

describe('migrate', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase('migrate');
  });
  afterAll(async () => db.drop());

  it('applies every migration once, even when several processes race', async () => {
    const clients = [0, 1, 2].map(() => new pg.Client({ connectionString: db.url }));
    await Promise.all(clients.map((c) => c.connect()));
    try {
      const applied = await Promise.all(clients.map((c) => migrate(c, silentLogger)));
      expect(applied.flat().sort((a, b) => a - b)).toEqual(MIGRATIONS.map((m) => m.version));
      const first = defined(clients[0], 'a first client');
      const { rows } = await first.query('SELECT version FROM ops.schema_migrations');
      expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
      const variables = await first.query('SELECT name FROM toar.variables ORDER BY id');
      expect(variables.rows.map((r) => r.name)).toEqual([
        'o3',
        'no2',
        'so2',
        'co',
        'pm2p5',
        'pm10',
        'bc',
      ]);
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  });

  it('rolls a failing migration back whole and names it', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const broken = [
        ...MIGRATIONS,
        {
          version: 999,
          name: 'broken',
          sql: 'CREATE TABLE ops.half (x int); SELECT nonsense FROM nowhere',
        },
      ];
      await expect(migrate(client, silentLogger, broken)).rejects.toThrow(
        /migration 999 \(broken\)/,
      );
      const half = await client.query("SELECT to_regclass('ops.half') AS t");
      expect(half.rows[0].t).toBeNull();
    } finally {
      await client.end();
    }
  });
});
