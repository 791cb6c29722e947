// A real S3 API server on this machine: s3rver 3.7 in a child process on 127.0.0.1, over a
// temporary directory, with a client wired to it. `npm start` seeds it with generated fetches and
// ingests from it; tests put the objects they need and point the code under test at `endpoint` (or
// at a fault proxy in front of it).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateBucketCommand,
  ListBucketsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';

/** The access key s3rver's built-in account accepts (it checks the key id, not V4 signatures). */
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

const LAUNCHER = fileURLToPath(new URL('./s3rver-main.ts', import.meta.url));
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

/** A running s3rver and a client for it. */
export interface LocalS3Server {
  /** `http://127.0.0.1:<port>`, for `endpoint` options (path-style). */
  endpoint: string;
  /** A client of the server: path-style, s3rver's credentials, us-east-1. */
  client: S3Client;
  createBucket(name: string): Promise<void>;
  /** Puts one object (a string is stored as UTF-8). */
  putObject(bucket: string, key: string, bytes: Uint8Array | string): Promise<void>;
  /** Puts many objects, a few at a time (s3rver writes each to disk: 1,000 take about a second). */
  putObjects(
    bucket: string,
    objects: Iterable<readonly [key: string, bytes: Uint8Array | string]>,
    concurrency?: number,
  ): Promise<void>;
  /**
   * Writes objects straight into the server's store on disk, in s3rver 3.7's filesystem layout
   * (`<bucket>/<key>._S3rver_object` beside its `._S3rver_metadata.json`), for fixtures of thousands
   * of objects that PUTs would take seconds to make; the server then serves them like any other.
   * The bucket must exist.
   */
  seedObjects(
    bucket: string,
    objects: Iterable<readonly [key: string, bytes: Uint8Array | string]>,
  ): Promise<void>;
  /**
   * Uploads every file under `localDir` as `prefix` + its relative path (with `/`); returns the keys
   * in byte order. `prefix` is used as given: end it with `/` for a folder.
   */
  putFolder(bucket: string, prefix: string, localDir: string): Promise<string[]>;
  /** Stops the server (SIGTERM, waits for its exit) and removes its directory. */
  stop(): Promise<void>;
}

/** A client of an S3 API server on `endpoint` with the settings the local servers need. */
function localS3Client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: CREDENTIALS,
    // A body of unknown length (a stream) otherwise goes out as aws-chunked with a trailing
    // checksum, which s3rver does not understand.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    maxAttempts: 1,
  });
}

/**
 * Starts s3rver on a free port of 127.0.0.1 with the pinned Node and `--openssl-legacy-provider`,
 * and resolves once it answers ListBuckets.
 *
 * @example
 * const s3 = await startS3Server();
 * await s3.createBucket('openaq-fetches');
 * await s3.putObject('openaq-fetches', 'realtime-gzipped/2018-06-07/1528329600.ndjson.gz', bytes);
 * const source = s3Source('s3://openaq-fetches/realtime-gzipped/', { endpoint: s3.endpoint });
 * await s3.stop();
 */
export async function startS3Server(): Promise<LocalS3Server> {
  const directory = await mkdtemp(join(tmpdir(), 'freshet-s3rver-'));
  // process.execPath is the pinned Node 24 (the command line's, or vitest's), which also strips
  // the launcher's types.
  const child = spawn(process.execPath, ['--openssl-legacy-provider', LAUNCHER, directory], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let client: S3Client | undefined;
  try {
    const port = await readyPort(child);
    const endpoint = `http://127.0.0.1:${port}`;
    client = localS3Client(endpoint);
    await client.send(new ListBucketsCommand({}));
    const s3 = client;
    const putObject = async (bucket: string, key: string, bytes: Uint8Array | string) => {
      const body = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
      // The length, given, spares the SDK guessing (it warns about an empty body otherwise).
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentLength: body.length }),
      );
    };
    const putObjects = async (
      bucket: string,
      objects: Iterable<readonly [string, Uint8Array | string]>,
      concurrency = 16,
    ) => {
      const iterator = objects[Symbol.iterator]();
      const worker = async () => {
        for (let next = iterator.next(); !next.done; next = iterator.next()) {
          await putObject(bucket, next.value[0], next.value[1]);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
    };
    return {
      endpoint,
      client: s3,
      async createBucket(name) {
        await s3.send(new CreateBucketCommand({ Bucket: name }));
      },
      putObject,
      putObjects,
      async seedObjects(bucket, objects) {
        const metadata = JSON.stringify({ 'content-type': 'application/octet-stream' });
        const made = new Set<string>();
        for (const [key, bytes] of objects) {
          const path = join(directory, bucket, ...key.split('/'));
          const folder = dirname(path);
          if (!made.has(folder)) {
            await mkdir(folder, { recursive: true });
            made.add(folder);
          }
          await writeFile(`${path}._S3rver_object`, bytes);
          await writeFile(`${path}._S3rver_metadata.json`, metadata);
        }
      },
      async putFolder(bucket, prefix, localDir) {
        const files = (await readdir(localDir, { recursive: true, withFileTypes: true }))
          .filter((entry) => entry.isFile())
          .map((entry) => join(entry.parentPath, entry.name));
        const entries = await Promise.all(
          files.map(async (file) => {
            const key = prefix + relative(localDir, file).split(sep).join('/');
            return [key, new Uint8Array(await readFile(file))] as const;
          }),
        );
        await putObjects(bucket, entries);
        return entries.map(([key]) => key).sort();
      },
      async stop() {
        s3.destroy();
        await stopChild(child, exited);
        await rm(directory, { recursive: true, force: true });
      },
    };
  } catch (error) {
    client?.destroy();
    await stopChild(child, exited);
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
}

/** The port from the launcher's `{"port":N}` line; fails with its stderr if it exits first. */
function readyPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      finish(new Error(`s3rver did not start within ${START_TIMEOUT_MS} ms: ${stderr}`));
    }, START_TIMEOUT_MS);
    const onExit = (code: number | null) => {
      finish(new Error(`s3rver exited (code ${code}) before listening: ${stderr}`));
    };
    const onData = (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (line) finish(null, (JSON.parse(line) as { port: number }).port);
    };
    const finish = (error: Error | null, port?: number) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout?.off('data', onData);
      if (error || port === undefined) reject(error);
      else resolve(port);
    };
    child.stderr?.on('data', (chunk: Buffer) => {
      // Keep the tail only: enough to say why it failed, bounded however long it runs.
      stderr = (stderr + chunk.toString('utf8')).slice(-8_192);
    });
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** SIGTERM, then SIGKILL if it has not exited within STOP_TIMEOUT_MS. */
async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), STOP_TIMEOUT_MS);
  });
  if ((await Promise.race([exited, late])) === 'late') {
    child.kill('SIGKILL');
    await exited;
  }
  clearTimeout(timer);
}
