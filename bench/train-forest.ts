// The forest training benchmark. Generates a year of hourly ozone-like data (diurnal and seasonal
// cycles, autocorrelated noise; features: lags 1..24 and hour/day-of-year sin/cos = 28) for one
// station (~8.7k rows) and for five (~44k rows), splits each chronologically (the last 20 % of the
// year is the test set), and measures fit time, batch and single-row prediction, test RMSE and
// model.json size for
//   - our forest, fully grown and with the minimum leaf size chosen for the example (the smallest
//     min_samples_leaf whose model.json is <= 5 MB and whose RMSE is within 2 % of the fully
//     grown forest's),
//   - scikit-learn's RandomForestRegressor on one core (n_jobs=1) when a python3 with sklearn is
//     present (python3 on the PATH, else Debian's /usr/bin/python3), its trees converted to
//     model.json to measure the size (and to check that they predict as sklearn does),
//   - ml-random-forest on the single station with a few trees only (it is far slower); its times
//     and sizes are scaled to the full tree count and marked so.
// Prints a table, then one JSON object as the last stdout line.
//
//   node bench/train-forest.ts [--trees 100] [--stations 5] [--ml-trees 2 (0: skip)] [--no-sklearn]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { RandomForestRegression } from 'ml-random-forest';
import {
  fitForest,
  type ModelJsonTree,
  parseModelJson,
  predictBatch,
  predictServing,
  type ServingForest,
  toModelJson,
} from '../actions/lib/training/forest/index.ts';
import { createRandom } from '../actions/lib/training/forest/random.ts';
import { formatTable } from '../actions/lib/util/table.ts';
import { fromMlRandomForest } from './ml-random-forest.ts';

const { values: flags } = parseArgs({
  options: {
    trees: { type: 'string', default: '100' },
    stations: { type: 'string', default: '5' },
    'ml-trees': { type: 'string', default: '2' },
    'no-sklearn': { type: 'boolean', default: false },
  },
});
const TREES = Number(flags.trees);
const STATIONS = Number(flags.stations);
const ML_TREES = Number(flags['ml-trees']);
const MODEL_LIMIT_BYTES = 5_000_000;
const LEAF_SIZES = [1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20];
const N_FEATURES = 28;
const HOURS = 365 * 24;
const log = (m: string) => process.stderr.write(`${m}\n`);

// ---------------------------------------------------------------- data

interface Split {
  label: string;
  names: string[];
  train: { x: Float32Array; y: Float64Array; n: number };
  test: { x: Float32Array; y: Float64Array; n: number };
}

/** One station's hourly ozone (ppb) over a year, with its own level, amplitudes and noise. */
function stationSeries(seed: number): Float64Array {
  const random = createRandom(seed);
  const uniform = () => random.nextUint32() / 0x1_0000_0000;
  const gauss = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  const level = 25 + 10 * uniform();
  const seasonal = 10 + 8 * uniform();
  const diurnal = 8 + 6 * uniform();
  const o3 = new Float64Array(HOURS + 24);
  let weather = 0;
  for (let t = 0; t < o3.length; t++) {
    const day = t / 24;
    const hour = t % 24;
    const season = Math.sin((2 * Math.PI * (day - 80)) / 365);
    // Stronger afternoon peaks in summer; weather as an AR(1) process; measurement noise.
    weather = 0.95 * weather + 2.5 * gauss();
    const cycle = diurnal * (1 + 0.6 * season) * Math.sin((2 * Math.PI * (hour - 9)) / 24);
    o3[t] = Math.max(0, level + seasonal * season + cycle + weather + 1.5 * gauss());
  }
  return o3;
}

/** Rows of (lags 1..24, hour sin/cos, day-of-year sin/cos) → o3, split at 80 % of the year. */
function dataset(stations: number): Split {
  const rowsPerStation = HOURS;
  const cut = Math.floor(rowsPerStation * 0.8);
  const nTrain = cut * stations;
  const nTest = (rowsPerStation - cut) * stations;
  const split: Split = {
    label: `${stations} station${stations > 1 ? 's' : ''}`,
    names: [
      ...Array.from({ length: 24 }, (_, l) => `o3_lag_${l + 1}`),
      'hour_sin',
      'hour_cos',
      'doy_sin',
      'doy_cos',
    ],
    train: { x: new Float32Array(nTrain * N_FEATURES), y: new Float64Array(nTrain), n: nTrain },
    test: { x: new Float32Array(nTest * N_FEATURES), y: new Float64Array(nTest), n: nTest },
  };
  let trainRow = 0;
  let testRow = 0;
  for (let s = 0; s < stations; s++) {
    const o3 = stationSeries(1000 + s);
    for (let r = 0; r < rowsPerStation; r++) {
      const t = r + 24;
      const part = r < cut ? split.train : split.test;
      const i = r < cut ? trainRow++ : testRow++;
      const row = part.x.subarray(i * N_FEATURES, (i + 1) * N_FEATURES);
      // The series holds rowsPerStation + 24 hours and t = r + 24 with r < rowsPerStation: the 24
      // hours before t and t itself are in it.
      for (let l = 1; l <= 24; l++) row[l - 1] = o3[t - l]!;
      const hour = (2 * Math.PI * (t % 24)) / 24;
      const day = (2 * Math.PI * Math.floor(t / 24)) / 365;
      row.set([Math.sin(hour), Math.cos(hour), Math.sin(day), Math.cos(day)], 24);
      part.y[i] = o3[t]!;
    }
  }
  return split;
}

