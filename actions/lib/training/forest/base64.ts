/**
 * Base64 of little-endian typed arrays, Web-standard (no Node `Buffer`): model.json is read in a
 * Cloudflare Worker as well as in Node. Decoding is strict so that a damaged array is reported,
 * not silently misread.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A typed array whose elements can be stored as little-endian bytes. */
export type NumericArray = Int32Array | Float32Array | Float64Array;

/**
 * Standard base64 (with `=` padding) of bytes.
 *
 * @example
 * encodeBase64(new Uint8Array([1, 2, 3])); // 'AQID'
 */
export function encodeBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  // Chunks keep String.fromCharCode's argument list short.
  const chunk = 3 * 4096;
  const codes = new Uint16Array((chunk / 3) * 4);
  for (let start = 0; start < bytes.length; start += chunk) {
    const end = Math.min(bytes.length, start + chunk);
    let o = 0;
    let i = start;
    // i + 2 < end ≤ bytes.length: the three bytes are there.
    for (; i + 2 < end; i += 3) {
      const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
      codes[o++] = ALPHABET.charCodeAt(n >>> 18);
      codes[o++] = ALPHABET.charCodeAt((n >>> 12) & 63);
      codes[o++] = ALPHABET.charCodeAt((n >>> 6) & 63);
      codes[o++] = ALPHABET.charCodeAt(n & 63);
    }
    if (i < end) {
      const n = (bytes[i]! << 16) | (i + 1 < end ? bytes[i + 1]! << 8 : 0); // i < end, i + 1 < end
      codes[o++] = ALPHABET.charCodeAt(n >>> 18);
      codes[o++] = ALPHABET.charCodeAt((n >>> 12) & 63);
      codes[o++] = i + 1 < end ? ALPHABET.charCodeAt((n >>> 6) & 63) : 61;
      codes[o++] = 61;
    }
    parts.push(String.fromCharCode(...codes.subarray(0, o)));
  }
  return parts.join('');
}

/**
 * Decodes standard padded base64; throws a plain `Error` describing the first defect (the caller
 * says which array it was).
 *
 * @example
 * decodeBase64('AQID'); // Uint8Array [1, 2, 3]
 */
export function decodeBase64(text: string): Uint8Array {
  if (text.length % 4 !== 0) {
    throw new Error(`base64 length ${text.length} is not a multiple of 4`);
  }
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const a = sextet(text, i);
    const b = sextet(text, i + 1);
    const last = i + 4 === text.length;
    const c = last && padding === 2 ? 0 : sextet(text, i + 2);
    const d = last && padding >= 1 ? 0 : sextet(text, i + 3);
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = n >>> 16;
    if (o < out.length) out[o++] = (n >>> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

function sextet(text: string, at: number): number {
  const code = text.charCodeAt(at);
  const value = code < 128 ? DECODE[code]! : -1; // DECODE covers the 128 ASCII codes
  if (value < 0) {
    throw new Error(`base64 has an invalid character ${JSON.stringify(text[at])} at ${at}`);
  }
  return value;
}

/**
 * Base64 of a typed array's elements as little-endian bytes.
 *
 * @example
 * encodeTypedArray(new Int32Array([1, -1])); // 'AQAAAP////8='
 */
export function encodeTypedArray(array: NumericArray): string {
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  return encodeBase64(LITTLE_ENDIAN ? bytes : swapBytes(bytes, array.BYTES_PER_ELEMENT));
}

/**
 * Decodes little-endian base64 into a typed array of `type`; throws a plain `Error` when the
 * text is not base64 or its length is not a whole number of elements.
 *
 * @example
 * decodeTypedArray('AQAAAP////8=', Int32Array); // Int32Array [1, -1]
 */
export function decodeTypedArray<T extends NumericArray>(
  text: string,
  type: { new (buffer: ArrayBuffer): T; readonly BYTES_PER_ELEMENT: number },
): T {
  const bytes = decodeBase64(text);
  const size = type.BYTES_PER_ELEMENT;
  if (bytes.length % size !== 0) {
    throw new Error(`${bytes.length} bytes are not a whole number of ${size}-byte elements`);
  }
  const ordered = LITTLE_ENDIAN ? bytes : swapBytes(bytes, size);
  return new type(ordered.buffer as ArrayBuffer);
}

function swapBytes(bytes: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += size) {
    // Callers pass whole elements: bytes.length is a multiple of size, so i + size − 1 is inside.
    for (let k = 0; k < size; k++) out[i + k] = bytes[i + size - 1 - k]!;
  }
  return out;
}
