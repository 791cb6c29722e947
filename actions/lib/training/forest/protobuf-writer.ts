/**
 * The few pieces of the protocol buffers wire format the ONNX export needs: varints, strings and
 * nested messages (length-delimited), fixed32 floats, packed repeated numbers. Written by hand so
 * the export needs no protobuf library.
 */

const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

const utf8 = new TextEncoder();

/**
 * Appends fields to a growing buffer; nested messages are written by a callback into a child
 * writer and copied in with their length.
 *
 * @example
 * const w = new ProtoWriter();
 * w.int64(1, 8).string(2, 'freshet');
 * const bytes = w.finish();
 */
export class ProtoWriter {
  private buffer = new Uint8Array(256);
  private length = 0;
  private readonly scratch = new DataView(new ArrayBuffer(4));

  /** A varint field (int32, int64, enum, bool); negative numbers take ten bytes, as in protobuf. */
  int64(field: number, value: number): this {
    this.tag(field, WIRE_VARINT);
    this.varint(value);
    return this;
  }

  /** A float field (fixed32, little-endian). */
  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    this.fixed32Float(value);
    return this;
  }

  /** A string field, UTF-8. */
  string(field: number, value: string): this {
    return this.bytes(field, utf8.encode(value));
  }

  /** A bytes field. */
  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.varint(value.length);
    this.append(value);
    return this;
  }

  /** A nested message field, whose fields `write` puts into a fresh writer. */
  message(field: number, write: (writer: ProtoWriter) => void): this {
    const child = new ProtoWriter();
    write(child);
    return this.bytes(field, child.finish());
  }

  /** A packed repeated varint field (repeated int64). */
  packedInt64(field: number, values: ArrayLike<number>): this {
    const child = new ProtoWriter();
    for (let i = 0; i < values.length; i++) child.varint(values[i]!);
    return this.bytes(field, child.finish());
  }

  /** A packed repeated float field (repeated float). */
  packedFloat(field: number, values: ArrayLike<number>): this {
    const child = new ProtoWriter();
    for (let i = 0; i < values.length; i++) child.fixed32Float(values[i]!);
    return this.bytes(field, child.finish());
  }

  /** The bytes written so far. */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  private tag(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  private varint(value: number): void {
    if (!Number.isSafeInteger(value)) throw new RangeError(`not a safe integer: ${value}`);
    if (value < 0) {
      // Two's complement over 64 bits, seven bits at a time.
      let big = BigInt.asUintN(64, BigInt(value));
      this.reserve(10);
      while (big > 0x7fn) {
        this.buffer[this.length++] = Number(big & 0x7fn) | 0x80;
        big >>= 7n;
      }
      this.buffer[this.length++] = Number(big);
      return;
    }
    this.reserve(8);
    while (value > 0x7f) {
      this.buffer[this.length++] = (value % 128) | 0x80;
      value = Math.floor(value / 128);
    }
    this.buffer[this.length++] = value;
  }

  private fixed32Float(value: number): void {
    this.scratch.setFloat32(0, value, true);
    this.reserve(4);
    for (let k = 0; k < 4; k++) this.buffer[this.length++] = this.scratch.getUint8(k);
  }

  private append(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < this.length + extra) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }
}
