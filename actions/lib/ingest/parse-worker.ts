// A parse worker (see parse-pool.ts): parses one object at a time as its bytes arrive, and sends its
// pieces back with their columns transferred, one piece ahead of the loader; or the error's name
// and message.
import { parentPort } from 'node:worker_threads';
import { describeError } from '../errors.ts';
import { parsePieces } from './parse-object.ts';
import type { ParseReply, ParseRequest } from './parse-pool.ts';

const port = parentPort;
if (port === null) throw new Error('parse-worker.ts runs as a worker thread only');

/** The object being parsed: its bytes received and not yet taken, and who waits for what. */
interface Current {
  id: number;
  chunks: Uint8Array[];
  ended: boolean;
  /** Pieces the loader asked for and this worker has not sent yet. */
  asked: number;
  /**
   * Who waits: the parse for a piece to be asked for, and the body for a chunk, at once (gunzip
   * reads the body ahead of the parse).
   */
  waiting: (() => void)[];
}

let current: Current | undefined;

function wake(job: Current): void {
  for (const resolve of job.waiting.splice(0)) resolve();
}

async function waitFor(job: Current, ready: () => boolean): Promise<void> {
  while (!ready()) await new Promise<void>((resolve) => job.waiting.push(resolve));
}

/** The body as the loader sends it; each chunk taken is acknowledged, so that it sends another. */
async function* body(job: Current): AsyncGenerator<Uint8Array> {
  for (;;) {
    await waitFor(job, () => job.chunks.length > 0 || job.ended);
    const chunk = job.chunks.shift();
    if (chunk === undefined) return;
    port?.postMessage({ type: 'consumed', id: job.id } satisfies ParseReply);
    yield chunk;
  }
}

async function run(job: Current, request: Extract<ParseRequest, { type: 'start' }>) {
  try {
    const pieces = parsePieces(body(job), request.object, request.intervalStart, request.limits);
    for await (const piece of pieces) {
      const message = piece.toMessage();
      port?.postMessage(
        { type: 'piece', id: job.id, batch: message.message } satisfies ParseReply,
        message.transfer,
      );
      // The next piece is parsed once the loader took this one (it asks as it takes).
      await waitFor(job, () => job.asked > 0);
      job.asked--;
    }
    port?.postMessage({ type: 'done', id: job.id } satisfies ParseReply);
  } catch (error) {
    port?.postMessage({
      type: 'failed',
      id: job.id,
      name: error instanceof Error ? error.name : 'Error',
      message: describeError(error),
    } satisfies ParseReply);
  } finally {
    if (current === job) current = undefined;
  }
}

port.on('message', (request: ParseRequest) => {
  if (request.type === 'start') {
    current = { id: request.id, chunks: [], ended: false, asked: 0, waiting: [] };
    void run(current, request);
    return;
  }
  const job = current;
  if (job === undefined || job.id !== request.id) return;
  if (request.type === 'chunk') job.chunks.push(request.bytes);
  else if (request.type === 'end') job.ended = true;
  else job.asked++;
  wake(job);
});
