// How the example measures a model: a chronological split (the newest rows are the test window),
// the usual regression scores, and persistence — "the next hour is like this one" — as the baseline
// a forecast has to beat. Pure. ../ozone-sklearn/train.py computes the same numbers the same way.
import { UsageError } from '../../actions/lib/errors.ts';
import type { FeatureSpec } from '../../actions/lib/training/data/features.ts';

/** Fewest training rows worth fitting a forest on: two days of hours. */
export const MIN_TRAIN_ROWS = 48;
/** Fewest test rows worth a score: one day of hours. */
export const MIN_TEST_ROWS = 24;

/** Rows `[0, nTrain)` train, rows `[nTrain, nTrain + nTest)` — the newest — test. */
export interface ChronologicalSplit {
  readonly nTrain: number;
  readonly nTest: number;
}

/**
 * Splits rows in time order: the last ⌈nRows × testFraction⌉ rows are the test window. Never
 * shuffled: neighbouring hours are nearly equal, so a random split would test on the training
 * rows' twins and flatter the model.
 *
 * @param context what the rows are, for the message when there are too few
 * @throws UsageError when either side would have fewer rows than {@link MIN_TRAIN_ROWS} or
 *   {@link MIN_TEST_ROWS}
 * @example chronologicalSplit(1000, 0.2) // { nTrain: 800, nTest: 200 }
 */
export function chronologicalSplit(
  nRows: number,
  testFraction: number,
  context = `${nRows} feature rows`,
): ChronologicalSplit {
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new UsageError(`test_fraction must be strictly between 0 and 1, got ${testFraction}`);
  }
  // ceil, here and in train.py (math.ceil): both round the same IEEE product the same way.
  const nTest = Math.ceil(nRows * testFraction);
  const nTrain = nRows - nTest;
  if (nTrain < MIN_TRAIN_ROWS || nTest < MIN_TEST_ROWS) {
    throw new UsageError(
      `too few rows to train and test: ${context} give ${nTrain} training and ${nTest} test rows (test_fraction ${testFraction}), but training needs at least ${MIN_TRAIN_ROWS} and testing at least ${MIN_TEST_ROWS}: select a longer window, or a station with fewer gaps`,
    );
  }
  return { nTrain, nTest };
}

/** Scores of predictions against observations. */
export interface RegressionScores {
  /** Root mean squared error. */
  readonly rmse: number;
  /** Mean absolute error. */
  readonly mae: number;
  /**
   * Coefficient of determination, 1 − SS_res / SS_tot around the observations' mean (as
   * scikit-learn's r2_score, including its convention for constant observations: 1 when the
   * predictions are exact, else 0).
   */
  readonly r2: number;
}

/**
 * RMSE, MAE and R² of `predicted` against `observed`.
 *
 * @throws UsageError when the lengths differ or there is nothing to score
 * @example regressionScores([1, 2, 3], [1, 2, 4]) // { rmse: 0.577…, mae: 0.333…, r2: 0.5 }
 */
export function regressionScores(
  observed: ArrayLike<number>,
  predicted: ArrayLike<number>,
): RegressionScores {
  const n = observed.length;
  if (n === 0 || predicted.length !== n) {
    throw new UsageError(
      `scores need as many predictions as observations (at least one), got ${predicted.length} and ${n}`,
    );
  }
  // Below, i < n = observed.length = predicted.length (checked above).
  let mean = 0;
  for (let i = 0; i < n; i++) mean += observed[i]!;
  mean /= n;
  let squared = 0;
  let absolute = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const error = predicted[i]! - observed[i]!;
    squared += error * error;
    absolute += Math.abs(error);
    total += (observed[i]! - mean) ** 2;
  }
  const r2 = total > 0 ? 1 - squared / total : squared === 0 ? 1 : 0;
  return { rmse: Math.sqrt(squared / n), mae: absolute / n, r2 };
}

/** The feature rows the baseline reads: row-major float32, as `buildFeatures` makes them. */
export interface FeatureRows {
  readonly x: Float32Array;
  readonly nRows: number;
  readonly nFeatures: number;
  readonly names: readonly string[];
}

/**
 * The column persistence forecasts with: the target's newest observation a row holds, the lag
 * column with the smallest lag (`o3_lag0` — the issue hour — when lag 0 is listed).
 *
 * @throws UsageError when the spec has no lag of the target, or the names lack its column
 */
export function persistenceColumn(spec: FeatureSpec, names: readonly string[]): number {
  if (spec.lags.length === 0) {
    throw new UsageError(
      `the persistence baseline needs a lag of ${spec.target}: add 0 to features.lags`,
    );
  }
  const name = `${spec.target}_lag${Math.min(...spec.lags)}`;
  const column = names.indexOf(name);
  if (column < 0) {
    throw new UsageError(
      `the feature rows have no column ${name} for the persistence baseline; they have ${names.join(', ')}`,
    );
  }
  return column;
}

/**
 * Persistence forecasts of rows `[from, to)`: each row's newest observation of the target (see
 * {@link persistenceColumn}), as stored in the row — a float32.
 *
 * @throws UsageError when `[from, to)` is not a range of the rows, or as {@link persistenceColumn}
 * @example persistenceForecast(spec, matrix, split.nTrain, matrix.nRows) // Float64Array(nTest)
 */
export function persistenceForecast(
  spec: FeatureSpec,
  rows: FeatureRows,
  from: number,
  to: number,
): Float64Array {
  if (
    !(Number.isInteger(from) && Number.isInteger(to) && 0 <= from && from <= to && to <= rows.nRows)
  ) {
    throw new UsageError(
      `persistence: rows [${from}, ${to}) are not within the ${rows.nRows} rows`,
    );
  }
  const column = persistenceColumn(spec, rows.names);
  const out = new Float64Array(to - from);
  // x holds nRows × nFeatures values (a FeatureRows); r < to ≤ nRows (checked above) and column is
  // one of the names, < nFeatures.
  for (let r = from; r < to; r++) out[r - from] = rows.x[r * rows.nFeatures + column]!;
  return out;
}

/** metrics.json of the example projects (names as written, scikit-learn style). */
export interface ForecastMetrics {
  readonly rmse: number;
  readonly mae: number;
  readonly r2: number;
  /** RMSE of the persistence forecast on the same test rows. */
  readonly persistence_rmse: number;
  /**
   * 1 − rmse / persistence_rmse: above 0 when the model beats persistence. Absent when persistence
   * is exact (a constant test window), where the ratio means nothing.
   */
  readonly skill?: number;
  readonly rows_train: number;
  readonly rows_test: number;
}

/**
 * The metrics of a forecast on the test window.
 *
 * @example
 * forecastMetrics(observed, predicted, persistence, split).skill // 0.31
 */
export function forecastMetrics(
  observed: ArrayLike<number>,
  predicted: ArrayLike<number>,
  persistence: ArrayLike<number>,
  split: ChronologicalSplit,
): ForecastMetrics {
  const scores = regressionScores(observed, predicted);
  const baseline = regressionScores(observed, persistence).rmse;
  return {
    rmse: scores.rmse,
    mae: scores.mae,
    r2: scores.r2,
    persistence_rmse: baseline,
    ...(baseline > 0 ? { skill: 1 - scores.rmse / baseline } : {}),
    rows_train: split.nTrain,
    rows_test: split.nTest,
  };
}
