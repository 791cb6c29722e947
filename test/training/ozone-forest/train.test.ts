// training/ozone-forest end to end: a year of hourly ozone in a real PostgreSQL, the training table
// selected by the library, the project's own command (as freshet-project.yml renders it) run by
// `sh -c` in the project folder with the runner's environment variables.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../actions/lib/toar/migrate.ts';
import { buildFeatures, featureNames } from '../../../actions/lib/training/data/features.ts';
import type { TrainingSelection } from '../../../actions/lib/training/data/selection.ts';
import { parseModelJson, predictBatch } from '../../../actions/lib/training/forest/index.ts';
import { loadProject } from '../../../actions/lib/training/project/load-project.ts';
import { resolveParameters } from '../../../actions/lib/training/project/parameters.ts';
import { getEntryPoint, renderCommand } from '../../../actions/lib/training/project/project.ts';
import { writeTableCsv } from '../../../actions/lib/training/run/table-files.ts';
import { silentLogger } from '../../../actions/lib/util/logger.ts';
import { createTestDatabase } from '../../support/database.ts';
import { defined } from '../../support/defined.ts';
import {
  HOUR,
  ozoneRows,
  ozoneTrainingTable,
  readPredictionsCsv,
  TRAINING_DIR,
} from '../ozone-fixture.ts';

const PROJECT = join(TRAINING_DIR, 'ozone-forest');
const YEAR = 365 * 24;
// A missing day in March and a few single hours: rows needing them are left out, never bridged.
const GAPS = new Set([...Array.from({ length: 24 }, (_, k) => 1500 + k), 4000, 6100, 6101]);

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let client: pg.Client;
let year: TrainingSelection;
let scratch: string;

interface Run {
  readonly code: number;
  readonly stderr: string;
  readonly outputDir: string;
}

/**
 * Runs the entry point's command as the runner does: rendered from the project file, `sh -c` in
 * the project folder, this Node first on PATH, the runner's variables set (or left out).
 */
async function runProject(
  parameters: Record<string, string>,
  env: { table?: string; databaseUrl?: string; trainingFile?: string } = {},
): Promise<Run> {
  const entry = getEntryPoint(await loadProject(PROJECT));
  const command = renderCommand(entry, resolveParameters(entry, parameters));
  const outputDir = await mkdtemp(join(scratch, 'output-'));
  const variables: Record<string, string> = {
    PATH: [dirname(process.execPath), process.env.PATH ?? ''].join(delimiter),
    FRESHET_OUTPUT_DIR: outputDir,
  };
  if (env.databaseUrl !== undefined) variables.DATABASE_URL = env.databaseUrl;
  if (env.table !== undefined) variables.FRESHET_TRAINING_TABLE = env.table;
  if (env.trainingFile !== undefined) variables.FRESHET_TRAINING_FILE = env.trainingFile;
  return new Promise((resolve) => {
    execFile('sh', ['-c', command], { cwd: PROJECT, env: variables }, (error, _stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stderr, outputDir });
    });
  });
}

beforeAll(async () => {
  db = await createTestDatabase('ozone_forest');
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await migrate(client, silentLogger);
  scratch = await mkdtemp(join(tmpdir(), 'freshet-ozone-forest-'));
  year = await ozoneTrainingTable(client, {
    table: 'public.training_year',
    rows: ozoneRows(YEAR, 7, GAPS),
    lat: '50.1',
    lng: '8.6',
  });
  await ozoneTrainingTable(client, {
    table: 'public.training_three_days',
    rows: ozoneRows(72, 8),
    lat: '48.1',
    lng: '11.6',
  });
});