// ---------------------------------------------------------------- measurements

interface Result {
  data: string;
  model: string;
  trees: number;
  minSamplesLeaf: number;
  fitSeconds: number;
  batchMicrosPerRow: number;
  rowMicros: number;
  rmse: number;
  modelBytes: number;
  note: string;
}

function rmse(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  let sum = 0;
  // One prediction per actual value: i < actual.length bounds both.
  for (let i = 0; i < actual.length; i++) sum += (predicted[i]! - actual[i]!) ** 2;
  return Math.sqrt(sum / actual.length);
}

/** Mean microseconds of predictServing over test rows given as plain arrays (as a Worker has them). */
function timeSingleRow(model: ServingForest, split: Split, calls: number): number {
  const rows = Array.from({ length: 500 }, (_, i) => [
    ...split.test.x.subarray(i * N_FEATURES, (i + 1) * N_FEATURES),
  ]);
  let sink = 0;
  // k % rows.length < rows.length.
  for (let k = 0; k < 2000; k++) sink += predictServing(model, rows[k % rows.length]!); // warm-up
  const start = performance.now();
  for (let k = 0; k < calls; k++) sink += predictServing(model, rows[k % rows.length]!);
  const micros = ((performance.now() - start) * 1000) / calls;
  if (Number.isNaN(sink)) throw new Error('unreachable');
  return micros;
}

function measureOurs(split: Split, minSamplesLeaf: number): Result {
  const start = performance.now();
  const forest = fitForest(split.train.x, split.train.n, N_FEATURES, split.train.y, {
    nEstimators: TREES,
    minSamplesLeaf,
    seed: 1,
  });
  const fitSeconds = (performance.now() - start) / 1000;
  const batchStart = performance.now();
  const predicted = predictBatch(forest, split.test.x, split.test.n);
  const batchMicrosPerRow = ((performance.now() - batchStart) * 1000) / split.test.n;
  const text = toModelJson(forest, { inputs: split.names, output: 'o3', features: null });
  const served = parseModelJson(text);
  return {
    data: split.label,
    model: 'freshet forest',
    trees: TREES,
    minSamplesLeaf,
    fitSeconds,
    batchMicrosPerRow,
    rowMicros: timeSingleRow(served, split, 20_000),
    rmse: rmse(predicted, split.test.y),
    modelBytes: new TextEncoder().encode(text).length,
    note: '',
  };
}

/** A python3 with scikit-learn, if any. */
function findPython(): string | undefined {
  if (flags['no-sklearn']) return undefined;
  return ['python3', '/usr/bin/python3'].find(
    (candidate) => spawnSync(candidate, ['-c', 'import sklearn'], { stdio: 'ignore' }).status === 0,
  );
}

const SKLEARN_SCRIPT = `
import base64, json, sys, time
import numpy as np
from sklearn.ensemble import RandomForestRegressor
directory, n_features, params = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
load_x = lambda name: np.fromfile(f"{directory}/{name}", dtype="<f4").reshape(-1, n_features)
x, y = load_x("train_x.bin"), np.fromfile(f"{directory}/train_y.bin", dtype="<f8")
test_x = load_x("test_x.bin")
model = RandomForestRegressor(n_jobs=1, **params)
start = time.perf_counter(); model.fit(x, y); fit_s = time.perf_counter() - start
start = time.perf_counter(); predicted = model.predict(test_x); batch_s = time.perf_counter() - start
start = time.perf_counter()
for i in range(200): model.predict(test_x[i:i + 1])
row_us = (time.perf_counter() - start) / 200 * 1e6
b64 = lambda a: base64.b64encode(np.ascontiguousarray(a).tobytes()).decode()
def tree_arrays(tree):
    leaf = tree.children_left == -1
    # sklearn sends x left when float32 x <= float64 threshold: the largest float32 <= threshold
    # gives the same branch for every float32 x.
    threshold = tree.threshold.astype(np.float32)
    above = threshold.astype(np.float64) > tree.threshold
    threshold[above] = np.nextafter(threshold[above], np.float32(-np.inf))
    threshold[leaf] = 0
    return {"feature": b64(np.where(leaf, -1, tree.feature).astype("<i4")),
            "threshold": b64(threshold.astype("<f4")),
            "left": b64(tree.children_left.astype("<i4")), "right": b64(tree.children_right.astype("<i4")),
            "value": b64(tree.value[:, 0, 0].astype("<f8"))}
json.dump({"fit_s": fit_s, "batch_s": batch_s, "row_us": row_us, "predicted": b64(predicted.astype("<f8")),
           "trees": [tree_arrays(e.tree_) for e in model.estimators_]}, open(f"{directory}/out.json", "w"))
`;

