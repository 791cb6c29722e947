import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SourceError } from '../../../actions/lib/errors.ts';
import { openObjectStream } from '../../../actions/lib/openaq/object-stream.ts';

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

describe('openObjectStream with a size limit', () => {
  const limit = (maxBytes: number) => ({ maxBytes, setting: 'max-object-bytes' });

  it('yields an object of exactly the limit, plain or gzip', async () => {
    expect(await read(openObjectStream(body(PLAIN), KEY, limit(PLAIN.length)))).toEqual(PLAIN);
    expect(await read(openObjectStream(body(GZIP), KEY, limit(PLAIN.length)))).toEqual(PLAIN);
  });

  it('fails an object one byte over the limit, naming the key and the setting, plain or gzip', async () => {
    for (const stored of [PLAIN, GZIP]) {
      const error = await failure(openObjectStream(body(stored), KEY, limit(PLAIN.length - 1)));
      expect(error).toBeInstanceOf(SourceError);
      expect((error as Error).message).toBe(
        `${KEY}: larger than ${PLAIN.length - 1} bytes once decompressed (the limit set by max-object-bytes)`,
      );
    }
  });

  it('stops inflating a gzip bomb at the limit instead of inflating it whole', async () => {
    // 256 MiB of zeros in about 256 KB; the limit is 1 MiB: only a few chunks are inflated.
    const bomb = new Uint8Array(gzipSync(new Uint8Array(256 * 1024 * 1024), { level: 1 }));
    let inflated = 0;
    async function* counted(): AsyncGenerator<Uint8Array> {
      for await (const chunk of openObjectStream(body(bomb, 65_536), KEY)) {
        inflated += chunk.length;
        yield chunk;
      }
    }
    let total = 0;
    const error = await (async () => {
      try {
        for await (const chunk of counted()) {
          total += chunk.length;
          if (total > 1024 * 1024) throw new SourceError('over');
        }
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(SourceError);
    expect(inflated).toBeLessThan(8 * 1024 * 1024);
    const limited = await failure(openObjectStream(body(bomb, 65_536), KEY, limit(1024 * 1024)));
    expect((limited as Error).message).toMatch(/max-object-bytes/);
  });
});
