/**
 * Quantile binning: each feature's float32 values are mapped once to at most 256 ordered bins, so
 * that tree growth works on bytes and histograms instead of sorting values at every node.
 */

import { UsageError } from '../../errors.ts';

/** The training matrix as bin indices, with the float32 threshold that separates each bin from the next. */
export interface BinnedFeatures {
  readonly nRows: number;
  readonly nFeatures: number;
  /** Column-major bin indices: the bin of row `i`, feature `f` is `bins[f * nRows + i]`. */
  readonly bins: Uint8Array;
  /** Number of bins of each feature (1 when the feature is constant). */
  readonly binCount: Int32Array;
  /** Where each feature's bins start in a histogram covering all features. */
  readonly binOffset: Int32Array;
  /** Sum of `binCount`: the length of a histogram covering all features. */
  readonly totalBins: number;
  /**
   * Indexed like a histogram (`binOffset[f] + b`): a float32 threshold `t` with
   * `fround(x) <= t` exactly for the training values in bins `0..b` of feature `f`. The last
   * bin's entry is +Infinity and never used as a split.
   */
  readonly upperEdge: Float32Array;
}

/**
 * Bins a row-major float32 matrix. A feature with at most `maxBins` distinct values gets one bin
 * per value (splits then are exactly those an exact splitter would consider); otherwise bins hold
 * about equal numbers of rows, a heavy value never being split across bins.
 *
 * @throws UsageError when `x` does not hold `nRows × nFeatures` values or `maxBins` is not in
 * 1..256 (a bin is a byte)
 * @example
 * const binned = binFeatures(x, nRows, nFeatures, 256);
 * binned.bins[f * nRows + i]; // bin of row i, feature f
 */
export function binFeatures(
  x: Float32Array,
  nRows: number,
  nFeatures: number,
  maxBins: number,
): BinnedFeatures {
  if (x.length !== nRows * nFeatures) {
    throw new UsageError(
      `binning: x holds ${x.length} values, expected nRows × nFeatures = ${nRows} × ${nFeatures}`,
    );
  }
  if (!(Number.isInteger(maxBins) && maxBins >= 1 && maxBins <= 256)) {
    throw new UsageError(`binning: maxBins must be an integer in 1..256, got ${maxBins}`);
  }
  const bins = new Uint8Array(nRows * nFeatures);
  const binCount = new Int32Array(nFeatures);
  const binOffset = new Int32Array(nFeatures);
  const edgesPerFeature: Float32Array[] = [];
  const column = new Float32Array(nRows);
  let totalBins = 0;
  for (let f = 0; f < nFeatures; f++) {
    // x holds nRows × nFeatures values (checked above), so i·nFeatures + f is inside.
    for (let i = 0; i < nRows; i++) column[i] = x[i * nFeatures + f]!;
    const edges = featureUpperEdges(column, maxBins);
    edgesPerFeature.push(edges);
    binCount[f] = edges.length;
    binOffset[f] = totalBins;
    totalBins += edges.length;
    assignBins(column, edges, bins, f * nRows);
  }
  const upperEdge = new Float32Array(totalBins);
  let offset = 0;
  for (const edges of edgesPerFeature) {
    upperEdge.set(edges, offset);
    offset += edges.length;
  }
  return { nRows, nFeatures, bins, binCount, binOffset, totalBins, upperEdge };
}

/** The upper edge of each bin of one feature (the last one +Infinity). */
function featureUpperEdges(column: Float32Array, maxBins: number): Float32Array {
  const sorted = column.slice().sort();
  const n = sorted.length;
  // Distinct values with their row counts (-0 and +0 compare equal, and so are one value).
  const distinct = new Float32Array(n);
  const counts = new Int32Array(n);
  let d = 0;
  for (const v of sorted) {
    // d − 1 < d ≤ the values seen so far < n: inside counts.
    if (d > 0 && distinct[d - 1] === v) counts[d - 1] = counts[d - 1]! + 1;
    else {
      distinct[d] = v;
      counts[d] = 1;
      d++;
    }
  }
  // binOfDistinct[j] is non-decreasing in j; a new bin starts once the rows so far reach the
  // next quantile, so a value holding many rows takes one bin and the rest follow the quantiles.
  const lastOfBin: number[] = [];
  if (d <= maxBins) {
    for (let j = 0; j < d; j++) lastOfBin.push(j);
  } else {
    let cumulative = 0;
    for (let j = 0; j < d; j++) {
      cumulative += counts[j]!; // j < d ≤ n = counts.length
      const bin = lastOfBin.length;
      if (j === d - 1 || (bin < maxBins - 1 && cumulative >= ((bin + 1) * n) / maxBins)) {
        lastOfBin.push(j);
      }
    }
  }
  const edges = new Float32Array(lastOfBin.length);
  for (let b = 0; b < lastOfBin.length - 1; b++) {
    // b < lastOfBin.length − 1; a bin that is not the last ends before the last distinct value,
    // so j + 1 < d.
    const j = lastOfBin[b]!;
    edges[b] = thresholdBetween(distinct[j]!, distinct[j + 1]!);
  }
  edges[lastOfBin.length - 1] = Number.POSITIVE_INFINITY;
  return edges;
}

/**
 * A float32 `t` with `high <= t < low` for float32 `high < low`: the float32 nearest their
 * midpoint (like scikit-learn's midpoint thresholds), or `high` itself when the two are adjacent
 * float32 numbers and the midpoint rounds up to `low`.
 */
export function thresholdBetween(high: number, low: number): number {
  const mid = Math.fround((high + low) / 2);
  return mid < low ? mid : high;
}

/** Writes each value's bin (the first whose upper edge is >= the value) at `out[offset + i]`. */
function assignBins(column: Float32Array, edges: Float32Array, out: Uint8Array, offset: number) {
  const last = edges.length - 1;
  for (const [i, v] of column.entries()) {
    let lo = 0;
    let hi = last;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (v <= edges[mid]!)
        hi = mid; // lo ≤ mid < hi ≤ last
      else lo = mid + 1;
    }
    out[offset + i] = lo;
  }
}
