import type { SourceLine } from './types.ts';

/**
 * Splitting an object's bytes into physical lines, as the rules need them: numbered from 1
 * (blank lines count), decoded as UTF-8, with a per-line verdict on whether the bytes were valid.
 *
 * Speed comes from decoding as much as possible at once: every input chunk is cut at its last
 * newline, and everything between the previous chunk's last newline and this one is decoded with
 * one fatal `TextDecoder` call and split as a string. A newline byte (0x0A) never occurs inside a
 * multi-byte UTF-8 sequence, so string lines are exactly byte lines, and a character split across
 * two chunks is never decoded in halves: the bytes after the last newline wait for the next chunk.
 * Only a region that holds invalid bytes is decoded again line by line, to find which lines.
 */

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 13;
const BYTE_ORDER_MARK = 0xfeff;

// ignoreBOM keeps U+FEFF wherever it is: otherwise every decode call would drop one at the start
// of its region, i.e. at arbitrary lines. The object's own leading BOM is removed explicitly.
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenientDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Decodes one line's bytes: valid UTF-8, or the text with U+FFFD and `validUtf8: false`. */
function decodeLine(bytes: Uint8Array): { text: string; validUtf8: boolean } {
  try {
    return { text: strictDecoder.decode(bytes), validUtf8: true };
  } catch {
    return { text: lenientDecoder.decode(bytes), validUtf8: false };
  }
}

function withoutCarriageReturn(text: string): string {
  return text.charCodeAt(text.length - 1) === CARRIAGE_RETURN ? text.slice(0, -1) : text;
}

function concat(pieces: readonly Uint8Array[], length: number): Uint8Array {
  const [only] = pieces;
  if (pieces.length === 1 && only !== undefined) return only;
  const joined = new Uint8Array(length);
  let at = 0;
  for (const piece of pieces) {
    joined.set(piece, at);
    at += piece.length;
  }
  return joined;
}

/**
 * True for a line that is not a record: empty, or only JSON whitespace (space, tab, carriage
 * return). Other characters, Unicode spaces included, make a record (which then fails to parse).
 *
 * @example
 * isBlank(' \t');  // true
 * isBlank('{}');   // false
 */
export function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code !== 32 && code !== 9 && code !== CARRIAGE_RETURN) return false;
  }
  return true;
}

/**
 * Splits a byte stream into physical lines: `\n` ends a line and a `\r` before it is dropped; a
 * last line without a final newline is included; a stream ending in `\n` has no empty line after
 * it. A UTF-8 byte order mark at the start of the stream is dropped.
 *
 * Lines are yielded in batches, one array per input chunk that completes at least one line (no
 * empty arrays), and the final partial line as a batch of its own. Blank lines are yielded too,
 * with their numbers: the caller skips them (see {@link isBlank}) so that line numbers stay
 * physical. A line's text is decoded with U+FFFD where its bytes are not valid UTF-8, and then
 * `validUtf8` is false.
 *
 * @example
 * for await (const batch of splitLines(openObjectStream(body, key))) { // openObjectStream: object-stream.ts
 *   for (const line of batch) if (!isBlank(line.text)) handle(evaluateLine(line));
 * }
 */
export async function* splitLines(chunks: AsyncIterable<Uint8Array>): AsyncIterable<SourceLine[]> {
  let number = 0;
  // Bytes of the line in progress (after the last newline seen), possibly over several chunks.
  let pending: Uint8Array[] = [];
  let pendingLength = 0;
  let atStart = true;

  const push = (batch: SourceLine[], text: string, validUtf8: boolean): void => {
    number++;
    if (atStart) {
      atStart = false;
      if (text.charCodeAt(0) === BYTE_ORDER_MARK) text = text.slice(1);
    }
    batch.push({ number, text: withoutCarriageReturn(text), validUtf8 });
  };

  for await (const chunk of chunks) {
    const last = chunk.lastIndexOf(NEWLINE);
    if (last < 0) {
      if (chunk.length > 0) {
        // Copied: a producer may reuse its buffer once we ask for the next chunk.
        pending.push(chunk.slice());
        pendingLength += chunk.length;
      }
      continue;
    }
    const batch: SourceLine[] = [];
    const first = chunk.indexOf(NEWLINE);

    // The line that started in earlier chunks (or simply the chunk's first line).
    const head = chunk.subarray(0, first);
    const headLine =
      pendingLength === 0 ? head : concat([...pending, head], pendingLength + head.length);
    const decodedHead = decodeLine(headLine);
    push(batch, decodedHead.text, decodedHead.validUtf8);

    // Complete lines between the first and the last newline of this chunk, decoded at once.
    if (last > first) {
      const region = chunk.subarray(first + 1, last);
      let text: string | undefined;
      try {
        text = strictDecoder.decode(region);
      } catch {
        text = undefined;
      }
      if (text !== undefined) {
        let start = 0;
        for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
          push(batch, text.slice(start, end), true);
          start = end + 1;
        }
        push(batch, text.slice(start), true);
      } else {
        let start = 0;
        for (;;) {
          const end = region.indexOf(NEWLINE, start);
          const decoded = decodeLine(region.subarray(start, end < 0 ? region.length : end));
          push(batch, decoded.text, decoded.validUtf8);
          if (end < 0) break;
          start = end + 1;
        }
      }
    }

    const tail = chunk.subarray(last + 1);
    pending = tail.length > 0 ? [tail.slice()] : [];
    pendingLength = tail.length;
    yield batch;
  }

  if (pendingLength > 0) {
    const batch: SourceLine[] = [];
    const decoded = decodeLine(concat(pending, pendingLength));
    push(batch, decoded.text, decoded.validUtf8);
    yield batch;
  }
}
