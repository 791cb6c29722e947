import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { FreshetError, SourceError } from '../errors.ts';

/**
 * An object's body as plain bytes, whether it was stored gzipped or not.
 *
 * Gzip is recognised by its magic bytes (1f 8b), not by the name: the real-time bucket has
 * `.ndjson` and `.ndjson.gz` copies of each fetch, and a mirror may serve either under any name.
 * Plain NDJSON can never start with 1f 8b (0x8b is not a valid first byte of UTF-8 text).
 */

/** What an object may grow to once decompressed, and the setting that says so (for the message). */
export interface ObjectSizeLimit {
  maxBytes: number;
  /** The setting's name, e.g. `max-object-bytes`. */
  setting: string;
}

/**
 * zlib's output chunk: large enough that the line splitter's per-chunk work stays small next to the
 * decoding, small enough that nothing but a few of them is in memory at once.
 */
const INFLATE_CHUNK_BYTES = 256 * 1024;

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

/** Re-yields the bytes already read to sniff the format, then the rest of the body. */
async function* replay(
  head: readonly Uint8Array[],
  rest: AsyncIterator<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  try {
    yield* head;
    for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
  } finally {
    // Stopping early (a consumer that breaks, a gunzip error) releases the body, e.g. its socket.
    await rest.return?.();
  }
}

async function* gunzip(source: AsyncIterable<Uint8Array>, key: string): AsyncGenerator<Uint8Array> {
  let sourceFailed = false;
  async function* watched(): AsyncGenerator<Uint8Array> {
    try {
      yield* source;
    } catch (error) {
      sourceFailed = true;
      throw error;
    }
  }
  const inflater = createGunzip({ chunkSize: INFLATE_CHUNK_BYTES });
  // pipeline() destroys both ends on any error and ends the inflater when the body ends, which
  // is when zlib notices a truncated member ("unexpected end of file").
  pipeline(watched(), inflater, () => {});
  try {
    for await (const chunk of inflater) yield chunk as Uint8Array;
  } catch (error) {
    // The body's own failures are reported by whoever provides the body; zlib's are ours.
    if (sourceFailed || error instanceof FreshetError) throw error;
    throw new SourceError(`${key}: corrupt or truncated gzip (${(error as Error).message})`, {
      cause: error,
    });
  }
}

/**
 * The bytes of an object: its body as is, or gunzipped (streaming, with node:zlib) when it starts
 * with the gzip magic bytes. Errors from the body pass through unchanged. With a `limit`, the
 * bytes are counted as they come and the object fails once they pass it: a gzip bomb is inflated
 * only that far, a chunk at a time, and never held whole.
 *
 * @throws SourceError naming `key` when the object is gzip but corrupt or truncated, or when it
 *   is larger than `limit.maxBytes` (the message names `limit.setting`).
 * @example
 * for await (const batch of splitLines(openObjectStream(response.Body, key))) { … }
 */
export async function* openObjectStream(
  body: AsyncIterable<Uint8Array>,
  key: string,
  limit?: ObjectSizeLimit,
): AsyncIterable<Uint8Array> {
  const bytes = decompressed(body, key);
  if (limit === undefined) {
    yield* bytes;
    return;
  }
  let total = 0;
  for await (const chunk of bytes) {
    total += chunk.length;
    if (total > limit.maxBytes) {
      throw new SourceError(
        `${key}: larger than ${limit.maxBytes} bytes once decompressed (the limit set by ${limit.setting})`,
      );
    }
    yield chunk;
  }
}

async function* decompressed(
  body: AsyncIterable<Uint8Array>,
  key: string,
): AsyncIterable<Uint8Array> {
  const iterator = body[Symbol.asyncIterator]();
  // Read until two bytes are known (a first chunk may be a single byte) or the body ends.
  const head: Uint8Array[] = [];
  let headLength = 0;
  let ended = false;
  while (headLength < 2) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    if (next.value.length === 0) continue;
    head.push(next.value);
    headLength += next.value.length;
  }
  // Empty chunks are not kept: no first chunk means an empty body.
  const first = head[0];
  if (first === undefined) return;
  const second = first.length > 1 ? first[1] : head[1]?.[0];
  const bytes = ended ? replayEnded(head) : replay(head, iterator);
  if (first[0] === GZIP_MAGIC_0 && second === GZIP_MAGIC_1) yield* gunzip(bytes, key);
  else yield* bytes;
}

/** The whole body was read while sniffing. */
async function* replayEnded(chunks: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  yield* chunks;
}
