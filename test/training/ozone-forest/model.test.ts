// trainOzoneForest and the artifacts it leads to, on a month of generated hours (no database).
import { describe, expect, it } from 'vitest';
import { buildFeatures, type FeatureSpec } from '../../../actions/lib/training/data/features.ts';
import {
  parseModelJson,
  predictBatch,
  toModelJson,
} from '../../../actions/lib/training/forest/index.ts';
import { loadProject } from '../../../actions/lib/training/project/load-project.ts';
import {
  featureImportanceJson,
  featureSpecJson,
  ozoneForestArtifacts,
  paramsJson,
  predictionsCsv,
} from '../../../training/ozone-forest/artifacts.ts';
import { chooseMinSamplesLeaf, trainOzoneForest } from '../../../training/ozone-forest/model.ts';
import { DEFAULT_OPTIONS } from '../../../training/ozone-forest/options.ts';
import { usageError } from '../../lib/training/helpers.ts';
import { defined } from '../../support/defined.ts';
import { HOUR, ozoneRows, TRAINING_DIR } from '../ozone-fixture.ts';

const SPEC: FeatureSpec = {
  version: 1,
  target: 'o3',
  horizon: 2,
  lags: [0, 1, 24],
  calendar: ['hour'],
};
const OPTIONS = { ...DEFAULT_OPTIONS, nEstimators: 10, seed: 3 };

function series(hours: number) {
  const rows = ozoneRows(hours, 11, new Set([200]));
  return { times: rows.map((r) => Date.parse(r[0])), values: rows.map((r) => r[1]) };
}

describe('trainOzoneForest', () => {
  const matrix = buildFeatures(SPEC, { target: series(24 * 30) });
  const result = trainOzoneForest(matrix, SPEC, OPTIONS);

  it('trains on the older rows and predicts the newest, in time order', () => {
    const nTest = Math.ceil(matrix.nRows * 0.2);
    expect(result.split).toEqual({ nTrain: matrix.nRows - nTest, nTest });
    expect([...result.testTimes]).toEqual([...matrix.times.slice(matrix.nRows - nTest)]);
    expect([...result.observed]).toEqual([...matrix.y.slice(matrix.nRows - nTest)]);
    const x = matrix.x.slice((matrix.nRows - nTest) * matrix.nFeatures);
    expect([...result.predicted]).toEqual([...predictBatch(result.forest, x, nTest)]);
    expect(result.forest.trees).toHaveLength(10);
  });

  it('passes the parameters to the forest, max_depth 0 meaning unlimited', () => {
    expect(result.forest.params).toMatchObject({
      nEstimators: 10,
      minSamplesLeaf: 10,
      maxDepth: undefined,
      seed: 3,
    });
    const shallow = trainOzoneForest(matrix, SPEC, { ...OPTIONS, maxDepth: 2 });
    expect(shallow.forest.params.maxDepth).toBe(2);
    // A tree of depth 2 has at most 7 nodes.
    for (const tree of shallow.forest.trees) expect(tree.feature.length).toBeLessThanOrEqual(7);
  });

  it('says how many hours gaps cost when there are too few rows', () => {
    const short = buildFeatures(SPEC, { target: series(60) });
    const error = usageError(() => trainOzoneForest(short, SPEC, OPTIONS));
    expect(error.message).toContain(
      `too few rows to train and test: ${short.nRows} feature rows (${short.skippedForGaps} hours left out for gaps) give`,
    );
  });
});

