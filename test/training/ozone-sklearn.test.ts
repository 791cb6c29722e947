// training/ozone-sklearn end to end: the feature table built by the library from a year of hourly
// ozone in a real PostgreSQL, train.py run by the project's own command with Debian's Python, and
// its model.json served by our code exactly as scikit-learn predicts.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../actions/lib/toar/migrate.ts';
import {
  createFeatureTable,
  type FeatureTable,
} from '../../actions/lib/training/data/feature-table.ts';
import { featureNames } from '../../actions/lib/training/data/features.ts';
import { parseModelJson, predictServing } from '../../actions/lib/training/forest/index.ts';
import { loadProject } from '../../actions/lib/training/project/load-project.ts';
import { resolveParameters } from '../../actions/lib/training/project/parameters.ts';
import { getEntryPoint, renderCommand } from '../../actions/lib/training/project/project.ts';
import { writeTableCsv } from '../../actions/lib/training/run/table-files.ts';
import { silentLogger } from '../../actions/lib/util/logger.ts';
import {
  chronologicalSplit,
  forecastMetrics,
  persistenceForecast,
} from '../../training/ozone-forest/evaluate.ts';
import { presentOrFailInCi } from '../support/ci-requirement.ts';
import { createTestDatabase } from '../support/database.ts';
import { defined } from '../support/defined.ts';
import {
  HOUR,
  hasSystemSklearn,
  ozoneRows,
  ozoneTrainingTable,
  readPredictionsCsv,
  SYSTEM_PYTHON,
  TRAINING_DIR,
} from './ozone-fixture.ts';

const PROJECT = join(TRAINING_DIR, 'ozone-sklearn');
const YEAR = 365 * 24;
const GAPS = new Set([...Array.from({ length: 24 }, (_, k) => 1500 + k), 4000, 6100, 6101]);

interface Run {
  readonly code: number;
  readonly stderr: string;
  readonly outputDir: string;
}

