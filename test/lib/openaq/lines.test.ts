import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isBlank,
  KEPT_LINE_BYTES,
  MAX_LINE_BYTES,
  splitLines,
} from '../../../actions/lib/openaq/lines.ts';
import type { SourceLine } from '../../../actions/lib/openaq/types.ts';

const encoder = new TextEncoder();

function bytes(...parts: (string | readonly number[])[]): Uint8Array {
  const arrays = parts.map((p) => (typeof p === 'string' ? encoder.encode(p) : Uint8Array.from(p)));
  const joined = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    joined.set(a, at);
    at += a.length;
  }
  return joined;
}

/** The buffer cut at the given offsets, as an async stream of chunks. */
async function* chunked(
  buffer: Uint8Array,
  cuts: readonly number[] = [],
): AsyncGenerator<Uint8Array> {
  let start = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    yield buffer.slice(start, cut);
    start = cut;
  }
  yield buffer.slice(start);
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<SourceLine[][]> {
  const batches: SourceLine[][] = [];
  for await (const batch of splitLines(chunks)) batches.push(batch);
  return batches;
}

async function lines(buffer: Uint8Array, cuts: readonly number[] = []): Promise<SourceLine[]> {
  return (await collect(chunked(buffer, cuts))).flat();
}

/**
 * An independent oracle: split the whole buffer on 0x0A byte by byte, drop one trailing \r,
 * decode each line on its own.
 */
function expectedLines(buffer: Uint8Array): SourceLine[] {
  const result: SourceLine[] = [];
  let start = 0;
  const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const lenient = new TextDecoder('utf-8', { ignoreBOM: true });
  const bom = buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? 3 : 0;
  for (let i = 0; i <= buffer.length; i++) {
    if (i < buffer.length && buffer[i] !== 0x0a) continue;
    if (i === buffer.length && start === buffer.length) break;
    let end = i;
    if (end > start && buffer[end - 1] === 0x0d) end--;
    const piece = buffer.subarray(result.length === 0 ? Math.max(start, bom) : start, end);
    let text: string;
    let validUtf8 = true;
    try {
      text = fatal.decode(piece);
    } catch {
      text = lenient.decode(piece);
      validUtf8 = false;
    }
    result.push({ number: result.length + 1, text, validUtf8 });
    start = i + 1;
  }
  return result;
}

