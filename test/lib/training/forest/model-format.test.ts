import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../../actions/lib/errors.ts';
import {
  decodeTypedArray,
  encodeTypedArray,
} from '../../../../actions/lib/training/forest/base64.ts';
import {
  fitForest,
  type ModelJson,
  parseModelJson,
  predictRow,
  predictServing,
  toModelJson,
} from '../../../../actions/lib/training/forest/index.ts';
import { defined } from '../../../support/defined.ts';
import { knownFunction, rowOf } from './synthetic.ts';

/** Tree `t` of a document, which the test's forest has. */
const treeOf = (doc: ModelJson, t: number) => defined(doc.trees[t], `tree ${t}`);

const data = knownFunction(400, 3, 0.1, 21);
const forest = fitForest(data.x, data.nRows, data.nFeatures, data.y, {
  nEstimators: 4,
  minSamplesLeaf: 3,
  seed: 21,
});
const featureSpec = { lags: [1, 2], calendar: ['hour'], horizon: 1 };
const text = toModelJson(forest, {
  inputs: ['lag_1', 'lag_2', 'hour_sin'],
  output: 'o3',
  features: featureSpec,
});

/** A fresh copy of the document to damage. */
const document = (): ModelJson => JSON.parse(text) as ModelJson;

/** Rewrites one array of tree `t`. */
function withArray(
  doc: ModelJson,
  t: number,
  name: 'feature' | 'left' | 'right',
  edit: (array: Int32Array) => void,
): ModelJson {
  const array = decodeTypedArray(treeOf(doc, t)[name], Int32Array);
  edit(array);
  treeOf(doc, t)[name] = encodeTypedArray(array);
  return doc;
}

/** The problems the loader reports for a document. */
function problemsOf(input: unknown): string {
  try {
    parseModelJson(input);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).problems.join('\n');
  }
  throw new Error('the loader accepted a damaged model');
}

