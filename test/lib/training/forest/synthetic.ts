// Seeded synthetic regression data for the forest's tests (not a test file itself).
import { createRandom } from '../../../../actions/lib/training/forest/random.ts';

export interface Dataset {
  x: Float32Array;
  y: Float64Array;
  nRows: number;
  nFeatures: number;
}

/**
 * y = 3·x0 + sin(x1) + N(0, noise²), x uniform on [0, 2π) for x1 and [0, 1) otherwise; features
 * 2.. are pure noise.
 */
export function knownFunction(
  nRows: number,
  nFeatures: number,
  noise: number,
  seed: number,
): Dataset {
  const random = createRandom(seed);
  const uniform = () => random.nextUint32() / 0x1_0000_0000;
  const x = new Float32Array(nRows * nFeatures);
  const y = new Float64Array(nRows);
  for (let i = 0; i < nRows; i++) {
    for (let f = 0; f < nFeatures; f++)
      x[i * nFeatures + f] = f === 1 ? 2 * Math.PI * uniform() : uniform();
    const gauss = Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
    // Just written: row i's first two features (knownFunction needs nFeatures ≥ 2).
    y[i] = 3 * x[i * nFeatures]! + Math.sin(x[i * nFeatures + 1]!) + noise * gauss;
  }
  return { x, y, nRows, nFeatures };
}

/** The first `nRows` rows of a dataset and the rest. */
export function splitRows(data: Dataset, nRows: number): [Dataset, Dataset] {
  const { x, y, nFeatures } = data;
  return [
    { x: x.slice(0, nRows * nFeatures), y: y.slice(0, nRows), nRows, nFeatures },
    {
      x: x.slice(nRows * nFeatures),
      y: y.slice(nRows),
      nRows: data.nRows - nRows,
      nFeatures,
    },
  ];
}

export function rmse(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  let sum = 0;
  // One prediction per actual value: i < actual.length bounds both.
  for (let i = 0; i < actual.length; i++) sum += (predicted[i]! - actual[i]!) ** 2;
  return Math.sqrt(sum / actual.length);
}

/** Row `i` of a row-major matrix. */
export function rowOf(data: Dataset, i: number): Float32Array {
  return data.x.subarray(i * data.nFeatures, (i + 1) * data.nFeatures);
}