function measureSklearn(python: string, split: Split, minSamplesLeaf: number): Result {
  const dir = mkdtempSync(join(tmpdir(), 'freshet-bench-forest-'));
  try {
    const bytes = (a: Float32Array | Float64Array) =>
      new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    writeFileSync(join(dir, 'train_x.bin'), bytes(split.train.x));
    writeFileSync(join(dir, 'train_y.bin'), bytes(split.train.y));
    writeFileSync(join(dir, 'test_x.bin'), bytes(split.test.x));
    const params = { n_estimators: TREES, min_samples_leaf: minSamplesLeaf, random_state: 1 };
    const run = spawnSync(
      python,
      ['-c', SKLEARN_SCRIPT, dir, String(N_FEATURES), JSON.stringify(params)],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    if (run.status !== 0) throw new Error(`scikit-learn failed: ${run.stderr}`);
    const out = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as {
      fit_s: number;
      batch_s: number;
      row_us: number;
      predicted: string;
      trees: ModelJsonTree[];
    };
    const predicted = new Float64Array(
      Uint8Array.from(atob(out.predicted), (c) => c.charCodeAt(0)).buffer,
    );
    // The same trees in model.json: validated by the loader, then measured.
    const served = parseModelJson({
      format: 'freshet-forest',
      version: 1,
      algorithm: 'sklearn-random-forest',
      signature: { inputs: split.names, output: 'o3' },
      features: null,
      params,
      n_features: N_FEATURES,
      trees: out.trees,
    });
    const ours = predictBatch(served, split.test.x, split.test.n);
    let maxDifference = 0;
    // Both predict the same split.test.n rows.
    for (let i = 0; i < ours.length; i++) {
      maxDifference = Math.max(maxDifference, Math.abs(ours[i]! - predicted[i]!));
    }
    return {
      data: split.label,
      model: 'scikit-learn (n_jobs=1)',
      trees: TREES,
      minSamplesLeaf,
      fitSeconds: out.fit_s,
      batchMicrosPerRow: (out.batch_s * 1e6) / split.test.n,
      rowMicros: out.row_us,
      rmse: rmse(predicted, split.test.y),
      modelBytes: new TextEncoder().encode(toModelJson(served)).length,
      note: `model.json of its trees predicts as sklearn within ${maxDifference.toExponential(1)}`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function measureMlRandomForest(split: Split, minSamplesLeaf: number): Result[] {
  const rows = (x: Float32Array, n: number) =>
    Array.from({ length: n }, (_, i) => [...x.subarray(i * N_FEATURES, (i + 1) * N_FEATURES)]);
  const trainRows = rows(split.train.x, split.train.n);
  const testRows = rows(split.test.x, split.test.n);
  // ml-cart makes a leaf of a node with at most minNumSamples rows; 2·leaf − 1 is the nearest
  // equivalent of min_samples_leaf (a node below 2·min_samples_leaf rows cannot split).
  const minNumSamples = 2 * minSamplesLeaf - 1;
  const rf = new RandomForestRegression({
    nEstimators: ML_TREES,
    maxFeatures: 1.0,
    seed: 1,
    noOOB: true,
    treeOptions: { minNumSamples },
  });
  const start = performance.now();
  rf.train(trainRows, [...split.train.y]);
  const fitSeconds = (performance.now() - start) / 1000;
  const batchStart = performance.now();
  const predicted = rf.predict(testRows);
  const batchMicrosPerRow = ((performance.now() - batchStart) * 1000) / split.test.n;
  const rowStart = performance.now();
  for (const row of testRows.slice(0, 200)) rf.predict([row]);
  const rowMicros = ((performance.now() - rowStart) * 1000) / 200;
  const scale = TREES / ML_TREES;
  const ownJson = JSON.stringify(rf.toJSON()).length;
  const converted = fromMlRandomForest(rf, split.names, { output: 'o3' });
  const convertedBytes = toModelJson(converted).length;
  const note = `${ML_TREES} trees trained; times and sizes ×${scale}; RMSE of ${ML_TREES} trees`;
  const common = {
    data: split.label,
    trees: TREES,
    minSamplesLeaf,
    fitSeconds: fitSeconds * scale,
    batchMicrosPerRow: batchMicrosPerRow * scale,
    rowMicros: rowMicros * scale,
    rmse: rmse(predicted, split.test.y),
  };
  return [
    {
      ...common,
      model: 'ml-random-forest',
      modelBytes: ownJson * scale,
      note: `its own JSON; ${note}`,
    },
    {
      ...common,
      model: 'ml-random-forest → model.json',
      modelBytes: convertedBytes * scale,
      note: `converted; ${note}`,
    },
  ];
}

// ---------------------------------------------------------------- run

const results: Result[] = [];
const single = dataset(1);
log(
  `${single.label}: ${single.train.n} training rows, ${single.test.n} test rows, ${N_FEATURES} features`,
);

// The example's minimum leaf size: the smallest whose model.json fits and whose RMSE stays within
// 2 % of the fully grown forest's.
const sweep: Result[] = [];
for (const leaf of LEAF_SIZES) {
  const result: Result = measureOurs(single, leaf);
  sweep.push(result);
  log(
    `  min_samples_leaf ${leaf}: fit ${result.fitSeconds.toFixed(2)} s, RMSE ${result.rmse.toFixed(3)}, model.json ${(result.modelBytes / 1e6).toFixed(2)} MB`,
  );
}
// LEAF_SIZES starts with 1 (fully grown) and is not empty.
const full = sweep[0]!;
const chosen =
  sweep.find((r) => r.modelBytes <= MODEL_LIMIT_BYTES && r.rmse <= 1.02 * full.rmse) ??
  sweep[sweep.length - 1]!;
chosen.note =
  'the example: smallest leaf size with model.json <= 5 MB and RMSE within 2 % of fully grown';
results.push(full);
if (chosen !== full) results.push(chosen);

const python = findPython();
let sklearnChosen: Result | undefined;
if (python) {
  log(`scikit-learn via ${python}…`);
  results.push(measureSklearn(python, single, 1));
  sklearnChosen = measureSklearn(python, single, chosen.minSamplesLeaf);
  results.push(sklearnChosen);
} else {
  log('no python3 with scikit-learn: skipping it');
}
if (ML_TREES > 0) {
  log(`ml-random-forest with ${ML_TREES} trees…`);
  results.push(...measureMlRandomForest(single, chosen.minSamplesLeaf));
}

if (STATIONS > 1) {
  const several = dataset(STATIONS);
  log(`${several.label}: ${several.train.n} training rows, ${several.test.n} test rows`);
  for (const leaf of [1, chosen.minSamplesLeaf]) {
    results.push(measureOurs(several, leaf));
    if (python) results.push(measureSklearn(python, several, leaf));
  }
}

const round = (v: number, digits: number) => Number(v.toFixed(digits));
console.log(
  formatTable(
    [
      'data',
      'model',
      'trees',
      'min leaf',
      'fit s',
      'batch µs/row',
      'row µs',
      'RMSE',
      'model.json MB',
      'note',
    ],
    results.map((r) => [
      r.data,
      r.model,
      r.trees,
      r.minSamplesLeaf,
      round(r.fitSeconds, 2),
      round(r.batchMicrosPerRow, 2),
      round(r.rowMicros, 1),
      round(r.rmse, 4),
      round(r.modelBytes / 1e6, 2),
      r.note,
    ]),
  ),
);
console.log('\nmin_samples_leaf sweep (freshet forest, 1 station):');
console.log(
  formatTable(
    ['min leaf', 'fit s', 'RMSE', 'RMSE / fully grown', 'model.json MB'],
    sweep.map((r) => [
      r.minSamplesLeaf,
      round(r.fitSeconds, 2),
      round(r.rmse, 4),
      round(r.rmse / full.rmse, 4),
      round(r.modelBytes / 1e6, 2),
    ]),
  ),
);
console.log(
  JSON.stringify({
    fit_s: round(chosen.fitSeconds, 3),
    sklearn_fit_s: sklearnChosen ? round(sklearnChosen.fitSeconds, 3) : null,
    fit_ratio_vs_sklearn: sklearnChosen
      ? round(chosen.fitSeconds / sklearnChosen.fitSeconds, 3)
      : null,
    rmse: round(chosen.rmse, 4),
    sklearn_rmse: sklearnChosen ? round(sklearnChosen.rmse, 4) : null,
    rmse_ratio_vs_sklearn: sklearnChosen ? round(chosen.rmse / sklearnChosen.rmse, 4) : null,
    predict_row_us: round(chosen.rowMicros, 2),
    model_bytes: chosen.modelBytes,
    min_samples_leaf: chosen.minSamplesLeaf,
  }),
);