describe('model.json', () => {
  it('records the format, the signature, the feature specification and the params', () => {
    const doc = document();
    expect(doc).toMatchObject({
      format: 'freshet-forest',
      version: 1,
      algorithm: 'random-forest',
      signature: { inputs: ['lag_1', 'lag_2', 'hour_sin'], output: 'o3' },
      features: featureSpec,
      params: { n_estimators: 4, min_samples_leaf: 3, max_depth: null, seed: 21, max_features: 1 },
      n_features: 3,
    });
    expect(doc.trees).toHaveLength(4);
  });

  it('round-trips: the loaded model predicts exactly as the trained forest, and re-serialises identically', () => {
    const model = parseModelJson(text);
    expect(model.inputs).toEqual(['lag_1', 'lag_2', 'hour_sin']);
    expect(model.features).toEqual(featureSpec);
    for (let i = 0; i < data.nRows; i++) {
      expect(predictServing(model, rowOf(data, i))).toBe(predictRow(forest, rowOf(data, i)));
    }
    expect(toModelJson(model)).toBe(text);
    expect(parseModelJson(document()).trees[0]?.value).toEqual(forest.trees[0]?.value);
    expect(forest.trees[0]?.value).toBeDefined();
  });

  it('refuses to write a signature that does not fit the forest', () => {
    expect(() => toModelJson(forest, { inputs: ['a'], output: '' })).toThrow(
      /must name the forest's 3 features, got 1[\s\S]*output must name/,
    );
  });

  it('rejects what is not a freshet forest of a known version', () => {
    expect(problemsOf('{"format":')).toMatch(/not valid JSON/);
    expect(problemsOf('[]')).toMatch(/must be a JSON object, got an array/);
    expect(problemsOf({ ...document(), format: 'onnx' })).toMatch(
      /format must be "freshet-forest", got "onnx"/,
    );
    expect(problemsOf({ ...document(), version: 2 })).toMatch(
      /version 2 is not supported: this reader reads version 1/,
    );
    expect(problemsOf({ ...document(), algorithm: 'xgboost' })).toMatch(/algorithm must be one of/);
  });

  it('rejects a header that disagrees with itself, listing every problem', () => {
    const doc = { ...document(), n_features: 4, trees: [] } as Partial<ModelJson>;
    delete doc.features;
    const problems = problemsOf(doc);
    expect(problems).toMatch(/signature.inputs names 3 features but n_features is 4/);
    expect(problems).toMatch(/features is missing/);
    expect(problems).toMatch(/trees must be a non-empty array/);
    expect(
      problemsOf({ ...document(), signature: { inputs: ['a', 'a', 'b'], output: 'o3' } }),
    ).toMatch(/names "a" twice/);
  });

  it('rejects arrays that are not base64 or disagree in length, naming the tree', () => {
    const doc = document();
    treeOf(doc, 0).threshold = 'not base64!!';
    treeOf(doc, 2).value = encodeTypedArray(new Float64Array(1));
    const problems = problemsOf(doc);
    expect(problems).toMatch(
      /tree 0: threshold is not a base64 Float32Array: base64 has an invalid character/,
    );
    expect(problems).toMatch(
      /tree 2: arrays must hold the same number \(>= 1\) of nodes, got feature \d+, threshold \d+, left \d+, right \d+, value 1/,
    );
  });

  it('rejects a child that does not come after its parent (a possible cycle) or does not exist', () => {
    expect(
      problemsOf(
        withArray(document(), 1, 'left', (a) => {
          a[0] = 0;
        }),
      ),
    ).toMatch(/tree 1 node 0: left child 0 must come after the node and exist/);
    expect(
      problemsOf(
        withArray(document(), 0, 'right', (a) => {
          a[0] = a.length;
        }),
      ),
    ).toMatch(/tree 0 node 0: right child \d+ must come after the node and exist/);
  });

  it('rejects shared and unreachable nodes', () => {
    // Node 0's right child also becomes its left child's right child.
    const doc = document();
    const left = decodeTypedArray(treeOf(doc, 0).left, Int32Array);
    const right = decodeTypedArray(treeOf(doc, 0).right, Int32Array);
    // Node 0 splits in this forest, and so does its left child.
    const child = defined(left[0], "node 0's left child");
    const orphan = defined(right[child], `node ${child}'s right child`);
    right[child] = defined(right[0], "node 0's right child");
    treeOf(doc, 0).right = encodeTypedArray(right);
    const problems = problemsOf(doc);
    expect(problems).toMatch(
      new RegExp(`tree 0 node ${right[0]}: has two parents, nodes 0 and ${left[0]}`),
    );
    expect(problems).toMatch(new RegExp(`tree 0 node ${orphan}: no node points to it`));
  });

  it('rejects feature indices outside the signature and leaves with children', () => {
    expect(
      problemsOf(
        withArray(document(), 3, 'feature', (a) => {
          a[0] = 3;
        }),
      ),
    ).toMatch(/tree 3 node 0: feature index 3 is out of range \(0..2, or -1 for a leaf\)/);
    const doc = withArray(document(), 0, 'feature', (a) => {
      a[0] = -1;
    });
    expect(problemsOf(doc)).toMatch(/tree 0 node 0: a leaf \(feature -1\) must have children -1/);
  });

  it('rejects non-finite thresholds and values', () => {
    const doc = document();
    const threshold = decodeTypedArray(treeOf(doc, 0).threshold, Float32Array);
    threshold[0] = Number.NaN;
    treeOf(doc, 0).threshold = encodeTypedArray(threshold);
    const value = decodeTypedArray(treeOf(doc, 1).value, Float64Array);
    value[value.length - 1] = Number.POSITIVE_INFINITY;
    treeOf(doc, 1).value = encodeTypedArray(value);
    const problems = problemsOf(doc);
    expect(problems).toMatch(/tree 0 node 0: threshold NaN is not finite/);
    expect(problems).toMatch(
      new RegExp(`tree 1 node ${value.length - 1}: value Infinity is not finite`),
    );
  });

  it('rejects a row that does not match the signature', () => {
    expect(() => predictServing(parseModelJson(text), [1, 2])).toThrow(
      /must hold 3 values \(lag_1, lag_2, hour_sin\), got 2/,
    );
  });
});
