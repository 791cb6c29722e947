import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../../actions/lib/errors.ts';
import { localStore } from '../../../actions/lib/registry/local-store.ts';
import { probeRows } from '../../../actions/lib/registry/onnx-parity.ts';
import { publishRun, runArtifactsDir } from '../../../actions/lib/registry/publish-run.ts';
import {
  parseModelJson,
  predictServing,
} from '../../../actions/lib/training/forest/model-format.ts';
import { silentLogger } from '../../../actions/lib/util/logger.ts';
import { presentOrFailInCi } from '../../support/ci-requirement.ts';
import { writeRunFixture } from './run-fixture.ts';

const made: string[] = [];
async function freshStateDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'freshet-publish-'));
  made.push(dir);
  return dir;
}
afterEach(async () => {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('publishRun', () => {
  it('publishes every artifact of a run, flattened, with the manifest the card needs', async () => {
    const stateDir = await freshStateDir();
    const run = await writeRunFixture(stateDir, {
      extra: { 'plots/residuals.png': 'png bytes', 'predictions.csv': 'time,observed,predicted\n' },
    });
    const store = localStore(stateDir, { now: () => Date.UTC(2026, 10, 29) });
    const input = {
      run,
      artifactsDir: runArtifactsDir(stateDir, run.id),
      workflowRunUrl: 'https://github.com/o/r/actions/runs/1',
      logger: silentLogger,
    };
    const result = await publishRun(store, input);
    expect(result.uri).toBe('models:/ozone-forest/1');
    expect(result.onnxMade).toBeUndefined();
    const { manifest } = result;
    expect(manifest.assets.map((a) => [a.name, a.path, a.content_type])).toEqual([
      ['metrics.json', undefined, 'application/json'],
      ['model.json', undefined, 'application/json'],
      ['model.onnx', undefined, 'application/octet-stream'],
      ['params.json', undefined, 'application/json'],
      ['plots.residuals.png', 'plots/residuals.png', 'image/png'],
      ['predictions.csv', undefined, 'text/csv'],
    ]);
    expect(manifest).toMatchObject({
      run_id: run.id,
      metrics: { rmse: 2, skill: 0.2 },
      signature: { inputs: ['lag_1', 'lag_2', 'lag_3'], output: 'o3' },
      data: {
        variable: 'o3',
        station: '31.731,35.2741',
        start: '2014-01-01T00:00:00.000Z',
        end: '2014-01-11T00:00:00.000Z',
        rows: 240,
        station_name: 'Jerusalem',
      },
      project: { name: 'ozone-forest', path: 'training/ozone-forest', commit: 'e'.repeat(40) },
      workflow_run_url: 'https://github.com/o/r/actions/runs/1',
    });
    // A run published again is a new version.
    expect((await publishRun(store, input)).uri).toBe('models:/ozone-forest/2');
  });

  it('refuses a failed run, saying why', async () => {
    const stateDir = await freshStateDir();
    const run = { ...(await writeRunFixture(stateDir)), status: 'failed' as const, rows: null };
    const publishing = publishRun(localStore(stateDir), {
      run,
      artifactsDir: runArtifactsDir(stateDir, run.id),
      workflowRunUrl: null,
      logger: silentLogger,
    });
    await expect(publishing).rejects.toThrow(UsageError);
    await expect(publishing).rejects.toThrow('only a succeeded run is published');
  });
});

/** A Python with scikit-learn (Debian's /usr/bin/python3 has it where pyenv's python3 may not). */
const python = ['python3', '/usr/bin/python3'].find(
  (candidate) =>
    spawnSync(candidate, ['-c', 'import sklearn, psycopg2, yaml'], { stdio: 'ignore' }).status ===
    0,
);
const SKLEARN_MODEL = `
import sys
import numpy as np
sys.path.insert(0, sys.argv[1])
from train import model_json
from sklearn.ensemble import RandomForestRegressor
rng = np.random.default_rng(5)
x = rng.normal(size=(400, 4)).astype(np.float32)
y = np.sin(x[:, 0]) * 10 + x[:, 1] ** 2 + rng.normal(scale=0.1, size=400)
model = RandomForestRegressor(n_estimators=8, min_samples_leaf=3, random_state=1).fit(x, y)
print(model_json(model, ["lag_1", "lag_2", "hour_sin", "hour_cos"], {"target": "o3"}))
`;

describe.runIf(
  presentOrFailInCi(python !== undefined, {
    dependency: 'a python3 with scikit-learn, psycopg2 and PyYAML',
    install: 'apt-get install python3-sklearn python3-psycopg2 python3-yaml',
  }),
)('publishing a scikit-learn-trained model.json', () => {
  it('makes model.onnx that predicts as model.json does', async () => {
    const made = spawnSync(
      python ?? 'python3',
      ['-c', SKLEARN_MODEL, join(import.meta.dirname, '../../../training/ozone-sklearn')],
      { encoding: 'utf8' },
    );
    expect(made.stderr).toBe('');
    const modelJson = made.stdout.trim();
    const stateDir = await freshStateDir();
    const run = await writeRunFixture(stateDir, {
      experiment: 'ozone-sklearn',
      withOnnx: false,
      modelJson,
    });
    const store = localStore(stateDir);
    const result = await publishRun(store, {
      run,
      artifactsDir: runArtifactsDir(stateDir, run.id),
      workflowRunUrl: null,
      logger: silentLogger,
    });
    expect(result.onnxMade?.rows).toBe(512);
    expect(result.manifest.algorithm).toBe('sklearn-random-forest');
    const onnx = await store.download('ozone-sklearn', 1, 'model.onnx');
    // Independently of the publish's own check: the stored file, in a fresh session.
    const model = parseModelJson(
      JSON.parse(await readFile(join(runArtifactsDir(stateDir, run.id), 'model.json'), 'utf8')),
    );
    const x = probeRows(model, 200, 11);
    const session = await InferenceSession.create(onnx);
    const output = await session.run({ input: new Tensor('float32', x, [200, 4]) });
    const predicted = output.prediction?.data as Float32Array;
    for (let i = 0; i < 200; i++) {
      const expected = predictServing(model, x.subarray(i * 4, i * 4 + 4));
      expect(Math.abs((predicted[i] ?? Number.NaN) - expected)).toBeLessThanOrEqual(
        1e-5 * Math.max(1, Math.abs(expected)),
      );
    }
  });
});
