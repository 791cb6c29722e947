import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { FreshetError, UsageError } from '../errors.ts';
import {
  fetchCount,
  fetchLines,
  fetchTimes,
  objectKey,
  objectLayout,
  type SyntheticSpec,
  validateSpec,
} from './fetch.ts';

/**
 * The I/O edge of the synthetic fetches: writes every fetch of a spec as a gzipped object under
 * `outDir/realtime-gzipped/YYYY-MM-DD/<unix-seconds>.ndjson.gz`, the bucket's layout, so that a
 * `file://` source can ingest them.
 */

const gzipAsync = promisify(gzip);

/** Where to write, besides what to generate. */
export interface GenerateOptions extends SyntheticSpec {
  outDir: string;
  /** Objects compressed and written at once (default 4): zlib runs on libuv's thread pool. */
  concurrency?: number;
}

/** Reported after each object (same shape as the ingest's progress). */
export interface GenerationProgress {
  done: number;
  total: number;
  /** The object key just written. */
  label: string;
}

export interface GenerationResult {
  objects: number;
  /** Records (non-blank lines) over all objects: what `fetchLines` gives. */
  records: number;
  /** Compressed bytes written. */
  bytes: number;
  /** The `realtime-gzipped` folder: the root a `file://` source points at. */
  dir: string;
}

const NEWLINE = 0x0a;

/**
 * The object's bytes: the UTF-8 of `objectText`, encoded line by line into one buffer. Joining
 * a fetch's lines into one string first costs more than generating them (every line is a rope
 * that the join flattens, and one non-Latin-1 name widens the whole text to two bytes a char).
 */
function objectBytes(seed: number, fetchAt: number, lines: readonly string[]): Buffer {
  const { blankBefore, finalNewline } = objectLayout(seed, fetchAt, lines.length);
  let capacity = lines.length + 2;
  // A UTF-16 code unit never takes more than 3 bytes of UTF-8.
  for (const line of lines) capacity += line.length * 3;
  const bytes = Buffer.allocUnsafe(capacity);
  let at = 0;
  for (const [i, line] of lines.entries()) {
    if (i > 0) bytes[at++] = NEWLINE;
    if (i === blankBefore) bytes[at++] = NEWLINE;
    at += bytes.write(line, at, 'utf8');
  }
  if (finalNewline) bytes[at++] = NEWLINE;
  return bytes.subarray(0, at);
}

/** Gzip level: zlib's default, a good size/speed balance for this repetitive text. */
const GZIP_LEVEL = 6;
const DEFAULT_CONCURRENCY = 4;

/**
 * Generates and writes every fetch of a spec. Files of an earlier run with the same names are
 * replaced (each is written to a temporary name first, then renamed); other files are left alone.
 *
 * @throws UsageError for a bad spec or concurrency; FreshetError (with `cause`) when a file cannot be written.
 * @example
 * const result = await generateFetches({ outDir: '/tmp/demo', start: Date.UTC(2014, 0, 1),
 *   days: 10, stations: 50, seed: 1 });
 * // → { objects: 1440, records: ≈2,200,000, bytes: …, dir: '/tmp/demo/realtime-gzipped' }
 */
export async function generateFetches(
  options: GenerateOptions,
  onProgress?: (progress: GenerationProgress) => void,
): Promise<GenerationResult> {
  const { outDir, concurrency = DEFAULT_CONCURRENCY, ...spec } = options;
  validateSpec(spec);
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
    throw new UsageError(`concurrency ${concurrency} must be a whole number of at least 1`);
  }
  const root = resolve(outDir);
  const dir = join(root, 'realtime-gzipped');
  const total = fetchCount(spec);
  const folders = new Set<string>();
  let records = 0;
  let bytes = 0;
  let done = 0;
  let failure: unknown;
  const inFlight = new Set<Promise<void>>();

  const write = async (key: string, body: Buffer): Promise<void> => {
    const path = join(root, key);
    const folder = dirname(path);
    try {
      if (!folders.has(folder)) {
        await mkdir(folder, { recursive: true });
        folders.add(folder);
      }
      const compressed = await gzipAsync(body, { level: GZIP_LEVEL });
      const partial = `${path}.partial`;
      await writeFile(partial, compressed);
      await rename(partial, path);
      bytes += compressed.length;
      done++;
      onProgress?.({ done, total, label: key });
    } catch (error) {
      failure ??= new FreshetError(`cannot write synthetic fetch ${path}`, { cause: error });
    }
  };

  for (const fetchAt of fetchTimes(spec)) {
    if (failure !== undefined) break;
    // Generation is synchronous; compression and writing of earlier objects overlap with it.
    const lines = fetchLines(spec, fetchAt);
    records += lines.length;
    const task = write(objectKey(fetchAt), objectBytes(spec.seed, fetchAt, lines));
    inFlight.add(task);
    void task.then(() => inFlight.delete(task));
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure;
  return { objects: done, records, bytes, dir };
}
