// The deployed form of a forest: one ArrayBuffer that the Worker reads as typed-array views — no
// JSON, no base64, no copy, nothing proportional to the model but the sha256 the loader checks
// first. A cold isolate pays for every byte of it within its 10 ms of CPU (fetching it through the
// static assets, then hashing it), so it is as small as a lossless, zero-parse form can be: on the
// example model 0.36 MB, against model.json's 2.2 MB (version 1 of this form took 10 bytes a node).
// Web-standard: the Worker decodes it, the bundle builder (Node) encodes it.
//
// What makes it small, while a first prediction — run by V8's interpreter in a cold isolate, where
// each node visited costs more than a few bytes fetched — stays a short walk:
// - Leaves and splits are stored apart. A leaf is its float64 value, bit for bit (float32 values
//   would not sum to the library's predictions), in 7 bytes: the low 48 bits as they are, the high
//   16 (sign, exponent, 4 bits of mantissa) as a byte indexing the forest's distinct high halves —
//   a model's predictions span few binades, so there are a few hundred at most (2 bytes else).
// - A split's test (feature, float32 threshold) is an index into the forest's table of distinct
//   tests: the library's trees split at bin edges, at most 255 a feature, so 2 bytes name it.
// - Children are implicit. Numbering a tree's nodes breadth-first, the k-th split's children are
//   nodes 2k + 1 and 2k + 2 (every split before it has two children, the root is node 0), and a
//   node is split p − b or leaf b, p being its place and b the tree's leaves before it. So a split
//   stores b for its left child, in one byte with two bits saying which children are leaves: b is
//   counted from a uint32 shared by 32 splits (it grows by at most 2 a split, so 6 bits hold the
//   rest). A split costs 3.125 bytes.
import type { TreeEnsemble } from '../../../actions/lib/training/forest/types.ts';

/** `FRST` read as a little-endian uint32: the first four bytes of every forest file. */
const MAGIC = 0x5453_5246;
/** The layout below; a reader refuses any other (version 1 stored 10 bytes a node). */
export const FOREST_BINARY_VERSION = 2;
/**
 * magic, version, n_features, n_trees, n_slots, n_leaves, n_tests, n_highs, test_bytes,
 * high_bytes, 2 reserved (uint32 each).
 */
const HEADER_BYTES = 48;
/** Test features are uint16. */
const MAX_FEATURES = 0xffff;
/** Splits whose leaf counts start from one uint32; each tree's splits start at a multiple of it. */
const SPLITS_PER_BLOCK = 32;
const BLOCK_SHIFT = 5;
/** A split's byte: `b << 2 | rightIsLeaf << 1 | leftIsLeaf`, b counted from its block's count. */
const LEFT_IS_LEAF = 1;
const RIGHT_IS_LEAF = 2;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * A forest as the Worker evaluates it. Tree `t` owns split slots `treeSplits[t]…` (its splits
 * breadth-first, then padding to a multiple of 32) and leaves `treeLeaves[t]…treeLeaves[t + 1] - 1`
 * (breadth-first); a tree without splits is one leaf. Slot `s` sends a row left when
 * `fround(row[testFeature[test[s]]]) <= threshold[test[s]]`; its left child is preceded in the tree
 * by `blockLeaves[s >> 5] + (child[s] >> 2)` leaves, and bits 0 and 1 of `child[s]` say whether its
 * left and right children are leaves. Leaf `l`'s value has the float64 bits
 * `highTable[leafHigh[l]] << 48 | leafMid[l] << 32 | leafLow[l]`. See {@link predictCompact}.
 */
export interface CompactForest {
  readonly nFeatures: number;
  readonly nTrees: number;
  readonly treeSplits: Uint32Array;
  readonly treeLeaves: Uint32Array;
  readonly blockLeaves: Uint32Array;
  readonly child: Uint8Array;
  readonly test: Uint16Array | Uint32Array;
  readonly testFeature: Uint16Array;
  readonly threshold: Float32Array;
  readonly leafLow: Uint32Array;
  readonly leafMid: Uint16Array;
  readonly leafHigh: Uint8Array | Uint16Array;
  readonly highTable: Uint16Array;
}

