// Reading a static asset's body whose length the deployment recorded. Web-standard (streams).

/** The body held another number of bytes than recorded; the message says how many. */
export class BodyLengthError extends Error {
  override name = 'BodyLengthError';
}

/**
 * Reads a response's body, which should hold `size` bytes, into one ArrayBuffer of that size. A
 * byte stream is read with BYOB reads into the buffer itself: as large as what is left, they take
 * the body in large pieces (64 KiB in workerd, where `arrayBuffer()` reads it in pieces of 4 KiB;
 * through Miniflare's static assets that costs about 1.5 ms of CPU a MB against 2.1), and nothing
 * is copied once read. Any other stream is read whole.
 *
 * @throws BodyLengthError saying how many bytes the body held when that is not `size` (and
 *   whatever reading the body throws)
 * @example const bytes = await readBodyOfSize(await env.ASSETS.fetch(url), entry.forest.size);
 */
export async function readBodyOfSize(response: Response, size: number): Promise<ArrayBuffer> {
  let reader: ReadableStreamBYOBReader | undefined;
  try {
    reader = response.body?.getReader({ mode: 'byob' });
  } catch {
    // Not a byte stream (a TypeError, and the body is left unread).
  }
  if (reader === undefined) {
    const bytes = await response.arrayBuffer();
    if (bytes.byteLength !== size) {
      throw new BodyLengthError(`${bytes.byteLength} bytes, expected ${size}`);
    }
    return bytes;
  }
  let buffer = new ArrayBuffer(size);
  let filled = 0;
  while (filled < size) {
    const { done, value } = await reader.read(new Uint8Array(buffer, filled));
    // A BYOB read hands the buffer back (transferred) with what it wrote.
    if (value !== undefined) buffer = value.buffer as ArrayBuffer;
    if (done) throw new BodyLengthError(`${filled} bytes, expected ${size}`);
    filled += value.byteLength;
  }
  // The body must end here: one more byte means it is longer than recorded.
  if (!(await reader.read(new Uint8Array(1))).done) {
    await reader.cancel();
    throw new BodyLengthError(`more than ${size} bytes, expected ${size}`);
  }
  return buffer;
}
