import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  fitForest,
  parseModelJson,
  predictBatch,
  type TreeEnsemble,
  toModelJson,
  toOnnx,
} from '../../../../actions/lib/training/forest/index.ts';
import { createRandom } from '../../../../actions/lib/training/forest/random.ts';
import { defined } from '../../../support/defined.ts';
import { knownFunction } from './synthetic.ts';

/** Runs the exported model in onnxruntime on a row-major float32 matrix. */
async function runOnnx(bytes: Uint8Array, x: Float32Array, nRows: number, nFeatures: number) {
  const session = await InferenceSession.create(bytes);
  expect(session.inputNames).toEqual(['input']);
  expect(session.outputNames).toEqual(['prediction']);
  const result = await session.run({ input: new Tensor('float32', x, [nRows, nFeatures]) });
  const output = defined(result.prediction, 'the output named prediction');
  expect(output.dims).toEqual([nRows, 1]);
  return output.data as Float32Array;
}

/** Random rows, some outside the training range, some exactly on split thresholds. */
function probeRows(forest: TreeEnsemble, nRows: number): Float32Array {
  const random = createRandom(99);
  const x = new Float32Array(nRows * forest.nFeatures);
  for (let i = 0; i < x.length; i++) x[i] = (random.nextUint32() / 2 ** 32) * 8 - 1;
  const tree = defined(forest.trees[0], 'a first tree');
  for (let i = 0; i < nRows; i += 3) {
    // A node of the tree; its feature (when it splits) is < nFeatures, and i < nRows.
    const node = random.nextInt(tree.feature.length);
    if (tree.feature[node]! >= 0)
      x[i * forest.nFeatures + tree.feature[node]!] = tree.threshold[node]!;
  }
  return x;
}

function expectParity(onnx: Float32Array, ours: Float64Array) {
  expect(onnx).toHaveLength(ours.length);
  for (let i = 0; i < ours.length; i++) {
    expect(Math.abs(onnx[i]! - ours[i]!)).toBeLessThanOrEqual(
      1e-5 * Math.max(1, Math.abs(ours[i]!)),
    );
  }
}

describe('toOnnx', () => {
  const data = knownFunction(1500, 5, 0.1, 31);
  const forest = fitForest(data.x, data.nRows, data.nFeatures, data.y, {
    nEstimators: 20,
    seed: 31,
  });

  it('predicts as the forest in onnxruntime, within 1e-5 relative, on random rows and on thresholds', async () => {
    const nRows = 3000;
    const x = probeRows(forest, nRows);
    expectParity(await runOnnx(toOnnx(forest), x, nRows, 5), predictBatch(forest, x, nRows));
  });

  it('exports a model loaded from model.json the same way, with its feature names', async () => {
    const model = parseModelJson(
      toModelJson(forest, { inputs: ['a', 'b', 'c', 'd', 'e'], output: 'o3' }),
    );
    const bytes = toOnnx(model);
    expect(new TextDecoder().decode(bytes)).toContain('["a","b","c","d","e"]');
    const x = probeRows(model, 500);
    expectParity(await runOnnx(bytes, x, 500, 5), predictBatch(model, x, 500));
  });

  it('handles a forest of single-leaf trees and a shallow forest with minimum leaf sizes', async () => {
    const constant = fitForest(new Float32Array([1, 2, 3]), 3, 1, new Float64Array([4, 4, 4]));
    expect(constant.trees[0]?.feature).toEqual(Int32Array.of(-1));
    const x1 = Float32Array.of(0, 10);
    expectParity(await runOnnx(toOnnx(constant), x1, 2, 1), predictBatch(constant, x1, 2));
    const shallow = fitForest(data.x, data.nRows, 5, data.y, {
      nEstimators: 5,
      maxDepth: 3,
      minSamplesLeaf: 20,
    });
    const x = probeRows(shallow, 200);
    expectParity(await runOnnx(toOnnx(shallow), x, 200, 5), predictBatch(shallow, x, 200));
  });
});
