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

/** A trained forest and how it did on the test window. */
export interface OzoneForestResult {
  readonly forest: Forest;
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
  const forest = fitForest(
    matrix.x.subarray(0, nTrain * width),
    nTrain,
    width,
    matrix.y.subarray(0, nTrain),
    {
      nEstimators: options.nEstimators,
      minSamplesLeaf: options.minSamplesLeaf,
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
    split,
    testTimes: matrix.times.slice(nTrain),
    observed,
    predicted,
    metrics: forecastMetrics(observed, predicted, persistence, split),
    importances: featureImportances(forest),
  };
}
