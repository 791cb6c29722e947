// The deployed form of a forest: one ArrayBuffer that the Worker reads as typed-array views — no
// JSON, no base64, no copy, nothing proportional to the model but the sha256 the loader checks
// first. A cold isolate pays for every byte of it within its 10 ms of CPU (fetching it through the
// static assets, then hashing it), so it is as small as a lossless, zero-parse form can be: on the
// example model 0.86 MB, against model.json's 3.4 MB and version 1's 1.4 MB (10 bytes a node).
// Web-standard: the Worker decodes it, the bundle builder (Node) encodes it.
//
// Three facts make it small:
// - Leaves and splits are stored apart: a leaf is its float64 value alone (8 bytes; float32 would
//   not sum to the library's predictions bit for bit), a split 4 bytes.
// - A split's test (feature, float32 threshold) is an index into the forest's table of distinct
//   tests: the library's trees split at bin edges, at most 255 a feature, so 2 bytes name it.
// - Children are implicit: numbering each tree's nodes breadth-first, the k-th split's children
//   are nodes 2k + 1 and 2k + 2 (every split before it has two children, the root is node 0). A
//   node's split or leaf number is then its position less (or, for a leaf, just) the count of
//   leaves before it, so a split stores that count at 2k + 1 and whether each child is a leaf:
//   2 bytes.
import type { TreeEnsemble } from '../../../actions/lib/training/forest/types.ts';

/** `FRST` read as a little-endian uint32: the first four bytes of every forest file. */
const MAGIC = 0x5453_5246;
/** The layout below; a reader refuses any other (version 1 stored 10 bytes a node). */
export const FOREST_BINARY_VERSION = 2;
/** magic, version, n_features, n_trees, n_splits, n_leaves, n_tests, word bytes (uint32 each). */
const HEADER_BYTES = 32;
/** Test features are uint16. */
const MAX_FEATURES = 0xffff;
/** In 2-byte words: the leaves a tree may have (a count below 2^14 beside two flag bits). */
const NARROW_MAX_LEAVES = 1 << 14;
/** In 2-byte words: the distinct tests a forest may have. */
const NARROW_MAX_TESTS = 1 << 16;
/** In 4-byte words (any larger forest): the leaves of a tree, the tests of a forest. */
const WIDE_MAX_LEAVES = 2 ** 30;
const WIDE_MAX_TESTS = 2 ** 32;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A split's word holds `leavesBefore << 2 | leftIsLeaf << 1 | rightIsLeaf`. */
const LEFT_IS_LEAF = 2;
const RIGHT_IS_LEAF = 1;

/**
 * A forest as the Worker evaluates it. Tree `t` owns splits `treeSplits[t]…treeSplits[t + 1] - 1`
 * and leaves `treeLeaves[t]…treeLeaves[t + 1] - 1`, each numbered breadth-first within the tree
 * (a tree without splits is one leaf). Split `s` sends a row left when
 * `fround(row[testFeature[test[s]]]) <= threshold[test[s]]`; its `children[s]` word is
 * `before << 2 | leftIsLeaf << 1 | rightIsLeaf`, `before` counting the tree's leaves that precede
 * its left child breadth-first (see {@link predictCompact} for the walk).
 */
export interface CompactForest {
  readonly nFeatures: number;
  readonly nTrees: number;
  readonly treeSplits: Uint32Array;
  readonly treeLeaves: Uint32Array;
  readonly test: Uint16Array | Uint32Array;
  readonly children: Uint16Array | Uint32Array;
  readonly testFeature: Uint16Array;
  readonly threshold: Float32Array;
  readonly value: Float64Array;
}

interface Counts {
  readonly nTrees: number;
  readonly nSplits: number;
  readonly nLeaves: number;
  readonly nTests: number;
  /** 2 or 4: the size of a split's test and children words. */
  readonly wordBytes: number;
}

