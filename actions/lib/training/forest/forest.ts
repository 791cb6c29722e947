import { UsageError } from '../../errors.ts';
import { binFeatures } from './binning.ts';
import { createTreeGrower, type GrownTree } from './grow-tree.ts';
import { resolveForestParams } from './params.ts';
import { createRandom, deriveSeed } from './random.ts';
import type { FlatTree, Forest, ForestParams } from './types.ts';

/**
 * Fits a random forest regressor like scikit-learn's `RandomForestRegressor` (squared error,
 * bootstrap of `nRows` draws with replacement, `max_features` drawn per split), on features binned
 * once into at most `maxBins` quantile bins. Features are float32: a row goes left when
 * `Math.fround(x) <= threshold`, here as in the Worker and the ONNX export.
 *
 * @param x row-major features, `x[i * nFeatures + f]`
 * @param y the target of each row
 * @throws UsageError when the shapes disagree, a value is not finite or a parameter is invalid
 * @example
 * const forest = fitForest(x, nRows, nFeatures, y, { nEstimators: 100, minSamplesLeaf: 5, seed: 1 });
 * const prediction = predictRow(forest, row);
 */
export function fitForest(
  x: Float32Array,
  nRows: number,
  nFeatures: number,
  y: Float64Array,
  params: ForestParams = {},
): Forest {
  checkTrainingData(x, nRows, nFeatures, y);
  const resolved = resolveForestParams(params, nFeatures);
  const binned = binFeatures(x, nRows, nFeatures, resolved.maxBins);
  const grower = createTreeGrower(binned, y, {
    featuresPerSplit: resolved.featuresPerSplit,
    maxDepth: resolved.maxDepth ?? Number.POSITIVE_INFINITY,
    minSamplesLeaf: resolved.minSamplesLeaf,
  });
  const weights = new Float64Array(nRows);
  const grown: GrownTree[] = [];
  for (let t = 0; t < resolved.nEstimators; t++) {
    // Each tree has its own stream, so a tree does not depend on what the others drew.
    const random = createRandom(deriveSeed(resolved.seed, t));
    if (resolved.bootstrap) {
      weights.fill(0);
      // nextInt(nRows) < nRows = weights.length.
      for (let i = 0; i < nRows; i++) weights[random.nextInt(nRows)]!++;
    } else {
      weights.fill(1);
    }
    grown.push(grower.grow(weights, random));
  }
  return {
    nFeatures,
    trees: grown.map((g): FlatTree => g.tree),
    impurityDecrease: grown.map((g) => g.impurityDecrease),
    params: resolved,
  };
}

/**
 * Impurity-based feature importances (mean decrease in impurity), as scikit-learn computes them:
 * each tree's decreases normalised to sum 1, averaged over the trees that split at all, and
 * normalised again. All zeros when no tree split.
 *
 * @example
 * const ranked = [...featureImportances(forest)].map((v, f) => [f, v]).sort((a, b) => b[1] - a[1]);
 */
export function featureImportances(forest: Forest): Float64Array {
  const total = new Float64Array(forest.nFeatures);
  for (const decrease of forest.impurityDecrease) {
    let sum = 0;
    for (const d of decrease) sum += d;
    if (!(sum > 0)) continue;
    // One entry per feature in both (the grower sizes `decrease` by nFeatures): f < total.length.
    for (let f = 0; f < total.length; f++) total[f] = total[f]! + (decrease[f] ?? 0) / sum;
  }
  let sum = 0;
  for (const v of total) sum += v;
  return sum > 0 ? total.map((v) => v / sum) : total;
}

function checkTrainingData(x: Float32Array, nRows: number, nFeatures: number, y: Float64Array) {
  const problems: string[] = [];
  if (!Number.isInteger(nRows) || nRows < 1) problems.push(`nRows must be >= 1, got ${nRows}`);
  if (!Number.isInteger(nFeatures) || nFeatures < 1) {
    problems.push(`nFeatures must be >= 1, got ${nFeatures}`);
  }
  if (problems.length === 0 && x.length !== nRows * nFeatures) {
    problems.push(
      `x holds ${x.length} values, expected nRows × nFeatures = ${nRows} × ${nFeatures} = ${nRows * nFeatures}`,
    );
  }
  if (y.length !== nRows) problems.push(`y holds ${y.length} values, expected nRows = ${nRows}`);
  if (problems.length === 0) {
    const bad = firstNonFinite(x, 3);
    if (bad.length > 0) {
      const where = bad.map((i) => `row ${Math.floor(i / nFeatures)} feature ${i % nFeatures}`);
      problems.push(
        `x must be finite (impute missing values first); not at ${where.join(', ')}${bad.length === 3 ? ', …' : ''}`,
      );
    }
    const badY = firstNonFinite(y, 3);
    if (badY.length > 0) {
      problems.push(
        `y must be finite; not at rows ${badY.join(', ')}${badY.length === 3 ? ', …' : ''}`,
      );
    }
  }
  if (problems.length > 0) throw new UsageError(problems.map((p) => `forest: ${p}`));
}

function firstNonFinite(values: ArrayLike<number>, limit: number): number[] {
  const found: number[] = [];
  for (let i = 0; i < values.length && found.length < limit; i++) {
    if (!Number.isFinite(values[i])) found.push(i);
  }
  return found;
}
