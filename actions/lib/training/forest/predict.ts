import { UsageError } from '../../errors.ts';
import type { FlatTree, TreeEnsemble } from './types.ts';

/**
 * Predicts one row: the mean of the trees' leaf values. Each feature is rounded to float32 before
 * it is compared, as in training and in the ONNX export.
 *
 * @param row the features in the forest's order (a plain array, a typed array…)
 * @throws UsageError when `row` does not hold `nFeatures` values
 * @example
 * predictRow(forest, [41.2, 38.9, 0.5, 0.87]);
 */
export function predictRow(forest: TreeEnsemble, row: ArrayLike<number>): number {
  const nFeatures = forest.nFeatures;
  if (row.length !== nFeatures) {
    throw new UsageError(`forest: a row must hold ${nFeatures} features, got ${row.length}`);
  }
  const features = roundedRow(nFeatures);
  for (let f = 0; f < nFeatures; f++) features[f] = row[f]!; // row.length === nFeatures (above)
  const trees = forest.trees;
  let sum = 0;
  for (const tree of trees) sum += leafValue(tree, features, 0);
  return sum / trees.length;
}

/**
 * Predicts many rows given as one row-major float32 matrix (`x[i * nFeatures + f]`).
 *
 * @throws UsageError when `x` does not hold `nRows × nFeatures` values
 * @example
 * const predictions = predictBatch(forest, x, nRows); // Float64Array(nRows)
 */
export function predictBatch(forest: TreeEnsemble, x: Float32Array, nRows: number): Float64Array {
  const nFeatures = forest.nFeatures;
  if (x.length !== nRows * nFeatures) {
    throw new UsageError(
      `forest: x holds ${x.length} values, expected nRows × nFeatures = ${nRows} × ${nFeatures}`,
    );
  }
  const out = new Float64Array(nRows);
  // Tree by tree, so that one tree's arrays stay in cache over all rows.
  for (const tree of forest.trees) {
    // out has nRows entries.
    for (let i = 0; i < nRows; i++) out[i] = out[i]! + leafValue(tree, x, i * nFeatures);
  }
  const n = forest.trees.length;
  return out.map((sum) => sum / n);
}

/** The value of the leaf a float32 row (starting at `offset` in `x`) falls into. */
function leafValue(tree: FlatTree, x: Float32Array, offset: number): number {
  // Trees come from fitForest or parseModelJson, which checks every node: child ids name nodes of
  // the tree and feature indexes are < nFeatures, so the walk stays inside its arrays and the row.
  const { feature, threshold, left, right, value } = tree;
  let node = 0;
  let f = feature[0]!;
  while (f >= 0) {
    node = x[offset + f]! <= threshold[node]! ? left[node]! : right[node]!;
    f = feature[node]!;
  }
  return value[node]!;
}

// One reusable buffer: writing into a Float32Array is the float32 rounding, without allocating.
let rowBuffer = new Float32Array(0);
function roundedRow(nFeatures: number): Float32Array {
  if (rowBuffer.length < nFeatures) rowBuffer = new Float32Array(nFeatures);
  return rowBuffer;
}
