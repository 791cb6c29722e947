import { RandomForestRegression } from 'ml-random-forest';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../actions/lib/errors.ts';
import {
  parseModelJson,
  predictServing,
  toModelJson,
} from '../../actions/lib/training/forest/index.ts';
import { fromMlRandomForest, largestFloat32Below } from '../../bench/ml-random-forest.ts';
import { knownFunction } from '../lib/training/forest/synthetic.ts';

/** Rows as ml-random-forest takes them (float32 values, as Freshet's features are). */
function rowsOf(x: Float32Array, nRows: number, nFeatures: number): number[][] {
  return Array.from({ length: nRows }, (_, i) => [
    ...x.subarray(i * nFeatures, (i + 1) * nFeatures),
  ]);
}

describe('fromMlRandomForest', () => {
  const train = knownFunction(150, 3, 0.1, 41);
  const test = knownFunction(300, 3, 0.1, 42);
  const trainRows = rowsOf(train.x, train.nRows, 3);
  const testRows = rowsOf(test.x, test.nRows, 3);
  const names = ['x0', 'x1', 'x2'];

  for (const replacement of [false, true]) {
    it(`predicts exactly as ml-random-forest itself (feature subsets ${replacement ? 'with' : 'without'} replacement)`, () => {
      const rf = new RandomForestRegression({
        nEstimators: 4,
        maxFeatures: 0.67,
        replacement,
        seed: 5,
        noOOB: true,
        treeOptions: { minNumSamples: 3 },
      });
      rf.train(trainRows, [...train.y]);
      const expected = rf.predict(testRows);
      expect(new Set(expected).size).toBeGreaterThan(20); // real trees, not stumps
      const json = rf.toJSON();
      const sources = {
        instance: rf,
        toJSON: json,
        parsed: JSON.parse(JSON.stringify(json)),
        loaded: RandomForestRegression.load(JSON.parse(JSON.stringify(json))),
      };
      for (const [source, model] of Object.entries(sources)) {
        const converted = fromMlRandomForest(model, names, { output: 'o3' });
        expect(converted.algorithm, source).toBe('ml-random-forest');
        const served = parseModelJson(toModelJson(converted));
        testRows.forEach((row, i) => {
          expect(predictServing(served, row), `${source} row ${i}`).toBe(expected[i]);
        });
      }
    });
  }

  it('records its parameters and refuses what model.json cannot express', () => {
    const rf = new RandomForestRegression({
      nEstimators: 2,
      seed: 1,
      noOOB: true,
      selectionMethod: 'median',
    });
    rf.train(trainRows, [...train.y]);
    expect(() => fromMlRandomForest(rf, names)).toThrow(/selectionMethod median is not supported/);
    const untrained = new RandomForestRegression({ nEstimators: 2 });
    expect(() => fromMlRandomForest(untrained, names)).toThrow(UsageError);
    const mean = new RandomForestRegression({ nEstimators: 2, seed: 1, noOOB: true });
    mean.train(trainRows, [...train.y]);
    expect(() => fromMlRandomForest(mean, ['x0'])).toThrow(/outside the 1 feature names given/);
    expect(fromMlRandomForest(mean, names).params).toMatchObject({ n_estimators: 2, seed: 1 });
  });
});

describe('largestFloat32Below', () => {
  it('turns x < v into x <= t for float32 x', () => {
    for (const v of [0.5, 0.1, -0.1, 0, 1e-40, -3.5, 3.4028234663852886e38]) {
      const t = largestFloat32Below(v);
      expect(t).toBe(Math.fround(t));
      expect(t).toBeLessThan(v);
      if (t === 0 || Object.is(t, -0)) continue;
      const bits = new DataView(new ArrayBuffer(4));
      bits.setFloat32(0, t);
      bits.setInt32(0, bits.getInt32(0) + (t >= 0 ? 1 : -1));
      expect(bits.getFloat32(0)).toBeGreaterThanOrEqual(v); // the next float32 up is not below v
    }
  });
});
