import { concatBytes } from '../util/bytes.ts';
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

/** The longest line the rules read (DESIGN.md: 1 MiB, line ending excluded); longer: `line-too-long`. */
export const MAX_LINE_BYTES = 1_048_576;

/** How much of a line that is too long is kept, for the rejection's raw text (DESIGN.md: 4 KB). */
export const KEPT_LINE_BYTES = 4096;

/**
 * Input chunks are split in slices of at most this many bytes (views, not copies): a region decoded
 * at once is then always shorter than {@link MAX_LINE_BYTES}, so only a line spread over several
 * slices can be too long, and the decoder never makes one huge string of a huge body.
 *
 * Small enough that a region's string (up to twice its bytes: two per character once one is past
 * U+00FF) is still in the processor's cache when its lines are parsed, and is an ordinary young
 * object rather than a large one: on 20 real fetch objects, 32 KiB took the parse workers' time
 * from 5.3–5.5 s to 4.6–4.7 s against 256 KiB (8 and 16 KiB did no better).
 */
const SLICE_BYTES = 32 * 1024;
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
 * Lines are yielded in batches, one array per slice of an input chunk (at most 32 KiB) that
 * completes at least one line (no empty arrays), and the final partial line as a batch of its own.
 * A line longer than `maxLineBytes` (default {@link MAX_LINE_BYTES}) is never held whole: its first
 * {@link KEPT_LINE_BYTES} are kept as its `text`, the rest is only counted, and it comes with
 * `overLength` (its length in bytes), for the caller to reject as `line-too-long`. Blank lines are yielded too,
 * with their numbers: the caller skips them (see {@link isBlank}) so that line numbers stay
 * physical. A line's text is decoded with U+FFFD where its bytes are not valid UTF-8, and then
 * `validUtf8` is false.
 *
 * @example
 * for await (const batch of splitLines(openObjectStream(body, key))) { // openObjectStream: object-stream.ts
 *   for (const line of batch) if (!isBlank(line.text)) handle(evaluateLine(line));
 * }
 */
export async function* splitLines(
  chunks: AsyncIterable<Uint8Array>,
  maxLineBytes: number = MAX_LINE_BYTES,
): AsyncIterable<SourceLine[]> {
  let number = 0;
  // Bytes of the line in progress (after the last newline seen), possibly over several chunks;
  // at most maxLineBytes of them: past that, only its first KEPT_LINE_BYTES stay in `pending`.
  let pending: Uint8Array[] = [];
  let pendingLength = 0;
  /** The length of the line in progress once it is known to be too long, else -1. */
  let overLength = -1;
  let atStart = true;

  const push = (batch: SourceLine[], text: string, validUtf8: boolean): void => {
    number++;
    if (atStart) {
      atStart = false;
      if (text.charCodeAt(0) === BYTE_ORDER_MARK) text = text.slice(1);
    }
    batch.push({ number, text: withoutCarriageReturn(text), validUtf8 });
  };

  // A too-long line: its first bytes (cut at a character boundary), and its length.
  const pushTooLong = (batch: SourceLine[], kept: Uint8Array, length: number): void => {
    number++;
    atStart = false;
    const decoded = decodeLine(kept.subarray(0, characterBoundary(kept, KEPT_LINE_BYTES)));
    batch.push({ number, text: decoded.text, validUtf8: decoded.validUtf8, overLength: length });
  };

  // Adds bytes (without a newline) to the line in progress, keeping no more than the cap allows.
  const extend = (bytes: Uint8Array): void => {
    if (bytes.length === 0) return;
    if (overLength >= 0) {
      overLength += bytes.length;
      return;
    }
    if (pendingLength + bytes.length > maxLineBytes) {
      const start = bytes.subarray(0, KEPT_LINE_BYTES);
      const kept = concatBytes([...pending, start], pendingLength + start.length).slice(
        0,
        KEPT_LINE_BYTES,
      );
      overLength = pendingLength + bytes.length;
      pending = [kept];
      pendingLength = kept.length;
      return;
    }
    // Copied: a producer may reuse its buffer once we ask for the next chunk.
    pending.push(bytes.slice());
    pendingLength += bytes.length;
  };

  // Ends the line in progress with `head` (the bytes before its newline).
  const finishPending = (batch: SourceLine[], head: Uint8Array): void => {
    extend(head);
    if (overLength >= 0) {
      pushTooLong(batch, concatBytes(pending, pendingLength), overLength);
    } else {
      const line = pendingLength === 0 ? new Uint8Array(0) : concatBytes(pending, pendingLength);
      const decoded = decodeLine(line);
      push(batch, decoded.text, decoded.validUtf8);
    }
    pending = [];
    pendingLength = 0;
    overLength = -1;
  };

  for await (const input of chunks) {
    for (let offset = 0; offset < input.length; offset += SLICE_BYTES) {
      const batch: SourceLine[] = [];
      const chunk = input.subarray(offset, Math.min(input.length, offset + SLICE_BYTES));
      const last = chunk.lastIndexOf(NEWLINE);
      if (last < 0) {
        extend(chunk);
        continue;
      }
      const first = chunk.indexOf(NEWLINE);

      // The line that started in earlier chunks (or simply the chunk's first line).
      const head = chunk.subarray(0, first);
      if (pendingLength === 0 && overLength < 0) {
        const decodedHead = decodeLine(head);
        push(batch, decodedHead.text, decodedHead.validUtf8);
      } else {
        finishPending(batch, head);
      }

      // Complete lines between the first and the last newline of this slice, decoded at once
      // (a slice is shorter than a line may be: none of them is too long).
      if (last > first) pushRegion(batch, chunk.subarray(first + 1, last), push);

      extend(chunk.subarray(last + 1));
      // Yielded slice by slice: the lines waiting to be evaluated (live through every young
      // collection meanwhile) are a slice's, not a whole input chunk's.
      yield batch;
    }
  }

  if (pendingLength > 0 || overLength >= 0) {
    const batch: SourceLine[] = [];
    finishPending(batch, new Uint8Array(0));
    yield batch;
  }
}

/** Pushes the lines of a region of complete lines, decoded at once when it is valid UTF-8. */
function pushRegion(
  batch: SourceLine[],
  region: Uint8Array,
  push: (batch: SourceLine[], text: string, validUtf8: boolean) => void,
): void {
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
    return;
  }
  let start = 0;
  for (;;) {
    const end = region.indexOf(NEWLINE, start);
    const decoded = decodeLine(region.subarray(start, end < 0 ? region.length : end));
    push(batch, decoded.text, decoded.validUtf8);
    if (end < 0) break;
    start = end + 1;
  }
}

/**
 * The largest length ≤ `limit` that does not cut a UTF-8 character of `bytes` in two (a cut before
 * a continuation byte, 10xxxxxx, moves back to the character's first byte).
 */
function characterBoundary(bytes: Uint8Array, limit: number): number {
  if (bytes.length <= limit) return bytes.length;
  let end = limit;
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80 && limit - end < 3) end--;
  return end;
}
