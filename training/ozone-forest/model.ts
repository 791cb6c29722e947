// The example's training step: feature rows → chronological split → forest → scores on the test
// window. Pure: train.ts reads the table before and writes the artifacts after.

import type { FeatureMatrix, FeatureSpec } from '../../actions/lib/training/data/features.ts';
import {
  type Forest,
  featureImportances,
  fitForest,
  predictBatch,
} from '../../actions/lib/training/forest/index.ts';
import {
  type ChronologicalSplit,
  chronologicalSplit,
  type ForecastMetrics,
  forecastMetrics,
  persistenceForecast,
} from './evaluate.ts';
import type { OzoneForestOptions } from './options.ts';

/**
 * model.json grows with the trees' leaves: about 32 bytes per tree for every `minSamplesLeaf` training
 * rows on this project's features (measured: 4.5 MB for 100 trees, 6,988 rows, leaves of 5; 5.4 MB
 * for 100 trees, 35,039 rows, leaves of 20). A budget of 100 trees × 1,400 rows per leaf size keeps
 * it near 4.5 MB, under the 5 MB a model may take.
 */
const TREE_ROWS_PER_LEAF_SIZE = 140_000;

/**
 * The smallest leaf size the example uses: below it a year's forest gains nothing but bytes (on a
 * year of generated hourly ozone, leaves of 10 score a test RMSE 0.8 % lower than leaves of 5, in a
 * forest half the size: 0.37 MB deployed instead of 0.73, which a cold Worker reads and hashes).
 */
const SMALLEST_AUTO_LEAF = 10;

/**
 * The leaf size `auto` means: 10 up to about two years of hourly rows (100 trees), then growing with the
 * rows so that model.json stays under 5 MB — on generated hourly ozone at P365D and P5Y its RMSE is
 * within 2 % of the fully grown forest's (test/training/ozone-forest/model.test.ts).
 *
 * @example chooseMinSamplesLeaf(6_988, 100) === 10; chooseMinSamplesLeaf(35_039, 100) === 26
 */
export function chooseMinSamplesLeaf(trainRows: number, nEstimators: number): number {
  return Math.max(
    SMALLEST_AUTO_LEAF,
    Math.ceil((trainRows * nEstimators) / TREE_ROWS_PER_LEAF_SIZE),
  );
}

/** A trained forest and how it did on the test window. */
export interface OzoneForestResult {
  readonly forest: Forest;
  /** The leaf size it was grown with (`auto` resolved). */
  readonly minSamplesLeaf: number;
  readonly split: ChronologicalSplit;
  /** Issue time of each test row (epoch ms); the prediction is for issue time + horizon. */
  readonly testTimes: Float64Array;
  /** The label of each test row. */
  readonly observed: Float64Array;
  /** The forest's prediction of each test row. */
  readonly predicted: Float64Array;
  readonly metrics: ForecastMetrics;
  /** Mean decrease in impurity per feature, in signature order, summing to 1. */
  readonly importances: Float64Array;
}

/**
 * Trains on the older rows of `matrix` and scores on the newest `options.testFraction` of them.
 *
 * @throws UsageError when there are too few rows (see `chronologicalSplit`), the spec has no lag
 *   for the persistence baseline, or a forest parameter is out of range
 * @example
 * const matrix = buildFeatures(spec, { target: series });
 * const { forest, metrics } = trainOzoneForest(matrix, spec, DEFAULT_OPTIONS);
 */
export function trainOzoneForest(
  matrix: FeatureMatrix,
  spec: FeatureSpec,
  options: OzoneForestOptions,
): OzoneForestResult {
  const context = `${matrix.nRows} feature rows (${matrix.skippedForGaps} hours left out for gaps)`;
  const split = chronologicalSplit(matrix.nRows, options.testFraction, context);
  const { nTrain, nTest } = split;
  const width = matrix.nFeatures;
  const minSamplesLeaf =
    options.minSamplesLeaf === 'auto'
      ? chooseMinSamplesLeaf(nTrain, options.nEstimators)
      : options.minSamplesLeaf;
  const forest = fitForest(
    matrix.x.subarray(0, nTrain * width),
    nTrain,
    width,
    matrix.y.subarray(0, nTrain),
    {
      nEstimators: options.nEstimators,
      minSamplesLeaf,
      maxFeatures: options.maxFeatures,
      ...(options.maxDepth > 0 ? { maxDepth: options.maxDepth } : {}),
      seed: options.seed,
    },
  );
  const predicted = predictBatch(forest, matrix.x.subarray(nTrain * width), nTest);
  const observed = matrix.y.slice(nTrain);
  const persistence = persistenceForecast(spec, matrix, nTrain, matrix.nRows);
  return {
    forest,
    minSamplesLeaf,
    split,
    testTimes: matrix.times.slice(nTrain),
    observed,
    predicted,
    metrics: forecastMetrics(observed, predicted, persistence, split),
    importances: featureImportances(forest),
  };
}
