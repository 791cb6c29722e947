import { UsageError } from '../../errors.ts';
import type { BinnedFeatures } from './binning.ts';
import type { Random } from './random.ts';
import type { FlatTree } from './types.ts';

/** The per-tree limits of {@link createTreeGrower}. */
export interface GrowSettings {
  /** Non-constant features to examine per split (scikit-learn's resolved `max_features`). */
  readonly featuresPerSplit: number;
  /** Deepest level a node may sit at; `Infinity` for none. */
  readonly maxDepth: number;
  /** Fewest distinct rows per leaf. */
  readonly minSamplesLeaf: number;
}

/** One grown tree and the impurity decrease its splits bring, per feature. */
export interface GrownTree {
  readonly tree: FlatTree;
  readonly impurityDecrease: Float64Array;
}

/** Grows regression trees on one binned training set, reusing its working memory between trees. */
export interface TreeGrower {
  /**
   * Grows one tree. `weights[i]` is how often row `i` was drawn (0: out of the bag); the
   * criterion weighs rows by it, as scikit-learn weighs bootstrap counts.
   *
   * @throws UsageError when `weights` does not hold one value per row
   */
  grow(weights: Float64Array, random: Random): GrownTree;
}

/**
 * Below this many distinct rows, a node finds its split by sorting its rows' bins per feature
 * rather than by scanning a histogram of every bin: deep nodes hold few rows but a histogram scan
 * costs all the bins whatever the node's size. Above it, histograms with the sibling-subtraction
 * trick are cheaper.
 */
const SMALL_NODE_ROWS = 64;
/** Below this many rows, insertion sort beats the built-in sort's call overhead. */
const INSERTION_SORT_ROWS = 24;
/**
 * A node whose variance is below this fraction of 1 + its squared mean is pure: scikit-learn stops
 * at an absolute machine epsilon, which float rounding of `E[y²] − E[y]²` misses for large `y`.
 */
const PURE_NODE_TOLERANCE = 1e-14;

/**
 * Creates a grower following scikit-learn's `DecisionTreeRegressor` (criterion squared_error,
 * best splitter, `min_samples_split=2`): depth-first, a node is a leaf when it is at `maxDepth`,
 * holds fewer than `2 * minSamplesLeaf` distinct rows or is pure; otherwise it takes the split
 * with the largest weighted impurity decrease among `featuresPerSplit` randomly drawn non-constant
 * features, leaving at least `minSamplesLeaf` distinct rows on each side. Candidate thresholds are
 * the bin edges of `binned`.
 *
 * @throws UsageError when `y` (here) or the weights (in `grow`) do not hold one value per row
 * @example
 * const grower = createTreeGrower(binned, y, { featuresPerSplit: 28, maxDepth: Infinity, minSamplesLeaf: 1 });
 * const { tree } = grower.grow(bootstrapCounts, createRandom(seed));
 */
