// Text kept as UTF-8 bytes as it is appended: what a batch's rejected lines are stored as. Pure.

const encoder = new TextEncoder();
const NEWLINE = 0x0a;

/**
 * A growing UTF-8 buffer. Appending copies the text's characters, so that nothing appended keeps
 * a larger string alive (a line split from a decoded region of an object is a slice of that
 * region: kept as a string, each rejected line would keep its whole region in memory); and the
 * bytes cross to another thread as one transferred buffer.
 *
 * @example
 * const text = new TextBytes();
 * text.append('3\tbad-json\tnot JSON\t{\n');
 * text.bytes(); // Uint8Array of 24 bytes
 */
export class TextBytes {
  #buffer: Uint8Array;
  #length = 0;

  constructor(initial: Uint8Array = new Uint8Array(0)) {
    this.#buffer = initial;
    this.#length = initial.length;
  }

  /** Bytes held. */
  get length(): number {
    return this.#length;
  }

  append(text: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 unit.
    const needed = this.#length + text.length * 3;
    if (needed > this.#buffer.length) {
      const grown = new Uint8Array(Math.max(needed, this.#buffer.length * 2, 4096));
      grown.set(this.#buffer.subarray(0, this.#length));
      this.#buffer = grown;
    }
    this.#length += encoder.encodeInto(text, this.#buffer.subarray(this.#length)).written;
  }

  /** Forgets the bytes from `length` on (see {@link length}). */
  truncate(length: number): void {
    if (length < 0 || length > this.#length) throw new RangeError(`cannot truncate to ${length}`);
    this.#length = length;
  }

  /** Overwrites bytes from `at` with `ascii` (ASCII only: one byte per character), within the length. */
  overwrite(at: number, ascii: string): void {
    if (at < 0 || at + ascii.length > this.#length) {
      throw new RangeError(`cannot overwrite ${ascii.length} bytes at ${at}`);
    }
    encoder.encodeInto(ascii, this.#buffer.subarray(at, at + ascii.length));
  }

  /** The bytes, in a buffer of their own (which can be transferred). */
  bytes(): Uint8Array {
    return this.#buffer.slice(0, this.#length);
  }

  /** The bytes, without a copy: valid until the next {@link append}. */
  view(): Uint8Array {
    return this.#buffer.subarray(0, this.#length);
  }

  /** The bytes as text. */
  text(): string {
    return new TextDecoder().decode(this.#buffer.subarray(0, this.#length));
  }
}

/**
 * `rows` (lines, each ending with a newline) with `prefix` before each, as bytes.
 *
 * @example
 * new TextDecoder().decode(prefixRows(encode('a\nb\n'), '7\t')); // '7\ta\n7\tb\n'
 */
export function prefixRows(rows: Uint8Array, prefix: string): Uint8Array {
  if (rows.length === 0) return rows;
  const head = encoder.encode(prefix);
  let count = 0;
  for (let at = rows.indexOf(NEWLINE); at >= 0; at = rows.indexOf(NEWLINE, at + 1)) count++;
  const out = new Uint8Array(rows.length + count * head.length);
  let from = 0;
  let to = 0;
  for (let at = rows.indexOf(NEWLINE); at >= 0; at = rows.indexOf(NEWLINE, at + 1)) {
    out.set(head, to);
    to += head.length;
    out.set(rows.subarray(from, at + 1), to);
    to += at + 1 - from;
    from = at + 1;
  }
  return out;
}