// In CI a missing dependency fails the file instead of skipping it.
const sklearnRuns = presentOrFailInCi(hasSystemSklearn, {
  dependency: "/usr/bin/python3's scikit-learn, psycopg2 and PyYAML",
  install: 'apt-get install python3-sklearn python3-psycopg2 python3-yaml',
});
describe.runIf(sklearnRuns)(
  'training/ozone-sklearn (when /usr/bin/python3 has sklearn, psycopg2 and yaml)',
  () => {
    let db: Awaited<ReturnType<typeof createTestDatabase>>;
    let client: pg.Client;
    let features: FeatureTable;
    let scratch: string;

    /** The entry point's command, rendered from the project file, run by `sh -c` in its folder. */
    async function runProject(
      parameters: Record<string, string>,
      env: { table?: string; databaseUrl?: string; featuresFile?: string } = {},
    ): Promise<Run> {
      const entry = getEntryPoint(await loadProject(PROJECT));
      const command = renderCommand(entry, resolveParameters(entry, parameters));
      const outputDir = await mkdtemp(join(scratch, 'output-'));
      const variables: Record<string, string> = {
        // `python3` must be Debian's: the one on PATH here may be a build without scikit-learn.
        PATH: [dirname(SYSTEM_PYTHON), process.env.PATH ?? ''].join(delimiter),
        FRESHET_OUTPUT_DIR: outputDir,
        FRESHET_TRAINING_TABLE: 'public.training_year',
      };
      if (env.databaseUrl !== undefined) variables.DATABASE_URL = env.databaseUrl;
      if (env.table !== undefined) variables.FRESHET_FEATURES_TABLE = env.table;
      if (env.featuresFile !== undefined) variables.FRESHET_FEATURES_FILE = env.featuresFile;
      return new Promise((resolve) => {
        execFile('sh', ['-c', command], { cwd: PROJECT, env: variables }, (error, _out, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
          resolve({ code, stderr, outputDir });
        });
      });
    }

    beforeAll(async () => {
      db = await createTestDatabase('ozone_sklearn');
      client = new pg.Client({ connectionString: db.url });
      await client.connect();
      await migrate(client, silentLogger);
      scratch = await mkdtemp(join(tmpdir(), 'freshet-ozone-sklearn-'));
      const spec = defined((await loadProject(PROJECT)).features, 'the features section');
      const year = await ozoneTrainingTable(client, {
        table: 'public.training_year',
        rows: ozoneRows(YEAR, 7, GAPS),
        lat: '50.1',
        lng: '8.6',
      });
      features = await createFeatureTable(client, {
        table: 'public.features_year',
        spec,
        selection: year,
      });
      const short = await ozoneTrainingTable(client, {
        table: 'public.training_three_days',
        rows: ozoneRows(72, 8),
        lat: '48.1',
        lng: '11.6',
      });
      await createFeatureTable(client, {
        table: 'public.features_three_days',
        spec,
        selection: short,
      });
    });

    afterAll(async () => {
      await client?.end();
      await db?.drop();
      if (scratch) await rm(scratch, { recursive: true, force: true });
    });

    describe('on a year of hourly ozone', () => {
      let run: Run;
      beforeAll(async () => {
        run = await runProject({}, { table: 'public.features_year', databaseUrl: db.url });
      }, 300_000);

      it('exits 0 and writes the artifacts (model.onnx needs skl2onnx, so not that one)', async () => {
        expect(run.stderr).not.toMatch(/error|Traceback/);
        expect(run.code).toBe(0);
        expect((await readdir(run.outputDir)).sort()).toEqual([
          'feature_importance.json',
          'metrics.json',
          'model.json',
          'params.json',
          'predictions.csv',
        ]);
        expect(JSON.parse(await readFile(join(run.outputDir, 'params.json'), 'utf8'))).toEqual({
          n_estimators: 100,
          min_samples_leaf: 5,
          max_features: 1,
          max_depth: 0,
          seed: 0,
          test_fraction: 0.2,
        });
      });

      it('writes a model.json in our format, with the project’s spec and the table’s signature', async () => {
        const model = parseModelJson(await readFile(join(run.outputDir, 'model.json'), 'utf8'));
        const spec = defined((await loadProject(PROJECT)).features, 'the features section');
        expect(model.algorithm).toBe('sklearn-random-forest');
        expect(model.inputs).toEqual(featureNames(spec));
        expect(model.inputs).toEqual(features.names);
        expect(model.output).toBe('o3');
        expect(model.features).toEqual(spec);
        expect(model.trees).toHaveLength(100);
        expect(model.params).toMatchObject({
          n_estimators: 100,
          min_samples_leaf: 5,
          max_features: 1,
          max_depth: null,
          random_state: 0,
          n_jobs: 1,
        });
      });

      it('serves the test rows from model.json as scikit-learn predicted them, within 1e-9', async () => {
        const csv = readPredictionsCsv(
          await readFile(join(run.outputDir, 'predictions.csv'), 'utf8'),
        );
        const model = parseModelJson(await readFile(join(run.outputDir, 'model.json'), 'utf8'));
        const { matrix } = features;
        const { nTrain, nTest } = chronologicalSplit(matrix.nRows, 0.2);
        expect(csv.header).toBe('time,observed,predicted');
        expect(csv.times).toHaveLength(nTest);
        // The CSV holds nTest rows (checked above); r < nTrain + nTest = nRows.
        for (let i = 0; i < nTest; i++) {
          const r = nTrain + i;
          expect(Date.parse(csv.times[i]!)).toBe(matrix.times[r]! + HOUR);
          expect(csv.observed[i]).toBe(matrix.y[r]);
          // A plain array, as a request brings it: the row the Worker would build.
          const row = [...matrix.x.subarray(r * matrix.nFeatures, (r + 1) * matrix.nFeatures)];
          expect(Math.abs(predictServing(model, row) - csv.predicted[i]!)).toBeLessThanOrEqual(
            1e-9,
          );
        }
      });

      it('measures as training/ozone-forest does: the same split, scores and baseline', async () => {
        const metrics = JSON.parse(await readFile(join(run.outputDir, 'metrics.json'), 'utf8'));
        const csv = readPredictionsCsv(
          await readFile(join(run.outputDir, 'predictions.csv'), 'utf8'),
        );
        const { matrix } = features;
        const split = chronologicalSplit(matrix.nRows, 0.2);
        const spec = defined((await loadProject(PROJECT)).features, 'the features section');
        const persistence = persistenceForecast(spec, matrix, split.nTrain, matrix.nRows);
        const expected = forecastMetrics(csv.observed, csv.predicted, persistence, split);
        expect(Object.keys(metrics).sort()).toEqual(Object.keys(expected).sort());
        for (const [name, value] of Object.entries(expected)) {
          expect(metrics[name]).toBeCloseTo(value, 9);
        }
        expect(metrics.skill).toBeGreaterThan(0);
      });

      it('ranks every feature by scikit-learn’s importance', async () => {
        const ranked: { feature: string; importance: number }[] = JSON.parse(
          await readFile(join(run.outputDir, 'feature_importance.json'), 'utf8'),
        );
        expect(ranked.map((r) => r.feature).sort()).toEqual([...features.names].sort());
        const importances = ranked.map((r) => r.importance);
        expect(importances).toEqual([...importances].sort((a, b) => b - a));
        expect(importances.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      });
    });

    describe("as another repository's code (no database, a CSV file)", () => {
      it('trains on FRESHET_FEATURES_FILE exactly as on the table', async () => {
        const file = join(scratch, 'features.csv');
        await writeTableCsv(client, 'public.features_year', file);
        const parameters = { n_estimators: '10' };
        const fromFile = await runProject(parameters, { featuresFile: file });
        expect(fromFile.stderr).not.toMatch(/error|Traceback/);
        expect(fromFile.code).toBe(0);
        const fromTable = await runProject(parameters, {
          table: 'public.features_year',
          databaseUrl: db.url,
        });
        const metrics = async (run: Run) =>
          JSON.parse(await readFile(join(run.outputDir, 'metrics.json'), 'utf8'));
        expect(await metrics(fromFile)).toEqual(await metrics(fromTable));
      }, 300_000);
    });

    describe('failing clearly (exit status 1)', () => {
      it('names every variable the runner should have set and every bad flag, together', async () => {
        const run = await runProject({ max_features: '2' });
        expect(run.code).toBe(1);
        expect(run.stderr).toContain(
          'error: --max-features must be a fraction of the features in (0, 1], e.g. 1.0 (all) or 0.5, got "2"',
        );
        expect(run.stderr).toContain('error: DATABASE_URL is not set');
        expect(run.stderr).toContain('error: FRESHET_FEATURES_TABLE is not set');
        expect(await readdir(run.outputDir)).toEqual([]);
      });

      it('says there are too few rows, as ozone-forest does', async () => {
        const run = await runProject(
          {},
          { table: 'public.features_three_days', databaseUrl: db.url },
        );
        expect(run.code).toBe(1);
        expect(run.stderr).toContain(
          'error: too few rows to train and test: 47 feature rows give 37 training and 10 test rows',
        );
        expect(await readdir(run.outputDir)).toEqual([]);
      });

      it('names the table it could not read', async () => {
        const run = await runProject({}, { table: 'public.no_such_table', databaseUrl: db.url });
        expect(run.code).toBe(1);
        expect(run.stderr).toContain(
          'error: reading the feature table public.no_such_table failed',
        );
      });
    });
  },
);