afterAll(async () => {
  await client?.end();
  await db?.drop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('training/ozone-forest on a year of hourly ozone', () => {
  let run: Run;
  beforeAll(async () => {
    // The project's defaults: 100 trees, min_samples_leaf 5.
    run = await runProject({}, { table: 'public.training_year', databaseUrl: db.url });
  }, 300_000);

  it('exits 0 and writes every artifact', async () => {
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expect((await readdir(run.outputDir)).sort()).toEqual([
      'feature_importance.json',
      'metrics.json',
      'model.json',
      'model.onnx',
      'params.json',
      'predictions.csv',
    ]);
  });

  it('writes the parameters it trained with, defaults filled in', async () => {
    const params = JSON.parse(await readFile(join(run.outputDir, 'params.json'), 'utf8'));
    expect(params).toEqual({
      n_estimators: 100,
      min_samples_leaf: 10,
      max_features: 1,
      max_depth: 0,
      seed: 0,
      test_fraction: 0.2,
    });
  });

  it('splits chronologically and beats persistence on data with a diurnal cycle', async () => {
    const metrics = JSON.parse(await readFile(join(run.outputDir, 'metrics.json'), 'utf8'));
    const spec = defined((await loadProject(PROJECT)).features, 'the features section');
    const matrix = buildFeatures(spec, { target: year.series });
    expect(matrix.skippedForGaps).toBeGreaterThan(0);
    expect(metrics.rows_test).toBe(Math.ceil(matrix.nRows * 0.2));
    expect(metrics.rows_train + metrics.rows_test).toBe(matrix.nRows);
    expect(metrics.skill).toBeGreaterThan(0);
    expect(metrics.skill).toBeCloseTo(1 - metrics.rmse / metrics.persistence_rmse, 12);
    expect(metrics.rmse).toBeLessThan(metrics.persistence_rmse);
    expect(metrics.mae).toBeLessThanOrEqual(metrics.rmse);
    expect(metrics.r2).toBeGreaterThan(0.5);
    expect(metrics.r2).toBeLessThan(1);
  });

  it('writes a model.json of at most 5 MB that validates and carries the spec and signature', async () => {
    const path = join(run.outputDir, 'model.json');
    expect((await stat(path)).size).toBeLessThanOrEqual(5_000_000);
    const model = parseModelJson(await readFile(path, 'utf8'));
    const spec = defined((await loadProject(PROJECT)).features, 'the features section');
    expect(model.algorithm).toBe('random-forest');
    expect(model.inputs).toEqual(featureNames(spec));
    expect(model.output).toBe('o3');
    expect(model.features).toEqual(spec);
    expect(model.trees).toHaveLength(100);
    expect(model.params).toMatchObject({ n_estimators: 100, min_samples_leaf: 10, seed: 0 });
  });

  it('predicts the test window in predictions.csv: model.json exactly, ONNX within 1e-5', async () => {
    const csv = readPredictionsCsv(await readFile(join(run.outputDir, 'predictions.csv'), 'utf8'));
    expect(csv.header).toBe('time,observed,predicted');
    const spec = defined((await loadProject(PROJECT)).features, 'the features section');
    const matrix = buildFeatures(spec, { target: year.series });
    const nTest = csv.times.length;
    const first = matrix.nRows - nTest;
    const x = matrix.x.slice(first * matrix.nFeatures);
    // Each line is the hour predicted: the issue time + 1 h, and its observation.
    // first + i < first + nTest = nRows: inside the matrix.
    csv.times.forEach((time, i) => {
      expect(Date.parse(time)).toBe(matrix.times[first + i]! + HOUR);
      expect(csv.observed[i]).toBe(matrix.y[first + i]);
    });

    const model = parseModelJson(await readFile(join(run.outputDir, 'model.json'), 'utf8'));
    expect([...predictBatch(model, x, nTest)]).toEqual(csv.predicted);

    const session = await InferenceSession.create(
      await readFile(join(run.outputDir, 'model.onnx')),
    );
    const result = await session.run({
      input: new Tensor('float32', x, [nTest, matrix.nFeatures]),
    });
    const onnx = defined(result.prediction, 'the ONNX output').data as Float32Array;
    expect(onnx).toHaveLength(nTest);
    // Both hold nTest values (checked just above and by the CSV's length).
    for (let i = 0; i < nTest; i++) {
      expect(Math.abs(onnx[i]! - csv.predicted[i]!)).toBeLessThanOrEqual(
        1e-5 * Math.max(1, Math.abs(csv.predicted[i]!)),
      );
    }
  });

  it('ranks every feature by importance, summing to 1', async () => {
    const ranked: { feature: string; importance: number }[] = JSON.parse(
      await readFile(join(run.outputDir, 'feature_importance.json'), 'utf8'),
    );
    const spec = defined((await loadProject(PROJECT)).features, 'the features section');
    expect(ranked.map((r) => r.feature).sort()).toEqual(featureNames(spec).sort());
    const importances = ranked.map((r) => r.importance);
    expect(importances).toEqual([...importances].sort((a, b) => b - a));
    expect(importances.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    // The newest observation carries most of the next hour.
    expect(ranked[0]?.feature).toBe('o3_lag0');
  });
});

describe("training/ozone-forest as another repository's code (no database, a CSV file)", () => {
  it('trains on FRESHET_TRAINING_FILE exactly as on the table', async () => {
    const file = join(scratch, 'training.csv');
    await writeTableCsv(client, 'public.training_year', file);
    const parameters = { n_estimators: '10' };
    const fromFile = await runProject(parameters, { trainingFile: file });
    expect(fromFile.stderr).not.toMatch(/error/i);
    expect(fromFile.code).toBe(0);
    const fromTable = await runProject(parameters, {
      table: 'public.training_year',
      databaseUrl: db.url,
    });
    const metrics = async (run: Run) =>
      JSON.parse(await readFile(join(run.outputDir, 'metrics.json'), 'utf8'));
    expect(await metrics(fromFile)).toEqual(await metrics(fromTable));
  }, 300_000);
});

describe('training/ozone-forest failing clearly (exit status 1)', () => {
  it('names every variable the runner should have set', async () => {
    const run = await runProject({});
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('DATABASE_URL is not set');
    expect(run.stderr).toContain('FRESHET_TRAINING_TABLE is not set');
    expect(await readdir(run.outputDir)).toEqual([]);
  });

  it('refuses a parameter out of range, with the others checked too', async () => {
    const run = await runProject(
      { test_fraction: '1.5', min_samples_leaf: '0' },
      { table: 'public.training_three_days', databaseUrl: db.url },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--test-fraction must be a fraction strictly between 0 and 1');
    expect(run.stderr).toContain('--min-samples-leaf must be a whole number of rows >= 1');
  });

  it('says there are too few rows when three days give too short a test window', async () => {
    const run = await runProject({}, { table: 'public.training_three_days', databaseUrl: db.url });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('too few rows to train and test');
    expect(run.stderr).toContain('select a longer window');
    expect(await readdir(run.outputDir)).toEqual([]);
  });

  it('names the table it could not read', async () => {
    const run = await runProject({}, { table: 'public.no_such_table', databaseUrl: db.url });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('reading the training table public.no_such_table failed');
  });
});