describe('splitLines', () => {
  it('numbers physical lines from 1, blank lines included, and keeps a last line without newline', async () => {
    expect(await lines(bytes('{"a":1}\n\n  \n{"b":2}'))).toEqual([
      { number: 1, text: '{"a":1}', validUtf8: true },
      { number: 2, text: '', validUtf8: true },
      { number: 3, text: '  ', validUtf8: true },
      { number: 4, text: '{"b":2}', validUtf8: true },
    ]);
  });

  it('adds no empty line after a final newline, but keeps an empty line before it', async () => {
    expect((await lines(bytes('a\n'))).map((l) => l.text)).toEqual(['a']);
    expect((await lines(bytes('a\n\n'))).map((l) => l.text)).toEqual(['a', '']);
  });

  it('yields nothing for an empty stream', async () => {
    expect(await collect(chunked(new Uint8Array(0)))).toEqual([]);
  });

  it('drops the \\r of CRLF line ends, also when \\r and \\n arrive in different chunks', async () => {
    const buffer = bytes('a\r\nb\r\nc\r');
    expect((await lines(buffer)).map((l) => l.text)).toEqual(['a', 'b', 'c']);
    expect((await lines(buffer, [2, 5])).map((l) => l.text)).toEqual(['a', 'b', 'c']);
  });

  it('keeps a \\r that is not at the end of a line', async () => {
    expect((await lines(bytes('a\rb\r\r\n'))).map((l) => l.text)).toEqual(['a\rb\r']);
  });

  it('marks only the lines with invalid UTF-8, decoding them with U+FFFD', async () => {
    const buffer = bytes('{"ok":1}\n', [0x7b, 0xff, 0x7d], '\n{"ok":"é"}\n', [0xc3], '\n');
    expect(await lines(buffer)).toEqual([
      { number: 1, text: '{"ok":1}', validUtf8: true },
      { number: 2, text: '{\uFFFD}', validUtf8: false },
      { number: 3, text: '{"ok":"é"}', validUtf8: true },
      { number: 4, text: '\uFFFD', validUtf8: false },
    ]);
  });

  it.each([
    ['overlong encoding of "/"', [0xc0, 0xaf]],
    ['a UTF-16 surrogate encoded in UTF-8', [0xed, 0xa0, 0x80]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['a lone continuation byte', [0x80]],
    ['a truncated sequence before the newline', [0xe2, 0x82]],
  ])('rejects %s as invalid UTF-8', async (_what, invalid) => {
    const [line] = await lines(bytes('"', invalid, '"\nnext'));
    expect(line?.validUtf8).toBe(false);
  });

  it('decodes a character split across chunks, at every possible cut', async () => {
    const buffer = bytes('{"unit":"µg/m³","city":"Zürich 😀 €"}\n{"x":"μ"}');
    const expected = [
      { number: 1, text: '{"unit":"µg/m³","city":"Zürich 😀 €"}', validUtf8: true },
      { number: 2, text: '{"x":"μ"}', validUtf8: true },
    ];
    for (let cut = 0; cut <= buffer.length; cut++) {
      expect(await lines(buffer, [cut])).toEqual(expected);
    }
  });

  it('gives a line over 1 MiB as its first 4 KB and its length, whatever the chunks', async () => {
    const long = 'é'.repeat(MAX_LINE_BYTES / 2 + 1); // 2 bytes a character: 2 bytes too long
    const buffer = bytes('{"a":1}\n', long, '\n', 'x'.repeat(MAX_LINE_BYTES), '\nlast');
    const kept = 'é'.repeat(KEPT_LINE_BYTES / 2);
    const expected = [
      { number: 1, text: '{"a":1}', validUtf8: true },
      { number: 2, text: kept, validUtf8: true, overLength: MAX_LINE_BYTES + 2 },
      { number: 3, text: 'x'.repeat(MAX_LINE_BYTES), validUtf8: true },
      { number: 4, text: 'last', validUtf8: true },
    ];
    expect(await lines(buffer)).toEqual(expected);
    const cuts = Array.from({ length: 40 }, (_, i) => 3 + i * 77_777);
    expect(await lines(buffer, cuts)).toEqual(expected);
  });

  it('ends a stream that is one line of many megabytes, holding only its first bytes', async () => {
    async function* zeros(): AsyncGenerator<Uint8Array> {
      const chunk = new Uint8Array(1024 * 1024);
      for (let i = 0; i < 64; i++) yield chunk;
    }
    const result: SourceLine[] = [];
    for await (const batch of splitLines(zeros())) result.push(...batch);
    expect(result).toHaveLength(1);
    expect(result[0]?.overLength).toBe(64 * 1024 * 1024);
    expect(result[0]?.text).toHaveLength(KEPT_LINE_BYTES);
  });

  it('joins a long line that spans many chunks without a newline', async () => {
    const text = `{"location":"${'ä'.repeat(5000)}"}`;
    const buffer = bytes(text, '\nlast');
    const cuts = Array.from({ length: 100 }, (_, i) => i * 101 + 1);
    expect(await lines(buffer, cuts)).toEqual([
      { number: 1, text, validUtf8: true },
      { number: 2, text: 'last', validUtf8: true },
    ]);
  });

  it('does not keep references to chunks a producer may reuse', async () => {
    const reused = new Uint8Array(8);
    async function* producer(): AsyncGenerator<Uint8Array> {
      for (const piece of ['ab', 'cd\nef', 'gh']) {
        reused.fill(0);
        reused.set(encoder.encode(piece));
        yield reused.subarray(0, piece.length);
      }
    }
    expect((await collect(producer())).flat().map((l) => l.text)).toEqual(['abcd', 'efgh']);
  });

  it('yields one batch per chunk that completes a line, and the unterminated last line apart', async () => {
    const batches = await collect(chunked(bytes('a\nb\nc\nd'), [2, 3, 4]));
    expect(batches.map((b) => b.map((l) => l.text))).toEqual([['a'], ['b'], ['c'], ['d']]);
    const whole = await collect(chunked(bytes('a\nb\nc\nd')));
    expect(whole.map((b) => b.map((l) => l.text))).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('drops a byte order mark at the start of the object only', async () => {
    const buffer = bytes([0xef, 0xbb, 0xbf], '{"a":1}\n', [0xef, 0xbb, 0xbf], '{"b":2}');
    expect((await lines(buffer, [1])).map((l) => l.text)).toEqual(['{"a":1}', '\uFEFF{"b":2}']);
  });

  it('gives the same lines however the stream is cut (random bytes, text, CRLF, invalid UTF-8)', async () => {
    const piece = fc.oneof(
      fc.constantFrom('\n', '\r\n', '\r', ' ', '{"a":1}', 'µg/m³', 'μ', '😀', '€', '\uFEFF'),
      fc.string({ unit: 'grapheme', maxLength: 8 }),
      fc.constantFrom([0xff], [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0x80], [0xc0, 0xaf]),
      fc.uint8Array({ maxLength: 6 }).map((a) => Array.from(a)),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(piece, { maxLength: 40 }).chain((parts) => {
          const buffer = bytes(...parts);
          return fc.tuple(
            fc.constant(buffer),
            fc.array(fc.integer({ min: 0, max: buffer.length }), { maxLength: 12 }),
          );
        }),
        async ([buffer, cuts]) => {
          expect(await lines(buffer, cuts)).toEqual(expectedLines(buffer));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('isBlank', () => {
  it.each(['', ' ', '\t', ' \t \r'])('treats %j as blank', (text) => {
    expect(isBlank(text)).toBe(true);
  });

  it.each(['{}', ' x ', '\u00a0', '\u2003', '\uFEFF', '\uFFFD', '\f'])(
    'treats %j as a record',
    (text) => {
      expect(isBlank(text)).toBe(false);
    },
  );
});
