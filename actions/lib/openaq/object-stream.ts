import { pipeline } from 'node:stream';
import { createGunzip, gunzipSync } from 'node:zlib';
import { FreshetError, SourceError } from '../errors.ts';

/**
 * An object's body as plain bytes, whether it was stored gzipped or not.
 *
 * Gzip is recognised by its magic bytes (1f 8b), not by the name: the real-time bucket has
 * `.ndjson` and `.ndjson.gz` copies of each fetch, and a mirror may serve either under any name.
 * Plain NDJSON can never start with 1f 8b (0x8b is not a valid first byte of UTF-8 text).
 */

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
  const inflater = createGunzip();
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
 * with the gzip magic bytes. Errors from the body pass through unchanged.
 *
 * @throws SourceError naming `key` when the object is gzip but corrupt or truncated.
 * @example
 * for await (const batch of splitLines(openObjectStream(response.Body, key))) { … }
 */
export async function* openObjectStream(
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

/**
 * An object's whole body as plain bytes: gunzipped at once when it starts with the gzip magic bytes,
 * as it is otherwise. For a body already in memory this is what {@link openObjectStream} yields, in
 * one call instead of a stream's many small callbacks.
 *
 * @throws SourceError naming `key` when the object is gzip but corrupt or truncated.
 * @example
 * const text = new TextDecoder().decode(objectBytes(await source.read(object), object.key));
 */
export function objectBytes(body: Uint8Array, key: string): Uint8Array {
  if (body.length < 2 || body[0] !== GZIP_MAGIC_0 || body[1] !== GZIP_MAGIC_1) return body;
  try {
    return gunzipSync(body);
  } catch (error) {
    throw new SourceError(`${key}: corrupt or truncated gzip (${(error as Error).message})`, {
      cause: error,
    });
  }
}
