import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type ForestParams,
  fitForest,
  predictBatch,
} from '../../../../actions/lib/training/forest/index.ts';
import { presentOrFailInCi } from '../../../support/ci-requirement.ts';
import { type Dataset, knownFunction, rmse, splitRows } from './synthetic.ts';

/**
 * A Python with scikit-learn, if this machine has one: `python3` on the PATH may be a build
 * without it (pyenv) while Debian's /usr/bin/python3 has python3-sklearn.
 */
const python = ['python3', '/usr/bin/python3'].find(
  (candidate) => spawnSync(candidate, ['-c', 'import sklearn'], { stdio: 'ignore' }).status === 0,
);

const SCRIPT = `
import json, sys
import numpy as np
from sklearn.ensemble import RandomForestRegressor
train = np.loadtxt(sys.argv[1], delimiter=",", ndmin=2)
test = np.loadtxt(sys.argv[2], delimiter=",", ndmin=2)
params = json.loads(sys.argv[3])
model = RandomForestRegressor(n_jobs=1, **params)
model.fit(train[:, 1:].astype(np.float32), train[:, 0])
predicted = model.predict(test[:, 1:].astype(np.float32))
print(json.dumps({"rmse": float(np.sqrt(np.mean((predicted - test[:, 0]) ** 2)))}))
`;

/** y first, then the features; JavaScript prints each number exactly (shortest round trip). */
function toCsv(data: Dataset): string {
  const lines: string[] = [];
  for (let i = 0; i < data.nRows; i++) {
    const row = data.x.subarray(i * data.nFeatures, (i + 1) * data.nFeatures);
    lines.push([data.y[i], ...row].join(','));
  }
  return `${lines.join('\n')}\n`;
}

// In CI a missing scikit-learn fails the file instead of skipping it.
const hasSklearnOrNotCi = presentOrFailInCi(python !== undefined, {
  dependency: 'a python3 with scikit-learn',
  install: 'apt-get install python3-sklearn',
});
describe.runIf(hasSklearnOrNotCi)(
  'against scikit-learn (when a python3 with sklearn is present)',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'freshet-forest-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const [train, test] = splitRows(knownFunction(4000, 6, 0.3, 51), 3000);
    writeFileSync(join(dir, 'train.csv'), toCsv(train));
    writeFileSync(join(dir, 'test.csv'), toCsv(test));

    const sklearnRmse = (params: Record<string, unknown>): number => {
      const run = spawnSync(
        python ?? 'python3', // the suite runs only when there is one
        ['-c', SCRIPT, join(dir, 'train.csv'), join(dir, 'test.csv'), JSON.stringify(params)],
        { encoding: 'utf8' },
      );
      if (run.status !== 0) throw new Error(`scikit-learn failed: ${run.stderr}`);
      return (JSON.parse(run.stdout) as { rmse: number }).rmse;
    };
    const ourRmse = (params: ForestParams): number => {
      const forest = fitForest(train.x, train.nRows, train.nFeatures, train.y, params);
      return rmse(predictBatch(forest, test.x, test.nRows), test.y);
    };

    const cases: [string, ForestParams, Record<string, unknown>][] = [
      [
        'defaults (all features, fully grown)',
        { nEstimators: 50, seed: 1 },
        { n_estimators: 50, random_state: 1 },
      ],
      [
        "max_features 'sqrt', min_samples_leaf 5, max_depth 12",
        { nEstimators: 50, maxFeatures: 'sqrt', minSamplesLeaf: 5, maxDepth: 12, seed: 2 },
        {
          n_estimators: 50,
          max_features: 'sqrt',
          min_samples_leaf: 5,
          max_depth: 12,
          random_state: 2,
        },
      ],
    ];
    for (const [label, ours, theirs] of cases) {
      it(`reaches an RMSE within 3 % of scikit-learn's with the same hyper-parameters: ${label}`, () => {
        const reference = sklearnRmse(theirs);
        const mine = ourRmse(ours);
        expect(mine).toBeLessThanOrEqual(1.03 * reference);
      });
    }
  },
);
