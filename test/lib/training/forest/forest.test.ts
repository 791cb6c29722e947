import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../../actions/lib/errors.ts';
import { binFeatures } from '../../../../actions/lib/training/forest/binning.ts';
import { createTreeGrower } from '../../../../actions/lib/training/forest/grow-tree.ts';
import {
  type FlatTree,
  type Forest,
  featureImportances,
  fitForest,
  predictBatch,
  predictRow,
  toModelJson,
} from '../../../../actions/lib/training/forest/index.ts';
import { createRandom } from '../../../../actions/lib/training/forest/random.ts';
import { type Dataset, knownFunction, rmse, rowOf, splitRows } from './synthetic.ts';

const fitOn = (data: Dataset, params: Parameters<typeof fitForest>[4] = {}) =>
  fitForest(data.x, data.nRows, data.nFeatures, data.y, params);
const names = (n: number) => Array.from({ length: n }, (_, f) => `x${f}`);
const json = (forest: Forest) =>
  toModelJson(forest, { inputs: names(forest.nFeatures), output: 'y' });

// A fitted tree's arrays hold one entry per node, and its child ids name nodes of the tree: the
// indexes below stay inside them.

/** Depth of every node (root 0). */
function depths(tree: FlatTree): Int32Array {
  const depth = new Int32Array(tree.feature.length);
  for (let i = 0; i < tree.feature.length; i++) {
    if (tree.feature[i]! >= 0) {
      depth[tree.left[i]!] = depth[i]! + 1;
      depth[tree.right[i]!] = depth[i]! + 1;
    }
  }
  return depth;
}

/** The leaf a row ends in. */
function leafOf(tree: FlatTree, row: Float32Array): number {
  let node = 0;
  while (tree.feature[node]! >= 0) {
    node =
      row[tree.feature[node]!]! <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
  }
  return node;
}

