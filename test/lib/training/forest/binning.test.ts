import { describe, expect, it } from 'vitest';
import { binFeatures, thresholdBetween } from '../../../../actions/lib/training/forest/binning.ts';
import { createRandom } from '../../../../actions/lib/training/forest/random.ts';

describe('binFeatures', () => {
  const random = createRandom(11);
  const nRows = 5000;
  const x = new Float32Array(nRows * 3);
  for (let i = 0; i < nRows; i++) {
    x[i * 3] = (random.nextUint32() / 2 ** 32) * 100; // continuous
    x[i * 3 + 1] = random.nextInt(24); // 24 distinct values
    x[i * 3 + 2] = random.nextInt(10) === 0 ? random.nextUint32() / 2 ** 32 : 0; // 90 % zeros
  }
  const binned = binFeatures(x, nRows, 3, 256);

  it('uses at most maxBins bins, one per value when there are few values', () => {
    expect(binned.binCount[0]).toBe(256);
    expect(binned.binCount[1]).toBe(24);
    expect(binned.binCount[2]).toBeLessThanOrEqual(256);
    expect(binned.totalBins).toBe(binned.binCount.reduce((a, b) => a + b, 0));
  });

  it('chooses edges such that x <= edge reproduces every binned split exactly', () => {
    // Three features of nRows rows: f < 3 and i < nRows keep every index inside x, bins and
    // binOffset, and a row's bin is one of its feature's, inside upperEdge.
    for (let f = 0; f < 3; f++) {
      const offset = binned.binOffset[f]!;
      for (let i = 0; i < nRows; i++) {
        const value = x[i * 3 + f]!;
        const bin = binned.bins[f * nRows + i]!;
        // in bin b: above the previous edge, at most its own
        expect(value <= binned.upperEdge[offset + bin]!).toBe(true);
        if (bin > 0) expect(value > binned.upperEdge[offset + bin - 1]!).toBe(true);
      }
    }
  });

  it('fills continuous bins about equally and keeps a heavy value in one bin', () => {
    const counts = new Int32Array(256);
    // i < nRows; a bin is < 256 = counts.length.
    for (let i = 0; i < nRows; i++) counts[binned.bins[i]!]!++;
    expect(Math.min(...counts)).toBeGreaterThan(5);
    expect(Math.max(...counts)).toBeLessThan(40);
    // Zero is feature 2's smallest value: all 90 % of zeros in bin 0, nothing else there.
    for (let i = 0; i < nRows; i++) {
      expect(binned.bins[2 * nRows + i] === 0).toBe(x[i * 3 + 2] === 0);
    }
  });

  it('gives a constant feature a single bin', () => {
    const constant = binFeatures(new Float32Array([7, 7, 7]), 3, 1, 256);
    expect(constant.binCount[0]).toBe(1);
    expect([...constant.bins]).toEqual([0, 0, 0]);
  });

  it('needs nRows × nFeatures values and at most 256 bins (a bin is a byte)', () => {
    expect(() => binFeatures(new Float32Array(5), 3, 2, 256)).toThrow(
      'binning: x holds 5 values, expected nRows × nFeatures = 3 × 2',
    );
    expect(() => binFeatures(new Float32Array(6), 3, 2, 257)).toThrow(
      'binning: maxBins must be an integer in 1..256, got 257',
    );
  });
});

describe('thresholdBetween', () => {
  it('is the float32 midpoint of two float32 values', () => {
    expect(thresholdBetween(1, 2)).toBe(1.5);
    expect(thresholdBetween(-3, -1)).toBe(-2);
  });

  it('falls back to the lower value for adjacent float32 numbers', () => {
    const low = Math.fround(0.1);
    const bits = new DataView(new ArrayBuffer(4));
    bits.setFloat32(0, low);
    bits.setInt32(0, bits.getInt32(0) + 1);
    const next = bits.getFloat32(0);
    const t = thresholdBetween(low, next);
    expect(t).toBe(low);
    expect(low <= t && next > t).toBe(true);
  });
});
