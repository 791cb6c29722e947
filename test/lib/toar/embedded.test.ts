// The embedded PostgreSQL's superuser password: random per cluster, kept in postgres.json that only
// its owner can read, and a cluster of the old constant password given a random one on its next start;
// a cluster kept outside its state folder is removed once that folder is gone.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  removeOrphanedClusters,
  startEmbeddedDatabase,
} from '../../../actions/lib/toar/embedded.ts';
import { silentLogger } from '../../../actions/lib/util/logger.ts';

describe('the embedded database', () => {
  const folders: string[] = [];
  afterAll(async () => {
    for (const folder of folders) await rm(folder, { recursive: true, force: true });
  });

  async function canConnect(url: string): Promise<boolean> {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  }

  it('gets a random superuser password, kept in postgres.json with mode 0600, and replaces the old constant one', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'freshet-embedded-'));
    folders.push(stateDir);
    const recordFile = join(stateDir, 'postgres.json');
    const db = await startEmbeddedDatabase({ stateDir, logger: silentLogger });
    folders.push(db.dataDir);
    try {
      const record = JSON.parse(await readFile(recordFile, 'utf8'));
      expect(record.password).toMatch(/^[0-9a-f]{48}$/);
      expect(new URL(db.url).password).toBe(record.password);
      expect((await stat(recordFile)).mode & 0o777).toBe(0o600);
      const port = new URL(db.url).port;
      expect(await canConnect(`postgres://postgres:freshet@127.0.0.1:${port}/postgres`)).toBe(
        false,
      );
      expect(await canConnect(db.url)).toBe(true);

      // A cluster of an older freshet: the constant password, a record without one, mode 0644.
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      await client.query("ALTER ROLE postgres PASSWORD 'freshet'");
      await client.end();
      await db.stop();
      await writeFile(recordFile, JSON.stringify({ dataDir: db.dataDir }), { mode: 0o644 });
      const again = await startEmbeddedDatabase({ stateDir, logger: silentLogger });
      try {
        const rotated = JSON.parse(await readFile(recordFile, 'utf8'));
        expect(rotated.password).toMatch(/^[0-9a-f]{48}$/);
        expect(rotated.password).not.toBe(record.password);
        expect((await stat(recordFile)).mode & 0o777).toBe(0o600);
        expect(await canConnect(again.url)).toBe(true);
        expect(
          await canConnect(
            `postgres://postgres:freshet@127.0.0.1:${new URL(again.url).port}/postgres`,
          ),
        ).toBe(false);
      } finally {
        await again.stop();
      }
    } finally {
      await db.stop().catch(() => {});
    }
  });

  it('records the state folder of a cluster kept outside it, and a later start removes the cluster once that folder is gone', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'freshet-embedded-'));
    folders.push(stateDir);
    const db = await startEmbeddedDatabase({ stateDir, logger: silentLogger });
    folders.push(db.dataDir);
    await db.stop();
    const outside = !db.dataDir.startsWith(`${stateDir}/`);
    // As root with a state folder of mode 0700 (mkdtemp's), user postgres cannot reach it.
    expect(outside).toBe(process.getuid?.() === 0);
    if (outside) {
      expect(await readFile(join(db.dataDir, 'freshet-state-dir'), 'utf8')).toBe(stateDir);
      await rm(stateDir, { recursive: true, force: true });
      await removeOrphanedClusters(silentLogger);
      expect(existsSync(db.dataDir)).toBe(false);
    } else {
      expect(existsSync(join(db.dataDir, 'freshet-state-dir'))).toBe(false);
    }
  });

  it('removes only the clusters whose recorded state folder is gone', async () => {
    const root = await mkdtemp(join(tmpdir(), 'freshet-clusters-'));
    folders.push(root);
    const cluster = async (name: string, owner?: string, isCluster = true) => {
      await mkdir(join(root, name));
      if (isCluster) await writeFile(join(root, name, 'PG_VERSION'), '18\n');
      if (owner !== undefined) await writeFile(join(root, name, 'freshet-state-dir'), owner);
      return join(root, name);
    };
    const orphan = await cluster('freshet-postgres-000000000001', join(root, 'gone'));
    const owned = await cluster('freshet-postgres-000000000002', root);
    const unrecorded = await cluster('freshet-postgres-000000000003');
    const other = await cluster('postgres-000000000004', join(root, 'gone'));
    const notCluster = await cluster('freshet-postgres-000000000005', join(root, 'gone'), false);
    const messages: string[] = [];
    await removeOrphanedClusters({ ...silentLogger, info: (m: string) => messages.push(m) }, root);
    expect(existsSync(orphan)).toBe(false);
    expect([owned, unrecorded, other, notCluster].map((dir) => existsSync(dir))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(messages).toEqual([
      `removed the embedded PostgreSQL of ${join(root, 'gone')}, a folder that no longer exists`,
    ]);
  });
});
