// A command's output, read as bytes: split into lines for the log (a line too long for one log line
// goes out in pieces) and a bounded tail of the last lines for the run's record. Nothing here holds
// more than a few tail-sized buffers, whatever the command prints.

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

// A character is at most 4 bytes: at most 3 continuation bytes (10xxxxxx) follow its first. Past
// that, the bytes are not UTF-8 anyway, and any cut will do.
const MAX_CONTINUATION = 3;
const isContinuation = (byte: number | undefined) => ((byte ?? 0) & 0xc0) === 0x80;

/** Where `bytes` may be cut at or before `at` without splitting a UTF-8 character. */
function boundaryAtOrBefore(bytes: Buffer, at: number): number {
  const start = Math.min(at, bytes.length);
  let cut = start;
  while (cut > 0 && start - cut < MAX_CONTINUATION && isContinuation(bytes[cut])) cut -= 1;
  return isContinuation(bytes[cut]) ? start : cut;
}

/** The last (at most) `limit` bytes of `bytes`, starting on a UTF-8 character. */
export function lastBytes(bytes: Buffer, limit: number): Buffer {
  if (bytes.length <= limit) return bytes;
  const first = bytes.length - limit;
  let start = first;
  while (start - first < MAX_CONTINUATION && isContinuation(bytes[start])) start += 1;
  return bytes.subarray(isContinuation(bytes[start]) ? first : start);
}

/**
 * Splits a byte stream into lines without ever joining more than `pieceBytes` of it: a complete line
 * is handed over whole, a longer one in pieces of at most `pieceBytes` (cut between characters),
 * the last piece flagged `ends`.
 *
 * @example
 * const lines = new LineSplitter(16_384, (text, ends) => console.log(text, ends));
 * lines.write(Buffer.from('a\nb')); lines.end(); // ('a', true), ('b', true)
 */
export class LineSplitter {
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  readonly #pieceBytes: number;
  readonly #onPiece: (text: string, ends: boolean) => void;

  constructor(pieceBytes: number, onPiece: (text: string, ends: boolean) => void) {
    this.#pieceBytes = pieceBytes;
    this.#onPiece = onPiece;
  }

  write(chunk: Buffer): void {
    let from = 0;
    while (from < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, from);
      const end = newline === -1 ? chunk.length : newline;
      this.#add(chunk.subarray(from, end));
      if (newline === -1) break;
      this.#emit(true);
      from = newline + 1;
    }
  }

  /** Hands over a last line left without a newline. */
  end(): void {
    if (this.#pendingBytes > 0) this.#emit(true);
  }

  #add(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.#pending.push(bytes);
    this.#pendingBytes += bytes.length;
    while (this.#pendingBytes > this.#pieceBytes) {
      const joined = Buffer.concat(this.#pending, this.#pendingBytes);
      // Never 0: a piece of at least 4 bytes always holds a whole character.
      const cut = boundaryAtOrBefore(joined, this.#pieceBytes) || this.#pieceBytes;
      this.#onPiece(joined.subarray(0, cut).toString('utf8'), false);
      const rest = joined.subarray(cut);
      this.#pending = rest.length > 0 ? [Buffer.from(rest)] : [];
      this.#pendingBytes = rest.length;
    }
  }

  #emit(ends: boolean): void {
    let line = Buffer.concat(this.#pending, this.#pendingBytes);
    if (line.at(-1) === CARRIAGE_RETURN) line = line.subarray(0, -1);
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#onPiece(line.toString('utf8'), ends);
  }
}

/** Put before a line whose beginning the tail dropped. */
export const CUT_MARKER = '[…] ';

/**
 * The last lines of a command's output, at most `limitBytes` of UTF-8 in all. Lines arrive whole or
 * in pieces (a long line, `LineSplitter`); a line longer than the limit is kept as its last bytes,
 * marked with `CUT_MARKER`. Streams are kept apart (`source`) so that their pieces do not mix.
 *
 * @example
 * const tail = new OutputTail(65_536);
 * tail.add('stdout', 'done', true);
 * tail.lines(); // ['done']
 */
export class OutputTail {
  readonly #limit: number;
  #lines: { text: string; bytes: number }[] = [];
  #bytes = 0;
  readonly #open = new Map<string, { bytes: Buffer; cut: boolean }>();

  constructor(limitBytes: number) {
    this.#limit = limitBytes;
  }

  add(source: string, text: string, ends: boolean): void {
    const open = this.#open.get(source);
    let bytes = Buffer.from(text, 'utf8');
    let cut = false;
    if (open) {
      bytes = Buffer.concat([open.bytes, bytes]);
      cut = open.cut;
    }
    // Room for the marker and the line's newline, so that one cut line alone fits the limit.
    const room = this.#limit - Buffer.byteLength(CUT_MARKER) - 1;
    if (bytes.length > room + (cut ? 0 : Buffer.byteLength(CUT_MARKER))) {
      bytes = Buffer.from(lastBytes(bytes, room));
      cut = true;
    }
    if (!ends) {
      this.#open.set(source, { bytes, cut });
      return;
    }
    this.#open.delete(source);
    const line = `${cut ? CUT_MARKER : ''}${bytes.toString('utf8')}`;
    const size = Buffer.byteLength(line) + 1;
    this.#lines.push({ text: line, bytes: size });
    this.#bytes += size;
    while (this.#bytes > this.#limit && this.#lines.length > 1) {
      const dropped = this.#lines.shift();
      this.#bytes -= dropped?.bytes ?? 0;
    }
  }

  /** The kept lines, oldest first (lines still open are left out). */
  lines(): string[] {
    return this.#lines.map((line) => line.text);
  }
}
