// A source's streamed body, whole: what the tests compare.
import { concatBytes } from '../../actions/lib/util/bytes.ts';

/** Every chunk of `body`, joined. */
export async function bytesOf(body: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    length += chunk.length;
  }
  return concatBytes(chunks, length);
}

/** `bytes` as a body of one chunk. */
export async function* bodyOf(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}
