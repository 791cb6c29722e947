import { Worker } from 'node:worker_threads';
import { DatabaseError, describeError, SourceError } from '../errors.ts';
import { ObjectBatch, type ObjectBatchMessage } from '../toar/object-batch.ts';
import { type ParseLimits, type ParseObject, parsePieces } from './parse-object.ts';

/** The object a parse is about: its key (for messages), fetch time, and layout (see {@link ParseObject}). */
export type ParseTarget = ParseObject;

/** Turns an object's bytes into its batches: in this thread, or on worker threads. */
export interface ObjectParser {
  /**
   * gunzip → lines → rules → batches, as the bytes come (see {@link parsePieces}): the object's
   * pieces, at least one, in line order. The body is read only as fast as the pieces are taken,
   * and a piece is parsed ahead of the one taken at most. Iterating throws what the parse or the
   * body threw (a SourceError naming the object); stopping early abandons the object.
   */
  parse(
    body: AsyncIterable<Uint8Array>,
    object: ParseTarget,
    intervalStart: number,
  ): AsyncIterable<ObjectBatch>;
  /** Ends the workers (waiting for none of their jobs: those unfinished fail). */
  close(): Promise<void>;
}

/** What the loader's thread sends a parse worker (one job at a time, `id` names it). */
export type ParseRequest =
  | {
      type: 'start';
      id: number;
      object: ParseTarget;
      intervalStart: number;
      limits: ParseLimits;
    }
  /** Bytes of the object's body, in order. */
  | { type: 'chunk'; id: number; bytes: Uint8Array }
  /** The body ended. */
  | { type: 'end'; id: number }
  /** The loader took a piece: the worker may parse the next. */
  | { type: 'next'; id: number };

/** What a parse worker answers. */
export type ParseReply =
  /** A chunk was taken: the loader may send another. */
  | { type: 'consumed'; id: number }
  | { type: 'piece'; id: number; batch: ObjectBatchMessage }
  /** Every piece was sent. */
  | { type: 'done'; id: number }
  | { type: 'failed'; id: number; name: string; message: string };

/**
 * The worker entry next to this module: the TypeScript source when running from sources (the
 * command line, tests), the bundled `parse-worker.js` beside an action's `dist/index.js`.
 */
export const PARSE_WORKER_URL = new URL(
  import.meta.url.endsWith('.ts') ? './parse-worker.ts' : './parse-worker.js',
  import.meta.url,
);

/**
 * A parse worker's heap: it holds a piece (about 8 MiB) and the lines being parsed, a few MiB more.
 * Without limits, V8 sizes each worker's heap as the main thread's and collects garbage late: on
 * real fetches, two workers added about 400 MB of memory; with these, about 130 MB. A young
 * generation of 8 MiB rather than 16 took another 15–20 MB off the ingest's peak, as fast.
 */
const WORKER_HEAP = { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 };

/** Chunks of a body sent to a worker and not yet taken by it: the read runs this far ahead. */
const CHUNKS_IN_FLIGHT = 4;

/**
 * Parses in the calling thread: the single-threaded path (`workers: 0`).
 *
 * @example
 * const parser = threadParser({ maxObjectBytes: 2 ** 31 });
 * for await (const piece of parser.parse(source.read(object), object, interval.start)) stage(piece);
 */
export function threadParser(limits: ParseLimits): ObjectParser {
  return {
    parse: (body, object, intervalStart) => parsePieces(body, object, intervalStart, limits),
    close: async () => {},
  };
}

/** One object's parse on a worker, seen from the loader's thread. */
interface Job {
  id: number;
  object: ParseTarget;
  intervalStart: number;
  body: AsyncIterable<Uint8Array>;
  /** Pieces received and not yet taken. */
  pieces: ObjectBatch[];
  /** The worker sent every piece, or the job failed (`error`). */
  finished: boolean;
  error?: unknown;
  /** Chunks sent and not yet taken by the worker. */
  inFlight: number;
  /** Wakes whoever waits on the job: the consumer (a piece, the end) or the pump (a credit). */
  wake: (() => void)[];
  slot?: Slot;
}

interface Slot {
  worker: Worker | undefined;
  job: Job | undefined;
}

function wakeAll(job: Job): void {
  for (const wake of job.wake.splice(0)) wake();
}

