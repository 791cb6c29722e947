// When a project wrote no model.onnx (the scikit-learn example), publish makes one from model.json
// with the library's exporter and checks, in onnxruntime, that it predicts as model.json does.
// onnxruntime-node is a native addon: it is imported only here, only when needed, and never
// bundled into an action (the action resolves it from node_modules after `npm ci`).

import { predictServing, type ServingForest } from '../training/forest/model-format.ts';
import { toOnnx } from '../training/forest/onnx.ts';
import { createRandom } from '../training/forest/random.ts';
import { RegistryError } from './errors.ts';

/** Predictions may differ by this much, relative (leaf values are float32 in ONNX). */
export const ONNX_PARITY_TOLERANCE = 1e-5;

/** What the parity check found. */
export interface OnnxParity {
  readonly rows: number;
  /** The largest |onnx − model.json| / max(1, |model.json|). */
  readonly maxRelativeError: number;
}

/**
 * Probe rows: each feature takes one of the forest's own split thresholds on it (the values where
 * a float comparison could go either way), or a value just beside one, or one outside the range.
 * Deterministic (seeded). Row-major float32.
 */
export function probeRows(forest: ServingForest, nRows: number, seed = 7): Float32Array {
  const thresholds: number[][] = Array.from({ length: forest.nFeatures }, () => []);
  for (const tree of forest.trees) {
    for (let node = 0; node < tree.feature.length; node++) {
      const feature = tree.feature[node] ?? -1;
      if (feature >= 0) thresholds[feature]?.push(tree.threshold[node] ?? 0);
    }
  }
  const random = createRandom(seed);
  const rows = new Float32Array(nRows * forest.nFeatures);
  for (let i = 0; i < nRows; i++) {
    for (let j = 0; j < forest.nFeatures; j++) {
      const own = thresholds[j] ?? [];
      const base = own.length > 0 ? (own[random.nextInt(own.length)] ?? 0) : 0;
      const shift = [0, 0, 1e-3, -1e-3, 1e3, -1e3][random.nextInt(6)] ?? 0;
      rows[i * forest.nFeatures + j] = base + shift;
    }
  }
  return rows;
}

/**
 * Makes model.onnx from a forest and checks it in onnxruntime on probe rows.
 *
 * @throws RegistryError when onnxruntime cannot load the model or a prediction differs
 * @example const { onnx, parity } = await onnxWithParity(parseModelJson(JSON.parse(text)));
 */
export async function onnxWithParity(
  forest: ServingForest,
  nRows = 512,
): Promise<{ onnx: Uint8Array; parity: OnnxParity }> {
  const onnx = toOnnx(forest);
  const x = probeRows(forest, nRows);
  let predictions: Float32Array;
  try {
    const { InferenceSession, Tensor } = await import('onnxruntime-node');
    const session = await InferenceSession.create(onnx);
    const [input] = session.inputNames;
    const [output] = session.outputNames;
    if (input === undefined || output === undefined) throw new Error('no input or output');
    const result = await session.run({
      [input]: new Tensor('float32', x, [nRows, forest.nFeatures]),
    });
    predictions = result[output]?.data as Float32Array;
    await session.release();
  } catch (error) {
    throw new RegistryError('running the exported model.onnx in onnxruntime-node failed', {
      cause: error,
    });
  }
  let maxRelativeError = 0;
  for (let i = 0; i < nRows; i++) {
    const ours = predictServing(
      forest,
      x.subarray(i * forest.nFeatures, (i + 1) * forest.nFeatures),
    );
    const theirs = predictions[i] ?? Number.NaN;
    const error = Math.abs(theirs - ours) / Math.max(1, Math.abs(ours));
    if (!(error <= ONNX_PARITY_TOLERANCE)) {
      throw new RegistryError(
        `model.onnx made from model.json predicts ${theirs} where model.json predicts ${ours} (probe row ${i}): not published`,
      );
    }
    maxRelativeError = Math.max(maxRelativeError, error);
  }
  return { onnx, parity: { rows: nRows, maxRelativeError } };
}
