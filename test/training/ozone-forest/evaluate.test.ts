import { describe, expect, it } from 'vitest';
import type { FeatureSpec } from '../../../actions/lib/training/data/features.ts';
import {
  chronologicalSplit,
  forecastMetrics,
  MIN_TEST_ROWS,
  MIN_TRAIN_ROWS,
  persistenceColumn,
  persistenceForecast,
  regressionScores,
} from '../../../training/ozone-forest/evaluate.ts';
import { usageError } from '../../lib/training/helpers.ts';

const SPEC: FeatureSpec = {
  version: 1,
  target: 'o3',
  horizon: 1,
  lags: [3, 1, 24],
  calendar: ['hour'],
};

describe('chronologicalSplit', () => {
  it('holds out the newest ⌈n × fraction⌉ rows', () => {
    expect(chronologicalSplit(1000, 0.2)).toEqual({ nTrain: 800, nTest: 200 });
    // 8666 × 0.2 = 1733.2: the test window rounds up.
    expect(chronologicalSplit(8666, 0.2)).toEqual({ nTrain: 6932, nTest: 1734 });
  });

  it('accepts exactly the minimum on both sides', () => {
    const n = MIN_TRAIN_ROWS + MIN_TEST_ROWS;
    expect(chronologicalSplit(n, MIN_TEST_ROWS / n)).toEqual({
      nTrain: MIN_TRAIN_ROWS,
      nTest: MIN_TEST_ROWS,
    });
  });

  it('refuses too few rows on either side, saying what it has and what to do', () => {
    const short = usageError(() => chronologicalSplit(60, 0.2, '60 feature rows'));
    expect(short.message).toBe(
      `too few rows to train and test: 60 feature rows give 48 training and 12 test rows (test_fraction 0.2), but training needs at least ${MIN_TRAIN_ROWS} and testing at least ${MIN_TEST_ROWS}: select a longer window, or a station with fewer gaps`,
    );
    expect(() => chronologicalSplit(100, 0.6)).toThrow(/40 training and 60 test rows/);
  });

  it('refuses a fraction outside (0, 1)', () => {
    for (const fraction of [0, 1, -0.1, Number.NaN]) {
      expect(() => chronologicalSplit(1000, fraction)).toThrow(/strictly between 0 and 1/);
    }
  });
});

describe('regressionScores', () => {
  it('computes RMSE, MAE and R² around the observations’ mean', () => {
    const scores = regressionScores([1, 2, 3], [1, 2, 4]);
    expect(scores.rmse).toBeCloseTo(Math.sqrt(1 / 3), 15);
    expect(scores.mae).toBeCloseTo(1 / 3, 15);
    // SS_res 1, SS_tot 2.
    expect(scores.r2).toBeCloseTo(0.5, 15);
  });

  it('gives R² 1 for exact predictions and below 0 for worse than the mean', () => {
    expect(regressionScores([2, 4, 9], [2, 4, 9])).toEqual({ rmse: 0, mae: 0, r2: 1 });
    expect(regressionScores([1, 2, 3], [3, 2, 1]).r2).toBeCloseTo(-3, 15);
  });

  it('follows scikit-learn for constant observations: 1 when exact, else 0', () => {
    expect(regressionScores([5, 5], [5, 5]).r2).toBe(1);
    expect(regressionScores([5, 5], [5, 6]).r2).toBe(0);
  });

  it('refuses mismatched or empty inputs', () => {
    expect(() => regressionScores([1, 2], [1])).toThrow(/as many predictions as observations/);
    expect(() => regressionScores([], [])).toThrow(/at least one/);
  });
});

describe('the persistence baseline', () => {
  const names = ['o3_lag3', 'o3_lag1', 'o3_lag24', 'hour_sin', 'hour_cos'];

  it('reads the column of the smallest lag of the target', () => {
    expect(persistenceColumn(SPEC, names)).toBe(1);
    expect(persistenceColumn({ ...SPEC, lags: [0, 1] }, ['o3_lag0', 'o3_lag1'])).toBe(0);
  });

  it('forecasts each row of a range with that column, as stored', () => {
    const rows = {
      x: Float32Array.from([9, 1.1, 0, 0, 1, 9, 2.2, 0, 0, 1, 9, 3.3, 0, 0, 1]),
      nRows: 3,
      nFeatures: 5,
      names,
    };
    expect([...persistenceForecast(SPEC, rows, 1, 3)]).toEqual([
      Math.fround(2.2),
      Math.fround(3.3),
    ]);
  });

  it('forecasts only a range of the rows', () => {
    const rows = { x: new Float32Array(10), nRows: 2, nFeatures: 5, names };
    expect(usageError(() => persistenceForecast(SPEC, rows, 1, 3)).message).toBe(
      'persistence: rows [1, 3) are not within the 2 rows',
    );
    expect(() => persistenceForecast(SPEC, rows, 2, 1)).toThrow(/rows \[2, 1\) are not within/);
    expect([...persistenceForecast(SPEC, rows, 2, 2)]).toEqual([]);
  });

  it('needs a lag of the target', () => {
    expect(usageError(() => persistenceColumn({ ...SPEC, lags: [] }, names)).message).toBe(
      'the persistence baseline needs a lag of o3: add 0 to features.lags',
    );
    expect(() => persistenceColumn(SPEC, ['hour_sin'])).toThrow(/no column o3_lag1/);
  });
});

describe('forecastMetrics', () => {
  const split = { nTrain: 10, nTest: 4 };

  it('scores the model and persistence on the same rows; skill compares their RMSE', () => {
    const observed = [10, 12, 14, 16];
    const metrics = forecastMetrics(observed, [11, 12, 14, 15], [8, 10, 12, 14], split);
    expect(metrics).toEqual({
      rmse: Math.sqrt(0.5),
      mae: 0.5,
      r2: 1 - 2 / 20,
      persistence_rmse: 2,
      skill: 1 - Math.sqrt(0.5) / 2,
      rows_train: 10,
      rows_test: 4,
    });
  });

  it('gives negative skill when persistence does better', () => {
    expect(forecastMetrics([1, 2, 3, 4], [4, 1, 1, 1], [1, 2, 3, 3], split).skill).toBeLessThan(0);
  });

  it('leaves skill out when persistence is exact (every metric must be a finite number)', () => {
    const metrics = forecastMetrics([3, 3, 3, 3], [3, 3, 3, 4], [3, 3, 3, 3], split);
    expect(metrics).not.toHaveProperty('skill');
    expect(metrics.persistence_rmse).toBe(0);
  });
});