/**
 * Byte layout, little-endian, T trees, S splits, L leaves, D distinct tests, words of W bytes;
 * each section aligned to its element size:
 *
 * | offset              | section                                                     |
 * |---------------------|-------------------------------------------------------------|
 * | 0                   | header: 8 × uint32 (see HEADER_BYTES)                        |
 * | 32                  | value: float64 × L                                           |
 * | 32 + 8L             | threshold: float32 × D                                       |
 * | … + 4D              | treeSplits: uint32 × (T + 1) (the last one is S)             |
 * | … + 4(T + 1)        | treeLeaves: uint32 × (T + 1) (the last one is L)             |
 * | … + 4(T + 1)        | test: uintW × S (an index into the tests)                    |
 * | … + W·S             | children: uintW × S                                          |
 * | … + W·S             | testFeature: uint16 × D                                      |
 */
function layout({ nTrees, nSplits, nLeaves, nTests, wordBytes }: Counts) {
  const value = HEADER_BYTES;
  const threshold = value + 8 * nLeaves;
  const treeSplits = threshold + 4 * nTests;
  const treeLeaves = treeSplits + 4 * (nTrees + 1);
  const test = treeLeaves + 4 * (nTrees + 1);
  const children = test + wordBytes * nSplits;
  const testFeature = children + wordBytes * nSplits;
  const total = testFeature + 2 * nTests;
  return { value, threshold, treeSplits, treeLeaves, test, children, testFeature, total };
}

function views(buffer: ArrayBuffer, nFeatures: number, counts: Counts): CompactForest {
  const at = layout(counts);
  const { nTrees, nSplits, nLeaves, nTests } = counts;
  const Word = counts.wordBytes === 2 ? Uint16Array : Uint32Array;
  return {
    nFeatures,
    nTrees,
    treeSplits: new Uint32Array(buffer, at.treeSplits, nTrees + 1),
    treeLeaves: new Uint32Array(buffer, at.treeLeaves, nTrees + 1),
    test: new Word(buffer, at.test, nSplits),
    children: new Word(buffer, at.children, nSplits),
    testFeature: new Uint16Array(buffer, at.testFeature, nTests),
    threshold: new Float32Array(buffer, at.threshold, nTests),
    value: new Float64Array(buffer, at.value, nLeaves),
  };
}

/** One tree renumbered breadth-first: old node ids in that order, and the leaves before each. */
function breadthFirst(tree: TreeEnsemble['trees'][number], t: number) {
  const order = [0];
  for (let p = 0; p < order.length; p++) {
    // p < order.length; old ids come from the tree's own checked child arrays.
    const old = order[p]!;
    if (tree.feature[old]! >= 0) order.push(tree.left[old]!, tree.right[old]!);
  }
  if (order.length !== tree.feature.length) {
    throw new Error(`forest file: tree ${t} has nodes its root does not reach`);
  }
  const leavesBefore = new Uint32Array(order.length + 1);
  for (let p = 0; p < order.length; p++) {
    leavesBefore[p + 1] = leavesBefore[p]! + (tree.feature[order[p]!]! < 0 ? 1 : 0);
  }
  return { order, leavesBefore };
}

/**
 * Encodes a forest (trees as parsed and checked from model.json) into its deployed bytes. Each
 * tree is renumbered breadth-first; its splits, thresholds and leaf values are unchanged, so it
 * predicts exactly as before.
 *
 * @throws Error when the forest has more features than a uint16 holds
 * @example
 * const bytes = encodeForest(parseModelJson(text)); // decodeForest(bytes.buffer) reads it
 */
