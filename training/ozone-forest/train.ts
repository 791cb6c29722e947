// Trains the ozone-forest example: the training table → features (the project's own
// specification, built by the library as the Worker builds them) → forest → artifacts in
// FRESHET_OUTPUT_DIR. Run by `freshet train --project training/ozone-forest`, which sets the
// environment; flags carry the entry point's parameters. Exit status 1 on any failure.
//
//   node train.ts [--n-estimators 100] [--min-samples-leaf auto|5] [--max-features 1.0]
//                 [--max-depth 0] [--seed 0] [--test-fraction 0.2]
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import {
  collectProblems,
  DatabaseError,
  describeError,
  FreshetError,
  UsageError,
} from '../../actions/lib/errors.ts';
import {
  buildFeatures,
  type FeatureSpec,
  type HourlySeries,
} from '../../actions/lib/training/data/features.ts';
import { quoteTableName } from '../../actions/lib/training/data/table-name.ts';
import { loadProject } from '../../actions/lib/training/project/load-project.ts';
import { type Logger, stderrLogger } from '../../actions/lib/util/logger.ts';
import { ozoneForestArtifacts } from './artifacts.ts';
import { trainOzoneForest } from './model.ts';
import {
  type OzoneForestOptions,
  parseOzoneForestArgs,
  type RunEnvironment,
  readRunEnvironment,
} from './options.ts';

const PROJECT_FOLDER = dirname(fileURLToPath(import.meta.url));

/** The flags and the environment, every problem of both together. */
function readInputs(argv: readonly string[]): { options: OzoneForestOptions; env: RunEnvironment } {
  const problems: string[] = [];
  const attempt = <T>(read: () => T): T | undefined => collectProblems(problems, read);
  const options = attempt(() => parseOzoneForestArgs(argv));
  const env = attempt(() => readRunEnvironment(process.env));
  if (!options || !env) throw new UsageError(problems);
  return { options, env };
}

/** The project's feature specification: this project reads the training table alone. */
async function projectSpec(): Promise<FeatureSpec> {
  const project = await loadProject(PROJECT_FOLDER);
  const spec = project.features;
  if (!spec) {
    throw new UsageError(
      `${PROJECT_FOLDER}/freshet-project.yml has no features section: this project builds the features it declares there`,
    );
  }
  if (spec.others && spec.others.length > 0) {
    throw new UsageError(
      `features.others (${spec.others.map((o) => o.variable).join(', ')}) is not supported here: the training table holds ${spec.target} alone, so train on FRESHET_FEATURES_TABLE instead`,
    );
  }
  return spec;
}

/** `2024-05-01 13:00:00+00` (PostgreSQL's CSV of a timestamptz in UTC) → epoch ms. */
function csvTime(text: string, line: number, file: string): number {
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)(?:\+00(?::00)?|Z)$/.exec(
    text,
  );
  const time = match ? Date.parse(`${match[1]}T${match[2]}Z`) : Number.NaN;
  if (Number.isNaN(time)) {
    throw new UsageError(`${file} line ${line}: ${JSON.stringify(text)} is not a UTC time`);
  }
  return time;
}

/** The training file's hourly series (`datetime,value,n`, a header, rows in time order). */
async function readTrainingFile(file: string): Promise<HourlySeries> {
  const lines = (await readFile(file, 'utf8')).split('\n').filter((line) => line !== '');
  const [header, ...rows] = lines;
  if (header !== 'datetime,value,n') {
    throw new UsageError(
      `${file} starts with ${JSON.stringify(header)}: expected datetime,value,n`,
    );
  }
  const times = new Float64Array(rows.length);
  const values = new Float64Array(rows.length);
  rows.forEach((row, i) => {
    const [time = '', value = ''] = row.split(',');
    times[i] = csvTime(time, i + 2, file);
    values[i] = Number(value);
  });
  return { times, values };
}

/** The training table's hourly series, in time order. */
async function readTrainingSeries(env: RunEnvironment): Promise<HourlySeries> {
  if (env.source === 'file') return readTrainingFile(env.trainingFile);
  const table = quoteTableName(env.trainingTable);
  const client = new pg.Client({ connectionString: env.databaseUrl });
  try {
    await client.connect();
    const { rows } = await client.query<{ datetime: Date; value: number }>(
      `SELECT datetime, value FROM ${table} ORDER BY datetime`,
    );
    return {
      times: Float64Array.from(rows, (r) => r.datetime.getTime()),
      values: Float64Array.from(rows, (r) => r.value),
    };
  } catch (error) {
    throw new DatabaseError(`reading the training table ${env.trainingTable} failed`, {
      cause: error,
    });
  } finally {
    await client.end().catch(() => {});
  }
}

async function main(argv: readonly string[], logger: Logger): Promise<void> {
  const { options, env } = readInputs(argv);
  const spec = await projectSpec();
  const series = await readTrainingSeries(env);
  const matrix = buildFeatures(spec, { target: series });
  logger.info(
    `${series.times.length} hours of ${spec.target} → ${matrix.nRows} feature rows of ${matrix.nFeatures} columns (${matrix.skippedForGaps} left out for gaps)`,
  );
  const result = trainOzoneForest(matrix, spec, options);
  await mkdir(env.outputDir, { recursive: true });
  for (const [name, content] of ozoneForestArtifacts(result, matrix.names, spec, options)) {
    await writeFile(join(env.outputDir, name), content);
  }
  const m = result.metrics;
  logger.info(
    `${options.nEstimators} trees (leaves of ${result.minSamplesLeaf}+ rows) on ${m.rows_train} rows; on the newest ${m.rows_test}: RMSE ${m.rmse.toFixed(3)}, MAE ${m.mae.toFixed(3)}, R² ${m.r2.toFixed(3)}, persistence RMSE ${m.persistence_rmse.toFixed(3)}, skill ${m.skill?.toFixed(3) ?? 'n/a'}`,
  );
}

try {
  await main(process.argv.slice(2), stderrLogger);
} catch (error) {
  const lines =
    error instanceof UsageError
      ? error.problems
      : error instanceof FreshetError
        ? [describeError(error)]
        : [`unexpected failure (a bug): ${describeError(error)}`];
  for (const line of lines) stderrLogger.error(line);
  if (!(error instanceof FreshetError) && error instanceof Error && error.stack) {
    process.stderr.write(`${error.stack}\n`);
  }
  process.exitCode = 1;
}