describe('ozoneForestArtifacts', () => {
  const matrix = buildFeatures(SPEC, { target: series(24 * 30) });
  const result = trainOzoneForest(matrix, SPEC, OPTIONS);
  const files = ozoneForestArtifacts(result, matrix.names, SPEC, OPTIONS);
  const text = (name: string) => {
    const content = files.get(name);
    if (typeof content !== 'string') throw new Error(`${name} is not text`);
    return content;
  };

  it('writes the six files', () => {
    expect([...files.keys()]).toEqual([
      'metrics.json',
      'params.json',
      'model.json',
      'model.onnx',
      'predictions.csv',
      'feature_importance.json',
    ]);
    expect(files.get('model.onnx')).toBeInstanceOf(Uint8Array);
  });

  it('records metrics and the parameters under the project file’s names', () => {
    expect(JSON.parse(text('metrics.json'))).toEqual(result.metrics);
    expect(JSON.parse(text('params.json'))).toEqual({
      n_estimators: 10,
      min_samples_leaf: 10,
      max_features: 1,
      max_depth: 0,
      seed: 3,
      test_fraction: 0.2,
    });
  });

  it('writes a model.json with the signature, the spec and the forest', () => {
    const model = parseModelJson(text('model.json'));
    expect(model.inputs).toEqual(['o3_lag0', 'o3_lag1', 'o3_lag24', 'hour_sin', 'hour_cos']);
    expect(model.output).toBe('o3');
    expect(model.features).toEqual(SPEC);
    expect(model.trees).toHaveLength(10);
  });

  it('dates each prediction at the hour predicted: issue time + horizon', () => {
    const lines = predictionsCsv(result, SPEC.horizon).trimEnd().split('\n');
    expect(lines[0]).toBe('time,observed,predicted');
    expect(lines).toHaveLength(result.split.nTest + 1);
    const [time = '', observed, predicted] = defined(lines[1], 'a first row').split(',');
    expect(Date.parse(time)).toBe(defined(result.testTimes[0], 'a test time') + 2 * HOUR);
    expect(time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:00:00Z$/);
    expect(Number(observed)).toBe(result.observed[0]);
    expect(Number(predicted)).toBe(result.predicted[0]);
  });

  it('ranks features by importance, ties in signature order', () => {
    expect(() => featureImportanceJson(['a', 'b', 'c'], [0.2, 0.8])).toThrow(
      'feature importances: 2 importances for 3 features',
    );
    expect(featureImportanceJson(['a', 'b', 'c'], [0.2, 0.6, 0.2])).toEqual([
      { feature: 'b', importance: 0.6 },
      { feature: 'a', importance: 0.2 },
      { feature: 'c', importance: 0.2 },
    ]);
    const ranked = JSON.parse(text('feature_importance.json'));
    expect(ranked.map((r: { feature: string }) => r.feature).sort()).toEqual(
      [...matrix.names].sort(),
    );
  });
});

describe('min_samples_leaf auto', () => {
  const DAY_HOURS = 24;
  /** The project's own features on `days` of generated hourly ozone, auto against fully grown. */
  async function compare(days: number) {
    const spec = defined(
      (await loadProject(`${TRAINING_DIR}/ozone-forest`)).features,
      'the features section',
    );
    const matrix = buildFeatures(spec, { target: series(days * DAY_HOURS) });
    const auto = { ...DEFAULT_OPTIONS, minSamplesLeaf: 'auto' as const };
    const chosen = trainOzoneForest(matrix, spec, auto);
    const grown = trainOzoneForest(matrix, spec, { ...DEFAULT_OPTIONS, minSamplesLeaf: 1 });
    // model.json as ozoneForestArtifacts writes it (without the ONNX file, which takes as long).
    const model = toModelJson(chosen.forest, {
      inputs: matrix.names,
      output: spec.target,
      features: featureSpecJson(spec),
    });
    const params = paramsJson({ ...auto, minSamplesLeaf: chosen.minSamplesLeaf });
    return { chosen, grown, bytes: Buffer.byteLength(model), params };
  }

  it('keeps 10 on a year (P365D): model.json <= 5 MB, RMSE within 2 % of the fully grown forest', async () => {
    const { chosen, grown, bytes, params } = await compare(365);
    expect(chosen.minSamplesLeaf).toBe(10);
    expect(params.min_samples_leaf).toBe(10);
    expect(bytes).toBeLessThanOrEqual(5_000_000);
    expect(chosen.metrics.rmse).toBeLessThanOrEqual(1.02 * grown.metrics.rmse);
  });

  it('grows with the rows on five years (P5Y): model.json <= 5 MB, RMSE within 2 % of fully grown', async () => {
    const { chosen, grown, bytes, params } = await compare(5 * 365 + 1);
    expect(chosen.minSamplesLeaf).toBe(chooseMinSamplesLeaf(chosen.split.nTrain, 100));
    expect(chosen.minSamplesLeaf).toBeGreaterThan(10);
    expect(params.min_samples_leaf).toBe(chosen.minSamplesLeaf);
    expect(bytes).toBeLessThanOrEqual(5_000_000);
    expect(chosen.metrics.rmse).toBeLessThanOrEqual(1.02 * grown.metrics.rmse);
  });

  it('is 10 for small tables and scales with trees and rows', () => {
    expect(chooseMinSamplesLeaf(500, 100)).toBe(10);
    expect(chooseMinSamplesLeaf(6_988, 100)).toBe(10);
    expect(chooseMinSamplesLeaf(35_039, 100)).toBe(26);
    expect(chooseMinSamplesLeaf(35_039, 50)).toBe(13);
  });
});