export function createTreeGrower(
  binned: BinnedFeatures,
  y: Float64Array,
  settings: GrowSettings,
): TreeGrower {
  const { nRows: n, nFeatures, bins, binCount, binOffset, totalBins, upperEdge } = binned;
  const { featuresPerSplit, maxDepth, minSamplesLeaf } = settings;
  // Indexing. Every typed array here is sized once, below or in `binned` (`bins` nFeatures·n,
  // `binCount`/`binOffset` nFeatures, `upperEdge` totalBins), and `y` and the weights hold n values
  // (checked here and in grow). Every index into them is bounded by construction:
  //   - a row `r` comes from `rows` or counts up to n: r < n (rows, wy, wyy, weights, y);
  //   - a position `k` lies in a node's [start, end) within [0, n) (rows);
  //   - a feature `f` is < nFeatures (binCount, binOffset, permutation, impurityDecrease);
  //   - a bin `bins[f·n + r]` is < binCount[f], so `binOffset[f] + bin` < totalBins, and a
  //     histogram holds totalBins · stride values: `(binOffset[f] + bin) · stride + 2` is inside;
  //   - a node without a histogram holds m ≤ SMALL_NODE_ROWS rows (see the children's histograms
  //     in grow), so a sort key's position is < m ≤ keys.length (keys, keyViews);
  //   - a stack slot is < top ≤ n + 2 (each split pops one node and pushes two; at most n leaves);
  //   - a node id is < nodeCount ≤ 2m − 1 = the tree arrays' capacity.
  // Their reads therefore carry `!`, each under the bound named here (checks would cost the inner
  // loops).
  if (y.length !== n) {
    throw new UsageError(`grow-tree: y holds ${y.length} values, expected one per row (${n})`);
  }
  // Distinct-row counts per bin are only needed to enforce minSamplesLeaf > 1.
  const trackCounts = minSamplesLeaf > 1;
  const stride = trackCounts ? 3 : 2;

  const rows = new Int32Array(n);
  const scratchRows = new Int32Array(n);
  const wy = new Float64Array(n);
  const wyy = new Float64Array(n);
  const permutation = Int32Array.from({ length: nFeatures }, (_, f) => f);
  const keys = new Uint32Array(SMALL_NODE_ROWS);
  const keyViews: Uint32Array[] = [];
  for (let m = 0; m <= SMALL_NODE_ROWS; m++) keyViews.push(keys.subarray(0, m));

  // Histograms: per bin [sum of w·y, sum of w(, distinct rows)], interleaved for locality.
  const histograms: Float64Array[] = [];
  const freeHistograms: number[] = [];

  // Depth-first stack of nodes waiting to be split.
  const stackCapacity = n + 2;
  const stNode = new Int32Array(stackCapacity);
  const stStart = new Int32Array(stackCapacity);
  const stEnd = new Int32Array(stackCapacity);
  const stDepth = new Int32Array(stackCapacity);
  const stHist = new Int32Array(stackCapacity);
  const stW = new Float64Array(stackCapacity);
  const stS = new Float64Array(stackCapacity);
  const stS2 = new Float64Array(stackCapacity);

  // The best split found by the last search.
  let bestFeature = -1;
  let bestBin = -1;
  let bestProxy = Number.NEGATIVE_INFINITY;
  let weights: Float64Array = new Float64Array(0);

  /** Histogram `id`, as acquireHistogram handed it out. */
  function histogram(id: number): Float64Array {
    const h = histograms[id];
    if (h === undefined) throw new Error(`grow-tree: no histogram ${id} (a bug)`);
    return h;
  }

  function acquireHistogram(): number {
    const free = freeHistograms.pop();
    if (free !== undefined) {
      histogram(free).fill(0);
      return free;
    }
    histograms.push(new Float64Array(totalBins * stride));
    return histograms.length - 1;
  }

  // Rows of [start, end), features < nFeatures, bins inside the histogram: see Indexing above.
  function buildHistogram(start: number, end: number): number {
    const id = acquireHistogram();
    const h = histogram(id);
    for (let f = 0; f < nFeatures; f++) {
      const column = f * n;
      const base = binOffset[f]!;
      if (trackCounts) {
        for (let k = start; k < end; k++) {
          const r = rows[k]!;
          const at = (base + bins[column + r]!) * 3;
          h[at] = h[at]! + wy[r]!;
          h[at + 1] = h[at + 1]! + weights[r]!;
          h[at + 2] = h[at + 2]! + 1;
        }
      } else {
        for (let k = start; k < end; k++) {
          const r = rows[k]!;
          const at = (base + bins[column + r]!) * 2;
          h[at] = h[at]! + wy[r]!;
          h[at + 1] = h[at + 1]! + weights[r]!;
        }
      }
    }
    return id;
  }

  function subtractHistogram(into: number, minus: number): void {
    const a = histogram(into);
    const b = histogram(minus);
    // Both have totalBins · stride entries.
    for (let i = 0; i < a.length; i++) a[i] = a[i]! - b[i]!;
  }

  /**
   * Scans one feature's histogram; returns whether the feature varies within the node. `b` <
   * binCount[f]: `(binOffset[f] + b) · stride` is inside `h` (see Indexing above).
   */
  function scanHistogram(h: Float64Array, f: number, m: number, W: number, S: number): boolean {
    const base = binOffset[f]!;
    const last = binCount[f]! - 1;
    let wl = 0;
    let sl = 0;
    let cl = 0;
    let varies = false;
    for (let b = 0; b < last; b++) {
      const at = (base + b) * stride;
      const wb = h[at + 1]!;
      if (wb === 0) continue;
      wl += wb;
      const wr = W - wl;
      if (wr <= 0) break; // every remaining bin is empty
      varies = true;
      sl += h[at]!;
      if (trackCounts) {
        cl += h[at + 2]!;
        if (cl < minSamplesLeaf) continue;
        if (m - cl < minSamplesLeaf) break;
      }
      const sr = S - sl;
      const proxy = (sl * sl) / wl + (sr * sr) / wr;
      if (proxy > bestProxy) {
        bestProxy = proxy;
        bestFeature = f;
        bestBin = b;
      }
    }
    return varies;
  }

  /**
   * Finds one feature's best split by sorting the node's rows by bin; returns whether it varies.
   * Only nodes without a histogram come here: m ≤ SMALL_NODE_ROWS = keys.length, and a key's low
   * 16 bits are a position k < m inside the node's rows (see Indexing above).
   */
  function scanSorted(f: number, start: number, m: number, W: number, S: number): boolean {
    const column = f * n;
    for (let k = 0; k < m; k++) keys[k] = (bins[column + rows[start + k]!]! << 16) | k;
    if (m <= INSERTION_SORT_ROWS) {
      for (let i = 1; i < m; i++) {
        const key = keys[i]!;
        let j = i - 1;
        while (j >= 0 && keys[j]! > key) {
          keys[j + 1] = keys[j]!;
          j--;
        }
        keys[j + 1] = key;
      }
    } else {
      // keyViews[m] exists for every m ≤ SMALL_NODE_ROWS, and only such nodes are sorted.
      keyViews[m]!.sort();
    }
    if (keys[0]! >>> 16 === keys[m - 1]! >>> 16) return false;
    let wl = 0;
    let sl = 0;
    const lastLeft = m - minSamplesLeaf;
    // k < lastLeft ≤ m − 1: keys[k + 1] is one of the node's.
    for (let k = 0; k < lastLeft; k++) {
      const key = keys[k]!;
      const r = rows[start + (key & 0xffff)]!;
      wl += weights[r]!;
      sl += wy[r]!;
      const bin = key >>> 16;
      if (bin === keys[k + 1]! >>> 16 || k + 1 < minSamplesLeaf) continue;
      const wr = W - wl;
      const sr = S - sl;
      const proxy = (sl * sl) / wl + (sr * sr) / wr;
      if (proxy > bestProxy) {
        bestProxy = proxy;
        bestFeature = f;
        bestBin = bin;
      }
    }
    return true;
  }

  /** Draws features at random until `featuresPerSplit` varying ones were examined (or all were). */
  function findSplit(
    random: Random,
    hist: number,
    start: number,
    end: number,
    W: number,
    S: number,
  ): void {
    bestFeature = -1;
    bestBin = -1;
    bestProxy = Number.NEGATIVE_INFINITY;
    const m = end - start;
    const h = hist >= 0 ? histogram(hist) : undefined;
    let visited = 0;
    for (let drawn = 0; drawn < nFeatures && visited < featuresPerSplit; drawn++) {
      // drawn ≤ j < nFeatures: both are features.
      const j = drawn + random.nextInt(nFeatures - drawn);
      const f = permutation[j]!;
      permutation[j] = permutation[drawn]!;
      permutation[drawn] = f;
      if (binCount[f]! < 2) continue;
      const varies = h ? scanHistogram(h, f, m, W, S) : scanSorted(f, start, m, W, S);
      if (varies) visited++;
    }
  }

  function grow(bootstrapWeights: Float64Array, random: Random): GrownTree {
    if (bootstrapWeights.length !== n) {
      throw new UsageError(
        `grow-tree: ${bootstrapWeights.length} weights, expected one per row (${n})`,
      );
    }
    weights = bootstrapWeights;
    // A tree's draws depend on its own stream only, not on the order left by the previous tree.
    for (let f = 0; f < nFeatures; f++) permutation[f] = f;
    let m = 0;
    let W = 0;
    let S = 0;
    let S2 = 0;
    for (let i = 0; i < n; i++) {
      const w = weights[i]!;
      if (w > 0) {
        rows[m++] = i;
        const a = w * y[i]!;
        wy[i] = a;
        wyy[i] = a * y[i]!;
        W += w;
        S += a;
        S2 += wyy[i]!;
      }
    }
    const capacity = Math.max(1, 2 * m - 1);
    const feature = new Int32Array(capacity);
    const threshold = new Float32Array(capacity);
    const left = new Int32Array(capacity);
    const right = new Int32Array(capacity);
    const value = new Float64Array(capacity);
    const impurityDecrease = new Float64Array(nFeatures);
    let nodeCount = 1;

    let top = 0;
    stNode[0] = 0;
    stStart[0] = 0;
    stEnd[0] = m;
    stDepth[0] = 0;
    stW[0] = W;
    stS[0] = S;
    stS2[0] = S2;
    stHist[0] = m > SMALL_NODE_ROWS ? buildHistogram(0, m) : -1;
    top = 1;

    while (top > 0) {
      top--; // 0 ≤ top < stack capacity; node ids, rows and features as in Indexing above.
      const id = stNode[top]!;
      const start = stStart[top]!;
      const end = stEnd[top]!;
      const depth = stDepth[top]!;
      const hist = stHist[top]!;
      const nodeW = stW[top]!;
      const nodeS = stS[top]!;
      const nodeS2 = stS2[top]!;
      const size = end - start;
      const mean = nodeS / nodeW;
      value[id] = mean;

      let isLeaf =
        depth >= maxDepth ||
        size < 2 ||
        size < 2 * minSamplesLeaf ||
        nodeS2 / nodeW - mean * mean <= PURE_NODE_TOLERANCE * (1 + mean * mean);
      if (!isLeaf) {
        findSplit(random, hist, start, end, nodeW, nodeS);
        isLeaf = bestFeature < 0;
      }
      if (isLeaf) {
        feature[id] = -1;
        left[id] = -1;
        right[id] = -1;
        if (hist >= 0) freeHistograms.push(hist);
        continue;
      }

      const f = bestFeature;
      const splitBin = bestBin;
      impurityDecrease[f] = impurityDecrease[f]! + bestProxy - (nodeS * nodeS) / nodeW;
      // Stable partition: left rows stay in place in order, right rows go through the scratch.
      const column = f * n;
      let nl = 0;
      let nr = 0;
      let wl = 0;
      let sl = 0;
      let s2l = 0;
      for (let k = start; k < end; k++) {
        const r = rows[k]!;
        if (bins[column + r]! <= splitBin) {
          rows[start + nl++] = r;
          wl += weights[r]!;
          sl += wy[r]!;
          s2l += wyy[r]!;
        } else {
          scratchRows[nr++] = r;
        }
      }
      const mid = start + nl;
      rows.set(scratchRows.subarray(0, nr), mid);
      let wr = 0;
      let sr = 0;
      let s2r = 0;
      for (let k = mid; k < end; k++) {
        const r = rows[k]!;
        wr += weights[r]!;
        sr += wy[r]!;
        s2r += wyy[r]!;
      }

      const leftId = nodeCount++;
      const rightId = nodeCount++;
      feature[id] = f;
      threshold[id] = upperEdge[binOffset[f]! + splitBin]!;
      left[id] = leftId;
      right[id] = rightId;

      // Children's histograms: build the smaller child's, derive the larger's by subtraction.
      let leftHist = -1;
      let rightHist = -1;
      const leftIsSmaller = nl <= nr;
      const largerSize = leftIsSmaller ? nr : nl;
      const smallerSize = leftIsSmaller ? nl : nr;
      if (hist >= 0) {
        if (largerSize > SMALL_NODE_ROWS) {
          const smallHist = leftIsSmaller ? buildHistogram(start, mid) : buildHistogram(mid, end);
          subtractHistogram(hist, smallHist);
          const keepSmall = smallerSize > SMALL_NODE_ROWS;
          if (!keepSmall) freeHistograms.push(smallHist);
          if (leftIsSmaller) {
            leftHist = keepSmall ? smallHist : -1;
            rightHist = hist;
          } else {
            rightHist = keepSmall ? smallHist : -1;
            leftHist = hist;
          }
        } else {
          freeHistograms.push(hist);
        }
      }

      // Push right first so that the left subtree is grown first.
      stNode[top] = rightId;
      stStart[top] = mid;
      stEnd[top] = end;
      stDepth[top] = depth + 1;
      stHist[top] = rightHist;
      stW[top] = wr;
      stS[top] = sr;
      stS2[top] = s2r;
      top++;
      stNode[top] = leftId;
      stStart[top] = start;
      stEnd[top] = mid;
      stDepth[top] = depth + 1;
      stHist[top] = leftHist;
      stW[top] = wl;
      stS[top] = sl;
      stS2[top] = s2l;
      top++;
    }

    return {
      tree: {
        feature: feature.slice(0, nodeCount),
        threshold: threshold.slice(0, nodeCount),
        left: left.slice(0, nodeCount),
        right: right.slice(0, nodeCount),
        value: value.slice(0, nodeCount),
      },
      impurityDecrease,
    };
  }

  return { grow };
}