export function encodeForest(forest: TreeEnsemble): Uint8Array {
  assertLittleEndian();
  if (forest.nFeatures > MAX_FEATURES) {
    throw new Error(`forest file: ${forest.nFeatures} features is more than ${MAX_FEATURES}`);
  }
  const trees = forest.trees.map(breadthFirst);
  // Tests by feature and the threshold's float32 bits: -0 and 0 stay apart, as in the tree.
  const bits = new Uint32Array(1);
  const asFloat = new Float32Array(bits.buffer);
  const tests = new Map<number, number>();
  const testFeature: number[] = [];
  const testThreshold: number[] = [];
  let nSplits = 0;
  let widest = 0;
  for (const [t, tree] of forest.trees.entries()) {
    for (let i = 0; i < tree.feature.length; i++) {
      const feature = tree.feature[i]!;
      if (feature < 0) continue;
      nSplits++;
      asFloat[0] = tree.threshold[i]!;
      const key = feature * 2 ** 32 + bits[0]!;
      if (!tests.has(key)) {
        tests.set(key, testFeature.length);
        testFeature.push(feature);
        testThreshold.push(asFloat[0]);
      }
    }
    widest = Math.max(widest, trees[t]!.leavesBefore.at(-1)!);
  }
  const nLeaves = forest.trees.reduce((sum, tree) => sum + tree.feature.length, 0) - nSplits;
  const nTests = testFeature.length;
  const narrow = widest <= NARROW_MAX_LEAVES && nTests <= NARROW_MAX_TESTS;
  if (!narrow && (widest > WIDE_MAX_LEAVES || nTests > WIDE_MAX_TESTS)) {
    throw new Error(`forest file: a tree of ${widest} leaves or ${nTests} tests is too large`);
  }
  const counts = { nTrees: trees.length, nSplits, nLeaves, nTests, wordBytes: narrow ? 2 : 4 };
  const buffer = new ArrayBuffer(layout(counts).total);
  new Uint32Array(buffer, 0, 8).set([
    MAGIC,
    FOREST_BINARY_VERSION,
    forest.nFeatures,
    counts.nTrees,
    nSplits,
    nLeaves,
    nTests,
    counts.wordBytes,
  ]);
  const out = views(buffer, forest.nFeatures, counts);
  out.testFeature.set(testFeature);
  out.threshold.set(testThreshold);
  let splitBase = 0;
  let leafBase = 0;
  for (const [t, tree] of forest.trees.entries()) {
    const { order, leavesBefore } = trees[t]!;
    out.treeSplits[t] = splitBase;
    out.treeLeaves[t] = leafBase;
    const isLeaf = (p: number) => tree.feature[order[p]!]! < 0;
    for (let p = 0; p < order.length; p++) {
      const old = order[p]!;
      const before = leavesBefore[p]!;
      if (isLeaf(p)) {
        out.value[leafBase + before] = tree.value[old]!;
        continue;
      }
      const k = p - before;
      asFloat[0] = tree.threshold[old]!;
      out.test[splitBase + k] = tests.get(tree.feature[old]! * 2 ** 32 + bits[0]!)!;
      out.children[splitBase + k] =
        leavesBefore[2 * k + 1]! * 4 +
        (isLeaf(2 * k + 1) ? LEFT_IS_LEAF : 0) +
        (isLeaf(2 * k + 2) ? RIGHT_IS_LEAF : 0);
    }
    leafBase += leavesBefore[order.length]!;
    splitBase += order.length - leavesBefore[order.length]!;
  }
  out.treeSplits[counts.nTrees] = splitBase;
  out.treeLeaves[counts.nTrees] = leafBase;
  return new Uint8Array(buffer);
}

/**
 * Views deployed bytes as a forest, without copying. Checks the header and the size; the nodes
 * were checked when the bundle was built from model.json, and the caller checks the bytes' sha256
 * against the bundle's index before calling this, so these are the nodes the builder wrote.
 *
 * @throws Error describing what is wrong with the header or size
 * @example
 * const forest = decodeForest(await response.arrayBuffer());
 * predictCompact(forest, x, nRows);
 */