describe('fitForest', () => {
  const data = knownFunction(3000, 5, 0.1, 1);
  const [train, test] = splitRows(data, 2400);

  it('gives the same forest bit for bit for the same seed, another for another seed', () => {
    const params = { nEstimators: 5, maxFeatures: 'sqrt' as const, seed: 42 };
    const first = json(fitOn(train, params));
    expect(json(fitOn(train, params))).toBe(first);
    expect(json(fitOn(train, { ...params, seed: 43 }))).not.toBe(first);
  });

  it('draws each tree from its own stream: more trees leave the first ones unchanged', () => {
    const three = fitOn(train, { nEstimators: 3, maxFeatures: 'sqrt', seed: 9 });
    const five = fitOn(train, { nEstimators: 5, maxFeatures: 'sqrt', seed: 9 });
    expect(five.trees.slice(0, 3)).toEqual(three.trees);
  });

  it('recovers y = 3·x0 + sin(x1) to about the noise level', () => {
    const forest = fitOn(train, { nEstimators: 50, seed: 1 });
    const error = rmse(predictBatch(forest, test.x, test.nRows), test.y);
    // The noise's standard deviation is 0.1; y spans about 5.
    expect(error).toBeLessThan(0.15);
    expect(error).toBeGreaterThan(0.08);
  });

  it('ranks the informative features first and gives the noise features almost nothing', () => {
    const importances = featureImportances(fitOn(train, { nEstimators: 20, seed: 2 }));
    expect(importances.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    // Five features: importances 0 to 4 exist.
    expect(importances[0]).toBeGreaterThan(importances[1]!);
    for (const noise of [2, 3, 4]) {
      expect(importances[1]).toBeGreaterThan(importances[noise]!);
      expect(importances[noise]).toBeLessThan(0.01);
    }
  });

  it('never makes a leaf of fewer than minSamplesLeaf distinct rows', () => {
    for (const minSamplesLeaf of [1, 7, 20]) {
      const forest = fitOn(train, { nEstimators: 3, bootstrap: false, minSamplesLeaf, seed: 3 });
      for (const tree of forest.trees) {
        const rowsPerLeaf = new Map<number, number>();
        for (let i = 0; i < train.nRows; i++) {
          const leaf = leafOf(tree, rowOf(train, i));
          rowsPerLeaf.set(leaf, (rowsPerLeaf.get(leaf) ?? 0) + 1);
        }
        const smallest = Math.min(...rowsPerLeaf.values());
        expect(smallest).toBeGreaterThanOrEqual(minSamplesLeaf);
        // Not trivially satisfied: leaves come down to about the bound.
        expect(smallest).toBeLessThan(2 * minSamplesLeaf);
      }
    }
  });

  it('respects minSamplesLeaf with bootstrap too (each leaf holds at least that many training rows)', () => {
    const forest = fitOn(train, { nEstimators: 3, minSamplesLeaf: 10, seed: 4 });
    for (const tree of forest.trees) {
      const rowsPerLeaf = new Map<number, number>();
      for (let i = 0; i < train.nRows; i++) {
        const leaf = leafOf(tree, rowOf(train, i));
        rowsPerLeaf.set(leaf, (rowsPerLeaf.get(leaf) ?? 0) + 1);
      }
      expect(Math.min(...rowsPerLeaf.values())).toBeGreaterThanOrEqual(10);
    }
  });

  it('grows no node below maxDepth, and reaches it', () => {
    const forest = fitOn(train, { nEstimators: 3, maxDepth: 4, seed: 5 });
    for (const tree of forest.trees) {
      const depth = depths(tree);
      expect(Math.max(...depth)).toBe(4);
      expect(tree.feature.length).toBeLessThanOrEqual(2 ** 5 - 1);
    }
  });

  it('fits the training rows exactly without bootstrap when every value has its own bin', () => {
    const small = knownFunction(200, 3, 0.1, 6);
    const forest = fitOn(small, { nEstimators: 2, bootstrap: false, seed: 6 });
    // The thresholds chosen on bins send every training row where training sent it.
    for (let i = 0; i < small.nRows; i++) {
      expect(predictRow(forest, rowOf(small, i))).toBe(small.y[i]);
    }
  });

  it('keeps children after their parent and marks leaves with feature -1', () => {
    const forest = fitOn(train, { nEstimators: 2, seed: 7 });
    for (const tree of forest.trees) {
      for (let i = 0; i < tree.feature.length; i++) {
        // i < tree.feature.length, as the other arrays' lengths.
        if (tree.feature[i]! < 0) {
          expect([tree.left[i], tree.right[i]]).toEqual([-1, -1]);
        } else {
          expect(tree.left[i]).toBeGreaterThan(i);
          expect(tree.right[i]).toBeGreaterThan(i);
          expect(Number.isFinite(tree.threshold[i])).toBe(true);
        }
      }
    }
  });

  it('examines maxFeatures features per split as scikit-learn reads them', () => {
    expect(fitOn(train, { nEstimators: 1, maxFeatures: 'sqrt' }).params.featuresPerSplit).toBe(2);
    expect(fitOn(train, { nEstimators: 1, maxFeatures: 'log2' }).params.featuresPerSplit).toBe(2);
    expect(fitOn(train, { nEstimators: 1, maxFeatures: 0.6 }).params.featuresPerSplit).toBe(3);
    expect(fitOn(train, { nEstimators: 1, maxFeatures: 4 }).params.featuresPerSplit).toBe(4);
    expect(fitOn(train, { nEstimators: 1 }).params.featuresPerSplit).toBe(5);
  });

  it('reports every invalid parameter at once', () => {
    const attempt = () =>
      fitOn(train, {
        nEstimators: 0,
        maxFeatures: 9,
        minSamplesLeaf: 0,
        maxBins: 300,
        maxDepth: -1,
      });
    expect(attempt).toThrow(UsageError);
    try {
      attempt();
    } catch (error) {
      const problems = (error as UsageError).problems.join('\n');
      for (const name of ['nEstimators', 'maxFeatures', 'minSamplesLeaf', 'maxBins', 'maxDepth']) {
        expect(problems).toContain(name);
      }
    }
  });

  it('rejects mismatched shapes and non-finite values, naming where', () => {
    expect(() => fitForest(new Float32Array(5), 2, 3, new Float64Array(2))).toThrow(
      /x holds 5 values, expected nRows × nFeatures = 2 × 3 = 6/,
    );
    const x = new Float32Array([1, 2, Number.NaN, 4]);
    expect(() => fitForest(x, 2, 2, new Float64Array(2))).toThrow(/row 1 feature 0/);
    expect(() => fitForest(new Float32Array(4), 2, 2, new Float64Array([0, Infinity]))).toThrow(
      /y must be finite; not at rows 1/,
    );
  });
});

describe('predictRow and predictBatch', () => {
  // One split on feature 0 at float32(0.1), leaves 1 and 2.
  const threshold = Math.fround(0.1);
  const stump = {
    nFeatures: 1,
    trees: [
      {
        feature: Int32Array.of(0, -1, -1),
        threshold: Float32Array.of(threshold, 0, 0),
        left: Int32Array.of(1, -1, -1),
        right: Int32Array.of(2, -1, -1),
        value: Float64Array.of(0, 1, 2),
      },
    ],
  };

  it('rounds each feature to float32 before comparing, so a row goes left when fround(x) <= threshold', () => {
    const justAbove = threshold + 1e-12; // above the threshold as a double, equal as a float32
    expect(justAbove).toBeGreaterThan(threshold);
    expect(predictRow(stump, [justAbove])).toBe(1);
    expect(predictRow(stump, [threshold])).toBe(1);
    expect(predictRow(stump, [Math.fround(0.1000001)])).toBe(2);
  });

  it('agree with each other on every row', () => {
    const data = knownFunction(300, 4, 0.1, 8);
    const forest = fitForest(data.x, data.nRows, data.nFeatures, data.y, { nEstimators: 7 });
    const batch = predictBatch(forest, data.x, data.nRows);
    for (let i = 0; i < data.nRows; i++) expect(predictRow(forest, rowOf(data, i))).toBe(batch[i]);
  });

  it('reject rows of the wrong width', () => {
    expect(() => predictRow(stump, [1, 2])).toThrow(/must hold 1 features, got 2/);
    expect(() => predictBatch(stump, new Float32Array(3), 2)).toThrow(UsageError);
  });
});

describe('createTreeGrower', () => {
  const binned = binFeatures(Float32Array.from([1, 2, 3, 4]), 4, 1, 256);
  const settings = { featuresPerSplit: 1, maxDepth: Infinity, minSamplesLeaf: 1 };

  it('needs one y and one weight per row', () => {
    expect(() => createTreeGrower(binned, new Float64Array(3), settings)).toThrow(
      'grow-tree: y holds 3 values, expected one per row (4)',
    );
    const grower = createTreeGrower(binned, Float64Array.from([1, 2, 3, 4]), settings);
    expect(() => grower.grow(new Float64Array(5).fill(1), createRandom(1))).toThrow(
      'grow-tree: 5 weights, expected one per row (4)',
    );
    expect(grower.grow(new Float64Array(4).fill(1), createRandom(1)).tree.value[0]).toBe(2.5);
  });
});
