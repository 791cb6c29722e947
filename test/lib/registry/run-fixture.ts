// A recorded training run without training: a small forest's model.json (and, as asked, the other
// artifacts) in `<stateDir>/runs/<id>/`, and the record ops.training_runs would hold for it.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fitForest, toModelJson, toOnnx } from '../../../actions/lib/training/forest/index.ts';
import { parseModelJson } from '../../../actions/lib/training/forest/model-format.ts';
import {
  finishRun,
  insertRun,
  type Queryable,
  type TrainingRunRecord,
} from '../../../actions/lib/training/run/run-record.ts';
import { knownFunction } from '../training/forest/synthetic.ts';

/** What a fixture run holds besides model.json. */
export interface RunFixtureOptions {
  readonly id?: string;
  readonly experiment?: string;
  /** Write model.onnx as the TypeScript project does (default true). */
  readonly withOnnx?: boolean;
  /** model.json's text (default: a small forest of ours). */
  readonly modelJson?: string;
  /** More artifacts, path → text. */
  readonly extra?: Readonly<Record<string, string>>;
  readonly metrics?: Record<string, number>;
  readonly seed?: number;
}

/** A small forest's model.json over features `lag_1`…`lag_3`, predicting `o3`. */
export function smallModelJson(seed = 3): string {
  const data = knownFunction(300, 3, 0.1, seed);
  const forest = fitForest(data.x, data.nRows, data.nFeatures, data.y, { nEstimators: 5, seed });
  return toModelJson(forest, { inputs: ['lag_1', 'lag_2', 'lag_3'], output: 'o3' });
}

/** Writes a run's artifacts under `<stateDir>/runs/<id>/` and returns its record. */
export async function writeRunFixture(
  stateDir: string,
  options: RunFixtureOptions = {},
): Promise<TrainingRunRecord> {
  const id = options.id ?? `${'0'.repeat(24)}${(options.seed ?? 1).toString(16).padStart(8, '0')}`;
  const model = options.modelJson ?? smallModelJson(options.seed);
  const files: Record<string, string | Uint8Array> = {
    'model.json': model,
    'metrics.json': JSON.stringify(
      options.metrics ?? { rmse: 2, persistence_rmse: 2.5, skill: 0.2 },
    ),
    'params.json': JSON.stringify({ n_estimators: 5 }),
    ...(options.withOnnx === false
      ? {}
      : { 'model.onnx': toOnnx(parseModelJson(JSON.parse(model))) }),
    ...options.extra,
  };
  const dir = join(stateDir, 'runs', id);
  const artifacts = [];
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, ...name.split('/'));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
    const bytes = typeof content === 'string' ? Buffer.from(content) : content;
    artifacts.push({
      name,
      size: bytes.byteLength,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
  }
  artifacts.sort((a, b) => (a.name < b.name ? -1 : 1));
  const startedAt = Date.UTC(2014, 0, 11, 1);
  return {
    id,
    experiment: options.experiment ?? 'ozone-forest',
    status: 'succeeded',
    tags: { trigger: 'test' },
    projectRef: 'training/ozone-forest',
    projectCommit: 'e'.repeat(40),
    entryPoint: 'main',
    command: 'node train.ts',
    parameters: { n_estimators: 5 },
    params: { n_estimators: 5 },
    metrics: options.metrics ?? { rmse: 2, persistence_rmse: 2.5, skill: 0.2 },
    variable: 'o3',
    stationId: 7,
    stationName: 'Jerusalem',
    stationKey: '31.731,35.2741',
    from: Date.UTC(2014, 0, 1),
    to: Date.UTC(2014, 0, 11),
    rows: 240,
    tableSha256: 'f'.repeat(64),
    features: null,
    environment: {},
    artifacts,
    error: null,
    startedAt,
    finishedAt: startedAt + 2000,
    durationMs: 2000,
  };
}

/**
 * {@link writeRunFixture}, and the run recorded in ops.training_runs as it finished: succeeded,
 * two seconds after it started.
 *
 * @example const record = await recordRunFixture(pool, stateDir, { withOnnx: false });
 */
export async function recordRunFixture(
  db: Queryable,
  stateDir: string,
  options: RunFixtureOptions = {},
): Promise<TrainingRunRecord> {
  const record = await writeRunFixture(stateDir, options);
  await insertRun(db, { ...record, deadlineAt: record.startedAt + 3_600_000 });
  await finishRun(db, record.id, {
    ...record,
    status: 'succeeded',
    finishedAt: record.startedAt + 2000,
  });
  return record;
}
