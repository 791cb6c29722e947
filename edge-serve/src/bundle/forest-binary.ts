// The deployed form of a forest: one ArrayBuffer that the Worker reads as typed-array views — no
// JSON, no base64, no copy, nothing proportional to the model but the sha256 the loader checks
// first. 10 bytes a node instead of model.json's 24 (as typed arrays; 32 as base64), because a
// cold isolate pays for every byte it hashes within its 10 ms of CPU (on the example model,
// 3.4 MB → 1.4 MB). Web-standard: the Worker decodes it, the bundle builder (Node) encodes it.
//
// Two facts make it small: a split node's two children can always be numbered next to each other
// (the encoder renumbers every tree breadth-first), so only the left child is stored; and a node is
// either a split (float32 threshold + int32 child: 8 bytes) or a leaf (float64 value: 8 bytes), so
// both share one 8-byte slot.
import type { TreeEnsemble } from '../../../actions/lib/training/forest/types.ts';

/** `FRST` read as a little-endian uint32: the first four bytes of every forest file. */
const MAGIC = 0x5453_5246;
/** The layout below; a reader refuses any other. */
export const FOREST_BINARY_VERSION = 1;
/** magic, version, n_features, n_trees, n_nodes, reserved ×3 (uint32 each): 32 bytes. */
const HEADER_BYTES = 32;
/** Feature indexes are int16: a split's feature must be below this. */
const MAX_FEATURES = 0x7fff;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * A forest as the Worker evaluates it: node `i` (global, over all trees) is a leaf when
 * `feature[i] === -1`, with value `value[i]`; otherwise a row goes to node `child[2i + 1]` when
 * `fround(row[feature[i]]) <= threshold[2i]`, else to `child[2i + 1] + 1`. Tree `t`'s root is node
 * `roots[t]`. `threshold`, `child` and `value` are views of one 8-byte slot per node.
 */
export interface CompactForest {
  readonly nFeatures: number;
  readonly nTrees: number;
  readonly roots: Int32Array;
  readonly feature: Int16Array;
  readonly threshold: Float32Array;
  readonly child: Int32Array;
  readonly value: Float64Array;
}

/**
 * Byte layout, little-endian, N nodes over T trees, each section aligned to its element size:
 *
 * | offset            | section                                                      |
 * |-------------------|--------------------------------------------------------------|
 * | 0                 | header: 8 × uint32 (see HEADER_BYTES)                         |
 * | 32                | slot × N, 8 bytes: leaf float64 value, or split float32 threshold then int32 left child (global) |
 * | 32 + 8N           | root: int32 × T (global node of each tree's root)             |
 * | 32 + 8N + 4T      | feature: int16 × N (-1 for a leaf)                            |
 */
function layout(nTrees: number, nNodes: number) {
  const slots = HEADER_BYTES;
  const roots = slots + 8 * nNodes;
  const feature = roots + 4 * nTrees;
  return { slots, roots, feature, total: feature + 2 * nNodes };
}

function views(buffer: ArrayBuffer, nFeatures: number, nTrees: number, nNodes: number) {
  const at = layout(nTrees, nNodes);
  return {
    nFeatures,
    nTrees,
    roots: new Int32Array(buffer, at.roots, nTrees),
    feature: new Int16Array(buffer, at.feature, nNodes),
    threshold: new Float32Array(buffer, at.slots, 2 * nNodes),
    child: new Int32Array(buffer, at.slots, 2 * nNodes),
    value: new Float64Array(buffer, at.slots, nNodes),
  };
}

/**
 * Encodes a forest (trees as parsed and checked from model.json) into its deployed bytes. Each
 * tree is renumbered breadth-first so that siblings are adjacent; its splits and leaves are
 * unchanged, so it predicts exactly as before.
 *
 * @throws Error when a split's feature index does not fit in int16
 * @example
 * const bytes = encodeForest(parseModelJson(text)); // decodeForest(bytes.buffer) reads it
 */
export function encodeForest(forest: TreeEnsemble): Uint8Array {
  assertLittleEndian();
  if (forest.nFeatures > MAX_FEATURES) {
    throw new Error(`forest file: ${forest.nFeatures} features is more than ${MAX_FEATURES}`);
  }
  const nTrees = forest.trees.length;
  const nNodes = forest.trees.reduce((sum, tree) => sum + tree.feature.length, 0);
  const at = layout(nTrees, nNodes);
  const buffer = new ArrayBuffer(at.total);
  new Uint32Array(buffer, 0, 8).set([
    MAGIC,
    FOREST_BINARY_VERSION,
    forest.nFeatures,
    nTrees,
    nNodes,
  ]);
  const out = views(buffer, forest.nFeatures, nTrees, nNodes);
  let base = 0;
  for (const [t, tree] of forest.trees.entries()) {
    out.roots[t] = base;
    // Breadth-first: `order[k]` is the old id of new node k; children get the next two ids.
    const order = [0];
    for (let k = 0; k < order.length; k++) {
      // k < order.length; old ids come from the tree's own checked child arrays.
      const old = order[k]!;
      const slot = base + k;
      const feature = tree.feature[old]!;
      out.feature[slot] = feature;
      if (feature < 0) {
        out.value[slot] = tree.value[old]!;
        continue;
      }
      out.threshold[2 * slot] = tree.threshold[old]!;
      out.child[2 * slot + 1] = base + order.length;
      order.push(tree.left[old]!, tree.right[old]!);
    }
    if (order.length !== tree.feature.length) {
      throw new Error(`forest file: tree ${t} has nodes its root does not reach`);
    }
    base += order.length;
  }
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
  const [magic, version, nFeatures = 0, nTrees = 0, nNodes = 0] = new Uint32Array(buffer, 0, 8);
  if (magic !== MAGIC) throw new Error('forest file: not a Freshet forest (bad magic number)');
  if (version !== FOREST_BINARY_VERSION) {
    throw new Error(
      `forest file: version ${version} is not supported (this reader reads ${FOREST_BINARY_VERSION})`,
    );
  }
  const { total } = layout(nTrees, nNodes);
  if (nFeatures < 1 || nTrees < 1 || buffer.byteLength !== total) {
    throw new Error(
      `forest file: ${buffer.byteLength} bytes, but its header (${nFeatures} features, ${nTrees} trees, ${nNodes} nodes) needs ${total}`,
    );
  }
  return views(buffer, nFeatures, nTrees, nNodes);
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
  const { nFeatures, nTrees, roots, feature, threshold, child, value } = forest;
  if (x.length !== nRows * nFeatures) {
    throw new Error(`forest: x holds ${x.length} values, expected ${nRows} × ${nFeatures}`);
  }
  const out = new Float64Array(nRows);
  // Tree by tree, as predictBatch, so that one tree's nodes stay in cache over all rows.
  for (let t = 0; t < nTrees; t++) {
    // t < nTrees = roots.length; nodes and children were written by encodeForest (sha256-checked).
    const root = roots[t]!;
    for (let i = 0; i < nRows; i++) {
      const offset = i * nFeatures;
      let node = root;
      let f = feature[node]!;
      while (f >= 0) {
        const left = child[2 * node + 1]!;
        node = x[offset + f]! <= threshold[2 * node]! ? left : left + 1;
        f = feature[node]!;
      }
      out[i] = out[i]! + value[node]!;
    }
  }
  for (let i = 0; i < nRows; i++) out[i] = out[i]! / nTrees;
  return out;
}

function assertLittleEndian(): void {
  // Typed arrays use the platform's byte order; every Workers and Node platform is little-endian.
  if (!LITTLE_ENDIAN) throw new Error('forest file: a big-endian platform cannot read it as is');
}
