import { describe, expect, it } from 'vitest';
import {
  decodeBase64,
  decodeTypedArray,
  encodeBase64,
  encodeTypedArray,
} from '../../../../actions/lib/training/forest/base64.ts';

describe('base64', () => {
  it('matches the standard encoding for every length and byte value', () => {
    for (let length = 0; length < 40; length++) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 97 + length * 13) & 255);
      const expected = Buffer.from(bytes).toString('base64');
      expect(encodeBase64(bytes)).toBe(expected);
      expect([...decodeBase64(expected)]).toEqual([...bytes]);
    }
    const large = Uint8Array.from({ length: 100_001 }, (_, i) => (i * 31) & 255);
    expect(encodeBase64(large)).toBe(Buffer.from(large).toString('base64'));
  });

  it('round-trips typed arrays as little-endian bytes', () => {
    expect(encodeTypedArray(new Int32Array([1, -1]))).toBe('AQAAAP////8=');
    const values = Float64Array.of(Math.PI, -0, 1e-300, -123.5);
    expect([...decodeTypedArray(encodeTypedArray(values), Float64Array)]).toEqual([...values]);
    const floats = Float32Array.of(0.1, 3e38);
    expect(decodeTypedArray(encodeTypedArray(floats), Float32Array)).toEqual(floats);
  });

  it('rejects text that is not padded base64 or not whole elements', () => {
    expect(() => decodeBase64('AQI')).toThrow(/not a multiple of 4/);
    expect(() => decodeBase64('AQ*D')).toThrow(/invalid character "\*" at 2/);
    expect(() => decodeBase64('A=AA')).toThrow(/invalid character "=" at 1/);
    expect(() => decodeTypedArray('AQID', Int32Array)).toThrow(
      /3 bytes are not a whole number of 4-byte/,
    );
  });
});
