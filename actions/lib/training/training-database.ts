// The database a training run uses, with its URL at hand: the project is given a URL (its own
// read-only role's, or the runner's), so the embedded database's address must be known too.
import { type Database, openDatabase } from '../toar/database.ts';
import type { Logger } from '../util/logger.ts';

/** An open, migrated database and the URL it was reached at. */
export interface TrainingDatabase extends Database {
  readonly url: string;
}

/**
 * Opens `databaseUrl`, or — without one — the embedded PostgreSQL under `stateDir` (stopped again
 * by `close()`), and applies pending migrations.
 */
export async function openTrainingDatabase(options: {
  databaseUrl?: string | undefined;
  stateDir: string;
  logger: Logger;
}): Promise<TrainingDatabase> {
  let url = options.databaseUrl;
  let stopEmbedded = async () => {};
  if (!url) {
    const { startEmbeddedDatabase } = await import('../toar/embedded.ts');
    const embedded = await startEmbeddedDatabase({
      stateDir: options.stateDir,
      logger: options.logger,
    });
    url = embedded.url;
    stopEmbedded = embedded.stop;
  }
  let db: Database;
  try {
    db = await openDatabase({
      databaseUrl: url,
      stateDir: options.stateDir,
      logger: options.logger,
      maxConnections: 3,
    });
  } catch (error) {
    await stopEmbedded();
    throw error;
  }
  return {
    ...db,
    url,
    close: async () => {
      try {
        await db.close();
      } finally {
        await stopEmbedded();
      }
    },
  };
}