function waitOn(job: Job): Promise<void> {
  return new Promise((resolve) => job.wake.push(resolve));
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
 * Parses on `workers` worker threads (started when first needed), each one object at a time. The
 * body streams to the worker a few chunks ahead of its parse (transferred, not copied), and the
 * pieces come back as transferred buffers, one ahead of the one the loader holds: whatever an
 * object's size, a worker holds a few chunks and two pieces of it. A worker that crashes fails
 * the one object it held, with a SourceError naming the object, and is replaced for the next; so
 * is one whose object was abandoned midway. `close()` terminates every worker.
 *
 * @example
 * const parser = workerParser(os.availableParallelism(), { maxObjectBytes: 2 ** 31 });
 * try { for await (const piece of parser.parse(source.read(object), object, start)) stage(piece); }
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

  /** Ends a job: its slot is free for the next, and whoever waits on it wakes. */
  const finish = (job: Job, error?: unknown) => {
    if (job.finished) return;
    job.finished = true;
    if (error !== undefined) job.error = error;
    const slot = job.slot;
    if (slot?.job === job) slot.job = undefined;
    wakeAll(job);
    dispatch();
  };

  /** Ends a worker that is mid-job (a crash, an abandoned object): the next job gets a new one. */
  const discard = (slot: Slot) => {
    const worker = slot.worker;
    slot.worker = undefined;
    if (worker !== undefined) void worker.terminate();
  };

  const crashed = (slot: Slot, worker: Worker, what: string) => {
    if (slot.worker !== worker) return;
    slot.worker = undefined;
    const job = slot.job;
    if (job !== undefined) {
      finish(job, new SourceError(`${job.object.key}: the parse worker ${what}`));
    }
    if (!closed) void worker.terminate();
    dispatch();
  };

  const onReply = (slot: Slot, reply: ParseReply) => {
    const job = slot.job;
    if (job === undefined || job.id !== reply.id) return;
    switch (reply.type) {
      case 'consumed':
        job.inFlight--;
        wakeAll(job);
        return;
      case 'piece':
        job.pieces.push(ObjectBatch.fromMessage(reply.batch));
        wakeAll(job);
        return;
      case 'done':
        finish(job);
        return;
      case 'failed':
        finish(
          job,
          reply.name === 'DatabaseError'
            ? new DatabaseError(reply.message)
            : new SourceError(reply.message),
        );
        return;
    }
  };

  const start = (slot: Slot): Worker => {
    const worker = new Worker(workerUrl, { resourceLimits: WORKER_HEAP });
    worker.on('message', (reply: ParseReply) => onReply(slot, reply));
    worker.on('error', (error) => crashed(slot, worker, `failed: ${describeError(error)}`));
    worker.on('exit', (code) => crashed(slot, worker, `exited with status ${code}`));
    slot.worker = worker;
    return worker;
  };

  /** Sends the job's body to its worker, never more than {@link CHUNKS_IN_FLIGHT} chunks ahead. */
  const pump = async (job: Job, worker: Worker) => {
    try {
      for await (const chunk of job.body) {
        while (job.inFlight >= CHUNKS_IN_FLIGHT && !job.finished) await waitOn(job);
        if (job.finished) return;
        const bytes = ownBuffer(chunk);
        job.inFlight++;
        worker.postMessage({ type: 'chunk', id: job.id, bytes } satisfies ParseRequest, [
          bytes.buffer as ArrayBuffer,
        ]);
      }
      if (!job.finished) worker.postMessage({ type: 'end', id: job.id } satisfies ParseRequest);
    } catch (error) {
      // The body failed (it throws SourceErrors naming the object): the object fails with it,
      // and the worker, left mid-object, is replaced.
      if (job.finished) return;
      if (job.slot !== undefined) discard(job.slot);
      finish(job, error);
    }
  };

  const dispatch = () => {
    for (const slot of slots) {
      if (closed || queue.length === 0) return;
      if (slot.job !== undefined) continue;
      const job = queue.shift();
      if (job === undefined) return;
      slot.job = job;
      job.slot = slot;
      const worker = slot.worker ?? start(slot);
      worker.postMessage({
        type: 'start',
        id: job.id,
        object: job.object,
        intervalStart: job.intervalStart,
        limits,
      } satisfies ParseRequest);
      void pump(job, worker);
    }
  };

  async function* parse(
    body: AsyncIterable<Uint8Array>,
    object: ParseTarget,
    intervalStart: number,
  ): AsyncGenerator<ObjectBatch> {
    if (closed) throw new Error('the parser is closed');
    const job: Job = {
      id: nextId++,
      object,
      intervalStart,
      body,
      pieces: [],
      finished: false,
      inFlight: 0,
      wake: [],
    };
    queue.push(job);
    dispatch();
    try {
      for (;;) {
        const piece = job.pieces.shift();
        if (piece !== undefined) {
          // Taking a piece lets the worker parse the next one while this one is used.
          if (!job.finished) {
            job.slot?.worker?.postMessage({ type: 'next', id: job.id } satisfies ParseRequest);
          }
          yield piece;
          continue;
        }
        if (job.error !== undefined) throw job.error;
        if (job.finished) return;
        await waitOn(job);
      }
    } finally {
      if (!job.finished) {
        // Abandoned midway (the consumer stopped early): its worker, if it had one, is replaced.
        const queued = queue.indexOf(job);
        if (queued >= 0) queue.splice(queued, 1);
        if (job.slot !== undefined) discard(job.slot);
        finish(job, new Error(`${object.key}: abandoned`));
      }
    }
  }

  return {
    parse,
    async close() {
      closed = true;
      const stopped = new Error('the parser was closed before this object was parsed');
      for (const job of queue.splice(0)) finish(job, stopped);
      await Promise.all(
        slots.map(async (slot) => {
          const worker = slot.worker;
          slot.worker = undefined;
          if (slot.job !== undefined) finish(slot.job, stopped);
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