interface Counts {
  readonly nTrees: number;
  /** Split slots: every tree's splits, each tree padded to a multiple of 32. */
  readonly nSlots: number;
  readonly nLeaves: number;
  readonly nTests: number;
  readonly nHighs: number;
  /** 2, or 4 when there are more than 65,536 tests. */
  readonly testBytes: number;
  /** 1, or 2 when there are more than 256 high halves. */
  readonly highBytes: number;
}

/**
 * Byte layout, little-endian, T trees, N split slots, L leaves, D distinct tests, H distinct high
 * halves; each section aligned to its element size:
 *
 * | section                                   | type × count                 |
 * |-------------------------------------------|------------------------------|
 * | header (see HEADER_BYTES)                 | uint32 × 12                  |
 * | leafLow: a leaf value's low 32 bits       | uint32 × L                   |
 * | threshold                                 | float32 × D                  |
 * | treeSplits (the last one is N)            | uint32 × (T + 1)             |
 * | treeLeaves (the last one is L)            | uint32 × (T + 1)             |
 * | blockLeaves                               | uint32 × N / 32              |
 * | test                                      | uint16 (or uint32) × N       |
 * | leafMid: a leaf value's bits 32–47        | uint16 × L                   |
 * | testFeature                               | uint16 × D                   |
 * | highTable: distinct bits 48–63            | uint16 × H                   |
 * | child                                     | uint8 × N                    |
 * | leafHigh                                  | uint8 (or uint16) × L        |
 */
function layout(counts: Counts) {
  const { nTrees, nSlots, nLeaves, nTests, nHighs, testBytes, highBytes } = counts;
  const leafLow = HEADER_BYTES;
  const threshold = leafLow + 4 * nLeaves;
  const treeSplits = threshold + 4 * nTests;
  const treeLeaves = treeSplits + 4 * (nTrees + 1);
  const blockLeaves = treeLeaves + 4 * (nTrees + 1);
  const test = blockLeaves + (4 * nSlots) / SPLITS_PER_BLOCK;
  const leafMid = test + testBytes * nSlots;
  const testFeature = leafMid + 2 * nLeaves;
  const highTable = testFeature + 2 * nTests;
  const child = highTable + 2 * nHighs;
  const leafHigh = child + nSlots;
  const total = leafHigh + highBytes * nLeaves;
  return {
    leafLow,
    threshold,
    treeSplits,
    treeLeaves,
    blockLeaves,
    test,
    leafMid,
    testFeature,
    highTable,
    child,
    leafHigh,
    total,
  };
}

