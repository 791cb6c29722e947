import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SourceError } from '../../../actions/lib/errors.ts';
import { objectBytes, openObjectStream } from '../../../actions/lib/openaq/object-stream.ts';

const KEY = 'realtime-gzipped/2018-06-07/1528329600.ndjson.gz';
const TEXT = `${Array.from({ length: 2000 }, (_, i) => `{"line":${i},"unit":"µg/m³"}`).join('\n')}\n`;
const PLAIN = new TextEncoder().encode(TEXT);
const GZIP = new Uint8Array(gzipSync(PLAIN));

/** The buffer as a body of chunks of at most `size` bytes. */
async function* body(buffer: Uint8Array, size = 1024): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < buffer.length; at += size) yield buffer.slice(at, at + size);
}

async function read(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return new Uint8Array(Buffer.concat(parts));
}

async function failure(chunks: AsyncIterable<Uint8Array>): Promise<unknown> {
  try {
    await read(chunks);
  } catch (error) {
    return error;
  }
  throw new Error('expected the stream to fail');
}

describe('openObjectStream', () => {
  it('passes a plain object through unchanged', async () => {
    expect(await read(openObjectStream(body(PLAIN), 'x/1528329600.ndjson'))).toEqual(PLAIN);
  });

  it('gunzips a gzip object', async () => {
    expect(await read(openObjectStream(body(GZIP), KEY))).toEqual(PLAIN);
  });

  it('recognises gzip by its magic bytes, whatever the name, even when they arrive one by one', async () => {
    expect(await read(openObjectStream(body(GZIP, 1), 'x/1528329600.ndjson'))).toEqual(PLAIN);
  });

  it('does not gunzip a plain object named .gz', async () => {
    expect(await read(openObjectStream(body(PLAIN), KEY))).toEqual(PLAIN);
  });

  it('yields nothing for an empty body, and a lone byte as is', async () => {
    expect(await read(openObjectStream(body(new Uint8Array(0)), KEY))).toEqual(new Uint8Array(0));
    const lone = Uint8Array.of(0x1f);
    expect(await read(openObjectStream(body(lone), KEY))).toEqual(lone);
  });

  it('fails with a SourceError naming the key on a corrupt gzip', async () => {
    const corrupt = GZIP.slice();
    corrupt.fill(0xff, 10, 60);
    const error = await failure(openObjectStream(body(corrupt), KEY));
    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message).toContain(KEY);
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it('fails with a SourceError naming the key on a truncated gzip', async () => {
    const truncated = GZIP.slice(0, GZIP.length - 100);
    const error = await failure(openObjectStream(body(truncated), KEY));
    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message).toContain(KEY);
    expect((error as Error).message).toMatch(/truncated/);
  });

  it('fails on a gzip that loses only its trailer (checksum and length)', async () => {
    const error = await failure(openObjectStream(body(GZIP.slice(0, GZIP.length - 4)), KEY));
    expect(error).toBeInstanceOf(SourceError);
  });

  it.each([
    ['plain', PLAIN],
    ['gzip', GZIP],
  ])('lets the body’s own errors through unchanged (%s)', async (_what, buffer) => {
    const broken = new Error('connection reset');
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield buffer.slice(0, 3000);
      throw broken;
    }
    expect(await failure(openObjectStream(failing(), KEY))).toBe(broken);
  });

  it.each([
    ['plain', PLAIN],
    ['gzip', GZIP],
  ])('releases the body when the reader stops early (%s)', async (_what, buffer) => {
    let released = false;
    async function* tracked(): AsyncGenerator<Uint8Array> {
      try {
        yield* body(buffer, 256);
      } finally {
        released = true;
      }
    }
    for await (const _chunk of openObjectStream(tracked(), KEY)) break;
    // The gzip path releases the body through stream teardown, a tick later.
    await new Promise((resolve) => setImmediate(resolve));
    expect(released).toBe(true);
  });
});

describe('objectBytes', () => {
  it('gunzips a gzip body and passes any other body through, as openObjectStream does', async () => {
    expect(new Uint8Array(objectBytes(GZIP, KEY))).toEqual(PLAIN);
    expect(objectBytes(PLAIN, KEY)).toBe(PLAIN);
    const lone = new Uint8Array([0x1f]);
    expect(objectBytes(lone, KEY)).toBe(lone);
    const twoMembers = new Uint8Array(Buffer.concat([GZIP, GZIP]));
    expect(new Uint8Array(objectBytes(twoMembers, KEY))).toEqual(
      await read(openObjectStream(body(twoMembers), KEY)),
    );
  });

  it('names the object when the gzip is truncated or corrupt, with the message the stream gives', async () => {
    const truncated = GZIP.slice(0, GZIP.length >> 1);
    const corrupt = GZIP.slice();
    corrupt.fill(0x41, 20, 200);
    for (const broken of [truncated, corrupt]) {
      let error: unknown;
      try {
        objectBytes(broken, KEY);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(SourceError);
      expect((error as Error).message).toBe(
        ((await failure(openObjectStream(body(broken), KEY))) as Error).message,
      );
    }
  });
});