export function decodeForest(buffer: ArrayBuffer): CompactForest {
  assertLittleEndian();
  if (buffer.byteLength < HEADER_BYTES) {
    throw new Error(`forest file: ${buffer.byteLength} bytes is shorter than its header`);
  }
  const [
    magic,
    version,
    nFeatures = 0,
    nTrees = 0,
    nSplits = 0,
    nLeaves = 0,
    nTests = 0,
    word = 0,
  ] = new Uint32Array(buffer, 0, 8);
  if (magic !== MAGIC) throw new Error('forest file: not a Freshet forest (bad magic number)');
  if (version !== FOREST_BINARY_VERSION) {
    throw new Error(
      `forest file: version ${version} is not supported (this reader reads ${FOREST_BINARY_VERSION})`,
    );
  }
  const counts = { nTrees, nSplits, nLeaves, nTests, wordBytes: word };
  const { total } = layout(counts);
  if (
    nFeatures < 1 ||
    nTrees < 1 ||
    nLeaves !== nSplits + nTrees ||
    (word !== 2 && word !== 4) ||
    buffer.byteLength !== total
  ) {
    throw new Error(
      `forest file: ${buffer.byteLength} bytes, but its header (${nFeatures} features, ${nTrees} trees, ${nSplits} splits, ${nLeaves} leaves, ${nTests} tests, ${word}-byte words) needs ${total}`,
    );
  }
  return views(buffer, nFeatures, counts);
}

/**
 * Predicts rows given as one row-major float32 matrix (`x[i * nFeatures + f]`): per row, the mean
 * of the trees' leaf values. The same comparisons (float32 feature ≤ float32 threshold) and the
 * same float64 sum, tree by tree from 0, then divided by the tree count, as the training library's
 * predictBatch: the results are equal bit for bit.
 *
 * @throws Error when `x` does not hold `nRows × nFeatures` values
 * @example predictCompact(forest, new Float32Array(row), 1)[0]
 */
export function predictCompact(
  forest: CompactForest,
  x: Float32Array,
  nRows: number,
): Float64Array {
  const {
    nFeatures,
    nTrees,
    treeSplits,
    treeLeaves,
    test,
    children,
    testFeature,
    threshold,
    value,
  } = forest;
  if (x.length !== nRows * nFeatures) {
    throw new Error(`forest: x holds ${x.length} values, expected ${nRows} × ${nFeatures}`);
  }
  const out = new Float64Array(nRows);
  // Tree by tree, as predictBatch, so that one tree's nodes stay in cache over all rows.
  for (let t = 0; t < nTrees; t++) {
    // t < nTrees; splits, tests and leaves were written by encodeForest (sha256-checked), so every
    // index below is inside its array.
    const splits = treeSplits[t]!;
    const leaves = treeLeaves[t]!;
    const lone = treeSplits[t + 1] === splits;
    for (let i = 0; i < nRows; i++) {
      const offset = i * nFeatures;
      let leaf = 0;
      // Split k's children are the tree's nodes 2k + 1 and 2k + 2 breadth-first; the node at p is
      // split p − before, or leaf before, `before` counting the leaves ahead of it.
      let k = 0;
      while (!lone) {
        const word = children[splits + k]!;
        const tested = test[splits + k]!;
        const before = word >>> 2;
        if (x[offset + testFeature[tested]!]! <= threshold[tested]!) {
          if ((word & LEFT_IS_LEAF) !== 0) {
            leaf = before;
            break;
          }
          k = 2 * k + 1 - before;
        } else {
          const right = before + ((word & LEFT_IS_LEAF) >>> 1);
          if ((word & RIGHT_IS_LEAF) !== 0) {
            leaf = right;
            break;
          }
          k = 2 * k + 2 - right;
        }
      }
      out[i] = out[i]! + value[leaves + leaf]!;
    }
  }
  for (let i = 0; i < nRows; i++) out[i] = out[i]! / nTrees;
  return out;
}

function assertLittleEndian(): void {
  // Typed arrays use the platform's byte order; every Workers and Node platform is little-endian.
  if (!LITTLE_ENDIAN) throw new Error('forest file: a big-endian platform cannot read it as is');
}
