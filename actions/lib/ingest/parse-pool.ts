import { Worker } from 'node:worker_threads';
import { DatabaseError, describeError, SourceError } from '../errors.ts';
import { ObjectBatch, type ObjectBatchMessage } from '../toar/object-batch.ts';
import { type ParseLimits, parseObject } from './parse-object.ts';

/** The object a parse is about: its key (for messages) and fetch time. */
export interface ParseTarget {
  key: string;
  fetchedAt: number;
}

/** Turns an object's bytes into its batch: in this thread, or on worker threads. */
export interface ObjectParser {
  /**
   * gunzip → lines → rules → batch (see {@link parseObject}); rejects as parseObject does. The
   * parser may take `bytes` over (a worker parser transfers their buffer): do not use them after.
   */
  parse(bytes: Uint8Array, object: ParseTarget, intervalStart: number): Promise<ObjectBatch>;
  /** Ends the workers (waiting for none of their jobs: those still pending are rejected). */
  close(): Promise<void>;
}

/** What the loader's thread sends a parse worker. */
export interface ParseRequest {
  id: number;
  bytes: Uint8Array;
  object: ParseTarget;
  intervalStart: number;
  limits: ParseLimits;
}

/** What a parse worker answers. */
export type ParseReply =
  | { id: number; ok: true; batch: ObjectBatchMessage }
  | { id: number; ok: false; name: string; message: string };

/**
 * The worker entry next to this module: the TypeScript source when running from sources (the
 * command line, tests), the bundled `parse-worker.js` beside an action's `dist/index.js`.
 */
export const PARSE_WORKER_URL = new URL(
  import.meta.url.endsWith('.ts') ? './parse-worker.ts' : './parse-worker.js',
  import.meta.url,
);

/**
 * Parses in the calling thread: the single-threaded path (`workers: 0`).
 *
 * @example
 * const parser = threadParser({ maxObjectBytes: 2 ** 31 });
 * const batch = await parser.parse(bytes, object, interval.start);
 */
export function threadParser(limits: ParseLimits): ObjectParser {
  return {
    parse: (bytes, object, intervalStart) => parseObject(bytes, object, intervalStart, limits),
    close: async () => {},
  };
}

interface Job {
  request: ParseRequest;
  resolve: (batch: ObjectBatch) => void;
  reject: (error: unknown) => void;
}

interface Slot {
  worker: Worker | undefined;
  job: Job | undefined;
}

/**
 * The bytes in an ArrayBuffer of their own, which can be transferred: a view of part of a larger
 * buffer (Node's small Buffers share a pool, which cannot be transferred) is copied first.
 */
function ownBuffer(bytes: Uint8Array): Uint8Array {
  if (
    bytes.byteOffset === 0 &&
    bytes.byteLength === bytes.buffer.byteLength &&
    bytes.buffer instanceof ArrayBuffer
  ) {
    return bytes;
  }
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy;
}

/**
 * Parses on `workers` worker threads (started when first needed), each one object at a time; the
 * bytes go to the worker and the batch comes back as transferred buffers (no copies of rows). A
 * worker that crashes fails the one object it held, with a SourceError naming the object, and is
 * replaced for the next. `close()` terminates every worker.
 *
 * @example
 * const parser = workerParser(os.availableParallelism(), { maxObjectBytes: 2 ** 31 });
 * try { batches = await Promise.all(objects.map((o) => parser.parse(bytesOf(o), o, start))); }
 * finally { await parser.close(); }
 */
export function workerParser(
  workers: number,
  limits: ParseLimits,
  workerUrl: URL = PARSE_WORKER_URL,
): ObjectParser {
  const slots: Slot[] = Array.from({ length: Math.max(1, workers) }, () => ({
    worker: undefined,
    job: undefined,
  }));
  const queue: Job[] = [];
  let nextId = 0;
  let closed = false;

  const settle = (slot: Slot, outcome: (job: Job) => void) => {
    const job = slot.job;
    slot.job = undefined;
    if (job) outcome(job);
  };

  const crashed = (slot: Slot, worker: Worker, what: string) => {
    if (slot.worker !== worker) return;
    slot.worker = undefined;
    settle(slot, (job) =>
      job.reject(new SourceError(`${job.request.object.key}: the parse worker ${what}`)),
    );
    if (!closed) void worker.terminate();
    dispatch();
  };

  const start = (slot: Slot): Worker => {
    const worker = new Worker(workerUrl);
    worker.on('message', (reply: ParseReply) => {
      settle(slot, (job) => {
        if (reply.ok) job.resolve(ObjectBatch.fromMessage(reply.batch));
        else
          job.reject(
            reply.name === 'DatabaseError'
              ? new DatabaseError(reply.message)
              : new SourceError(reply.message),
          );
      });
      dispatch();
    });
    worker.on('error', (error) => crashed(slot, worker, `failed: ${describeError(error)}`));
    worker.on('exit', (code) => crashed(slot, worker, `exited with status ${code}`));
    slot.worker = worker;
    return worker;
  };

  const dispatch = () => {
    for (const slot of slots) {
      if (closed || queue.length === 0) return;
      if (slot.job !== undefined) continue;
      const job = queue.shift();
      if (job === undefined) return;
      slot.job = job;
      const worker = slot.worker ?? start(slot);
      try {
        worker.postMessage(job.request, [job.request.bytes.buffer as ArrayBuffer]);
      } catch (error) {
        // Nothing was sent (e.g. a buffer that cannot be transferred): the object fails alone.
        settle(slot, (failed) =>
          failed.reject(
            new SourceError(
              `${failed.request.object.key}: could not be sent to a parse worker (${describeError(error)})`,
              { cause: error },
            ),
          ),
        );
      }
    }
  };

  return {
    parse(bytes, object, intervalStart) {
      if (closed) return Promise.reject(new Error('the parser is closed'));
      return new Promise<ObjectBatch>((resolve, reject) => {
        const request = { id: nextId++, bytes: ownBuffer(bytes), object, intervalStart, limits };
        queue.push({ request, resolve, reject });
        dispatch();
      });
    },
    async close() {
      closed = true;
      const stopped = new Error('the parser was closed before this object was parsed');
      for (const job of queue.splice(0)) job.reject(stopped);
      await Promise.all(
        slots.map(async (slot) => {
          const worker = slot.worker;
          slot.worker = undefined;
          settle(slot, (job) => job.reject(stopped));
          await worker?.terminate();
        }),
      );
    },
  };
}

/**
 * The parser for a number of workers: 0 parses in this thread (the single-threaded path); n ≥ 1
 * parses on n worker threads while this thread loads.
 *
 * @example
 * const parser = openParser(options.workers ?? os.availableParallelism(), { maxObjectBytes });
 */
export function openParser(workers: number, limits: ParseLimits): ObjectParser {
  return workers <= 0 ? threadParser(limits) : workerParser(workers, limits);
}
