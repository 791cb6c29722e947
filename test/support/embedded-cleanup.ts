// Removing what an embedded PostgreSQL a test started left on disk.
import { rm } from 'node:fs/promises';
import type { EmbeddedDatabase } from '../../actions/lib/toar/embedded.ts';

/**
 * Removes the state folder of a stopped embedded `db` and its cluster: as root, the cluster lives
 * outside that folder, under /var/tmp (see chooseDataDir in embedded.ts).
 *
 * @example await db.stop(); await removeEmbeddedFiles(db, stateDir);
 */
export async function removeEmbeddedFiles(db: EmbeddedDatabase, stateDir: string): Promise<void> {
  await rm(stateDir, { recursive: true, force: true });
  await rm(db.dataDir, { recursive: true, force: true });
}
