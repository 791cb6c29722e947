// Reading a forest file's body against the length the deployment recorded: byte streams (as
// workerd's static assets answer) by BYOB reads, other streams whole; a body of any other length
// is refused, saying how long it was.
import { describe, expect, it } from 'vitest';
import { BodyLengthError, readBodyOfSize } from '../../edge-serve/src/read-body.ts';

const bytes = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 7) % 251);

/** A body of byte chunks: a byte stream (BYOB reads), or a default one. */
function body(chunks: readonly Uint8Array[], type?: 'bytes'): Response {
  const queue = chunks.map((chunk) => chunk.slice());
  if (type === undefined) {
    return new Response(
      new ReadableStream<Uint8Array>({
        pull: (controller) => {
          const chunk = queue.shift();
          if (chunk === undefined) controller.close();
          else controller.enqueue(chunk);
        },
      }),
    );
  }
  return new Response(
    new ReadableStream({
      type,
      pull: (controller) => {
        const chunk = queue.shift();
        if (chunk !== undefined) return controller.enqueue(chunk);
        controller.close();
        // A byte stream closed under a pending BYOB read must answer it (with 0 bytes).
        controller.byobRequest?.respond(0);
      },
    }),
  );
}

/** The message of the BodyLengthError a read rejects with. */
async function refusal(reading: Promise<ArrayBuffer>): Promise<string> {
  const error = await reading.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(BodyLengthError);
  return error instanceof Error ? error.message : '';
}

const pieces = [bytes.subarray(0, 65_536), bytes.subarray(65_536, 70_000), bytes.subarray(70_000)];

describe('readBodyOfSize', () => {
  it('reads a byte stream of the recorded length into one buffer', async () => {
    const read = await readBodyOfSize(body(pieces, 'bytes'), bytes.length);
    expect(read.byteLength).toBe(bytes.length);
    expect(new Uint8Array(read)).toEqual(bytes);
    expect(new Uint8Array(await readBodyOfSize(new Response(bytes), bytes.length))).toEqual(bytes);
  });

  it('reads any other stream whole', async () => {
    expect(new Uint8Array(await readBodyOfSize(body(pieces), bytes.length))).toEqual(bytes);
  });

  it('refuses a body shorter or longer than recorded, either kind of stream', async () => {
    for (const type of ['bytes', undefined] as const) {
      expect(await refusal(readBodyOfSize(body(pieces, type), bytes.length + 1))).toBe(
        '200000 bytes, expected 200001',
      );
      expect(await refusal(readBodyOfSize(body(pieces, type), bytes.length - 1))).toBe(
        type === 'bytes'
          ? 'more than 199999 bytes, expected 199999'
          : '200000 bytes, expected 199999',
      );
    }
  });

  it('reads an empty body as an empty buffer', async () => {
    expect((await readBodyOfSize(new Response(null), 0)).byteLength).toBe(0);
    expect((await readBodyOfSize(new Response(new Uint8Array(0)), 0)).byteLength).toBe(0);
    expect(await refusal(readBodyOfSize(new Response(null), 5))).toBe('0 bytes, expected 5');
  });
});