function views(buffer: ArrayBuffer, nFeatures: number, counts: Counts): CompactForest {
  const at = layout(counts);
  const { nTrees, nSlots, nLeaves, nTests, nHighs } = counts;
  return {
    nFeatures,
    nTrees,
    treeSplits: new Uint32Array(buffer, at.treeSplits, nTrees + 1),
    treeLeaves: new Uint32Array(buffer, at.treeLeaves, nTrees + 1),
    blockLeaves: new Uint32Array(buffer, at.blockLeaves, nSlots / SPLITS_PER_BLOCK),
    child: new Uint8Array(buffer, at.child, nSlots),
    test:
      counts.testBytes === 2
        ? new Uint16Array(buffer, at.test, nSlots)
        : new Uint32Array(buffer, at.test, nSlots),
    testFeature: new Uint16Array(buffer, at.testFeature, nTests),
    threshold: new Float32Array(buffer, at.threshold, nTests),
    leafLow: new Uint32Array(buffer, at.leafLow, nLeaves),
    leafMid: new Uint16Array(buffer, at.leafMid, nLeaves),
    leafHigh:
      counts.highBytes === 1
        ? new Uint8Array(buffer, at.leafHigh, nLeaves)
        : new Uint16Array(buffer, at.leafHigh, nLeaves),
    highTable: new Uint16Array(buffer, at.highTable, nHighs),
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
  const nLeaves = leavesBefore[order.length]!;
  return { order, leavesBefore, nLeaves, nSplits: order.length - nLeaves };
}

/** Numbers distinct keys in the order they are first seen. */
class Numbering<K> {
  readonly #ids = new Map<K, number>();
  readonly keys: K[] = [];
  id(key: K): number {
    let id = this.#ids.get(key);
    if (id === undefined) {
      id = this.keys.length;
      this.#ids.set(key, id);
      this.keys.push(key);
    }
    return id;
  }
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
  // One float64's bits and one float32's, to read and write them as integers.
  const float64 = new Float64Array(1);
  const bits64 = new Uint32Array(float64.buffer);
  const float32 = new Float32Array(1);
  const bits32 = new Uint32Array(float32.buffer);
  // Tests by feature and the threshold's float32 bits (-0 and 0 stay apart, as in the tree).
  const tests = new Numbering<number>();
  const testOf = (feature: number, threshold: number) => {
    float32[0] = threshold;
    return tests.id(feature * 2 ** 32 + bits32[0]!);
  };
  const highs = new Numbering<number>();
  const slotsOf = (nSplits: number) => Math.ceil(nSplits / SPLITS_PER_BLOCK) * SPLITS_PER_BLOCK;
  const nSlots = trees.reduce((sum, tree) => sum + slotsOf(tree.nSplits), 0);
  const nLeaves = trees.reduce((sum, tree) => sum + tree.nLeaves, 0);
  // The tests and high halves are numbered before the layout is known; the slots and leaves they
  // go to are filled in below.
  const splitTests = new Uint32Array(nSlots);
  const leafHighs = new Uint32Array(nLeaves);
  let slotBase = 0;
  let leafBase = 0;
  for (const [t, tree] of forest.trees.entries()) {
    const { order, leavesBefore, nLeaves: leaves, nSplits } = trees[t]!;
    for (let p = 0; p < order.length; p++) {
      const old = order[p]!;
      const before = leavesBefore[p]!;
      if (tree.feature[old]! < 0) {
        float64[0] = tree.value[old]!;
        leafHighs[leafBase + before] = highs.id(bits64[1]! >>> 16);
      } else {
        splitTests[slotBase + p - before] = testOf(tree.feature[old]!, tree.threshold[old]!);
      }
    }
    slotBase += slotsOf(nSplits);
    leafBase += leaves;
  }
  const counts: Counts = {
    nTrees: trees.length,
    nSlots,
    nLeaves,
    nTests: tests.keys.length,
    nHighs: highs.keys.length,
    testBytes: tests.keys.length <= 2 ** 16 ? 2 : 4,
    highBytes: highs.keys.length <= 2 ** 8 ? 1 : 2,
  };
  const buffer = new ArrayBuffer(layout(counts).total);
  new Uint32Array(buffer, 0, HEADER_BYTES / 4).set([
    MAGIC,
    FOREST_BINARY_VERSION,
    forest.nFeatures,
    counts.nTrees,
    nSlots,
    nLeaves,
    counts.nTests,
    counts.nHighs,
    counts.testBytes,
    counts.highBytes,
  ]);
  const out = views(buffer, forest.nFeatures, counts);
  out.test.set(splitTests);
  out.testFeature.set(tests.keys.map((key) => Math.floor(key / 2 ** 32)));
  out.threshold.set(
    tests.keys.map((key) => {
      bits32[0] = key % 2 ** 32;
      return float32[0]!;
    }),
  );
  out.highTable.set(highs.keys);
  out.leafHigh.set(leafHighs);
  slotBase = 0;
  leafBase = 0;
  for (const [t, tree] of forest.trees.entries()) {
    const { order, leavesBefore, nLeaves: leaves, nSplits } = trees[t]!;
    out.treeSplits[t] = slotBase;
    out.treeLeaves[t] = leafBase;
    for (let p = 0; p < order.length; p++) {
      const old = order[p]!;
      const before = leavesBefore[p]!;
      if (tree.feature[old]! < 0) {
        float64[0] = tree.value[old]!;
        out.leafLow[leafBase + before] = bits64[0]!;
        out.leafMid[leafBase + before] = bits64[1]! & 0xffff;
        continue;
      }
      const k = p - before;
      const slot = slotBase + k;
      const block = slot >>> BLOCK_SHIFT;
      // The tree's leaves before its left child (node 2k + 1), from the block's first split's.
      const leftBefore = leavesBefore[2 * k + 1]!;
      if (k % SPLITS_PER_BLOCK === 0) out.blockLeaves[block] = leftBefore;
      out.child[slot] =
        ((leftBefore - out.blockLeaves[block]!) << 2) +
        (leavesBefore[2 * k + 2]! > leftBefore ? LEFT_IS_LEAF : 0) +
        (leavesBefore[2 * k + 3]! > leavesBefore[2 * k + 2]! ? RIGHT_IS_LEAF : 0);
    }
    slotBase += slotsOf(nSplits);
    leafBase += leaves;
  }
  out.treeSplits[counts.nTrees] = slotBase;
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
  const header = new Uint32Array(buffer, 0, HEADER_BYTES / 4);
  const [magic, version, nFeatures = 0, nTrees = 0, nSlots = 0, nLeaves = 0] = header;
  const [nTests = 0, nHighs = 0, testBytes = 0, highBytes = 0] = header.subarray(6);
  if (magic !== MAGIC) throw new Error('forest file: not a Freshet forest (bad magic number)');
  if (version !== FOREST_BINARY_VERSION) {
    throw new Error(
      `forest file: version ${version} is not supported (this reader reads ${FOREST_BINARY_VERSION})`,
    );
  }
  const counts = { nTrees, nSlots, nLeaves, nTests, nHighs, testBytes, highBytes };
  const { total } = layout(counts);
  if (
    nFeatures < 1 ||
    nTrees < 1 ||
    nSlots % SPLITS_PER_BLOCK !== 0 ||
    (testBytes !== 2 && testBytes !== 4) ||
    (highBytes !== 1 && highBytes !== 2) ||
    buffer.byteLength !== total
  ) {
    throw new Error(
      `forest file: ${buffer.byteLength} bytes, but its header (${nFeatures} features, ${nTrees} trees, ${nSlots} split slots, ${nLeaves} leaves, ${nTests} tests, ${nHighs} high halves, ${testBytes}-byte tests, ${highBytes}-byte highs) needs ${total}`,
    );
  }
  return views(buffer, nFeatures, counts);
}

// One float64 and its two uint32 halves: a leaf's value is assembled there from its bits.
const leafValue = new Float64Array(1);
const leafBits = new Uint32Array(leafValue.buffer);

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
  const { nFeatures, nTrees, treeSplits, treeLeaves, blockLeaves, child, test } = forest;
  const { testFeature, threshold, leafLow, leafMid, leafHigh, highTable } = forest;
  if (x.length !== nRows * nFeatures) {
    throw new Error(`forest: x holds ${x.length} values, expected ${nRows} × ${nFeatures}`);
  }
  const out = new Float64Array(nRows);
  // Tree by tree, as predictBatch, so that one tree's nodes stay in cache over all rows.
  for (let t = 0; t < nTrees; t++) {
    // t < nTrees; slots, tests and leaves were written by encodeForest (sha256-checked), so every
    // index below is inside its array.
    const first = treeSplits[t]!;
    const lone = treeSplits[t + 1] === first;
    for (let i = 0; i < nRows; i++) {
      const offset = i * nFeatures;
      // The tree's leaf the row reaches. Split k's children are the tree's nodes 2k + 1 and 2k + 2;
      // node p is split p − b or leaf b, b counting the leaves before it.
      let leaf = 0;
      for (let k = 0; !lone; ) {
        const slot = first + k;
        const bits = child[slot]!;
        const tested = test[slot]!;
        const before = blockLeaves[slot >>> BLOCK_SHIFT]! + (bits >>> 2);
        if (x[offset + testFeature[tested]!]! <= threshold[tested]!) {
          if (bits & LEFT_IS_LEAF) {
            leaf = before;
            break;
          }
          k = 2 * k + 1 - before;
        } else {
          const right = before + (bits & LEFT_IS_LEAF);
          if (bits & RIGHT_IS_LEAF) {
            leaf = right;
            break;
          }
          k = 2 * k + 2 - right;
        }
      }
      const l = treeLeaves[t]! + leaf;
      leafBits[0] = leafLow[l]!;
      leafBits[1] = (highTable[leafHigh[l]!]! << 16) | leafMid[l]!;
      out[i] = out[i]! + leafValue[0]!;
    }
  }
  for (let i = 0; i < nRows; i++) out[i] = out[i]! / nTrees;
  return out;
}

function assertLittleEndian(): void {
  // Typed arrays use the platform's byte order; every Workers and Node platform is little-endian.
  if (!LITTLE_ENDIAN) throw new Error('forest file: a big-endian platform cannot read it as is');
}
