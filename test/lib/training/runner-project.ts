// A tiny training project for the runner tests, written into a temporary folder: a Node script
// that reads the training table through DATABASE_URL (with pg, imported by absolute path), and
// writes params.json, metrics.json, model.json and what it saw. `--mode` makes it misbehave.

import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { toModelJson } from '../../../actions/lib/training/forest/model-format.ts';
import type { Logger } from '../../../actions/lib/util/logger.ts';

const PG_URL = pathToFileURL(createRequire(import.meta.url).resolve('pg')).href;

/** A valid model.json: one tree, one leaf, predicting 42 from one feature. */
export const MODEL_JSON = toModelJson({
  algorithm: 'random-forest',
  inputs: ['o3_lag1'],
  output: 'o3',
  features: null,
  params: { n_estimators: 1 },
  nFeatures: 1,
  trees: [
    {
      feature: Int32Array.of(-1),
      threshold: Float32Array.of(0),
      left: Int32Array.of(-1),
      right: Int32Array.of(-1),
      value: Float64Array.of(42),
    },
  ],
});

/**
 * The script. Modes: `ok`; `fail` (prints, exits 3); `sleep` (writes its pid, sleeps a minute);
 * `bad-metrics` (a NaN metric, as Python's json.dumps writes it); `try-write` (also tries to
 * INSERT into the training table and reports how that went); `flood` (prints 100 MB without a
 * newline, exits 3); `big-artifact` (also writes a 1 MB artifact).
 */
export const TRAIN_SCRIPT = `
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from ${JSON.stringify(PG_URL)};

const arg = (name) => process.argv[process.argv.indexOf(name) + 1];
const mode = arg('--mode');
const out = process.env.FRESHET_OUTPUT_DIR;
const table = process.env.FRESHET_TRAINING_TABLE;
const write = (file, text) => writeFileSync(join(out, file), text);

if (mode === 'flood') {
  const block = Buffer.alloc(1 << 20, 120);
  let written = 0;
  const more = () => {
    while (written < 100) {
      written += 1;
      if (!process.stdout.write(block)) return process.stdout.once('drain', more);
    }
    process.exitCode = 3;
  };
  more();
} else if (mode === 'sleep') {
  write('pid', String(process.pid));
  console.log('sleeping');
  setTimeout(() => {}, 60_000);
} else {
  let rows;
  let featureRows = null;
  let insert = 'not tried';
  let header = null;
  if (process.env.FRESHET_TRAINING_FILE) {
    // Another repository's code: no database, the tables as CSV files.
    const { readFileSync } = await import('node:fs');
    const lines = readFileSync(process.env.FRESHET_TRAINING_FILE, 'utf8').trim().split('\\n');
    header = lines[0];
    const values = lines.slice(1).map((line) => Number(line.split(',')[1]));
    const who = (await import('node:os')).userInfo().username;
    rows = [{ n: values.length, mean: values.reduce((a, b) => a + b, 0) / values.length, who }];
    if (process.env.FRESHET_FEATURES_FILE) {
      featureRows = readFileSync(process.env.FRESHET_FEATURES_FILE, 'utf8').trim().split('\\n').length - 1;
    }
  } else {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    ({ rows } = await client.query('SELECT count(*)::int AS n, avg(value) AS mean, current_user AS who FROM ' + table));
    if (process.env.FRESHET_FEATURES_TABLE) {
      const f = await client.query('SELECT count(*)::int AS n FROM ' + process.env.FRESHET_FEATURES_TABLE);
      featureRows = f.rows[0].n;
    }
    if (mode === 'try-write') {
      try {
        await client.query('BEGIN READ WRITE');
        await client.query('INSERT INTO ' + table + " VALUES ('2000-01-01Z', 1, 1)");
        await client.query('COMMIT');
        insert = 'succeeded';
      } catch (error) {
        insert = 'failed: ' + error.message;
      }
    }
    await client.end();
  }
  console.log('read ' + rows[0].n + ' rows as ' + rows[0].who);
  write('seen.json', JSON.stringify({
    args: process.argv.slice(2),
    user: rows[0].who,
    cwd: process.cwd(),
    env: Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('FRESHET_') || k === 'SECRET_TOKEN' || k === 'DATABASE_URL' || k === 'HOME')),
    header,
    featureRows,
    insert,
  }));
  if (mode === 'fail') {
    console.error('something broke');
    process.exit(3);
  }
  write('params.json', JSON.stringify({ trees: Number(arg('--trees')), label: arg('--label') }));
  write('metrics.json', mode === 'bad-metrics' ? '{"rmse": NaN}' : JSON.stringify({ rows: rows[0].n, mean: rows[0].mean }));
  write('model.json', ${JSON.stringify(MODEL_JSON)});
  await import('node:fs').then((fs) => fs.mkdirSync(join(out, 'plots'), { recursive: true }));
  write('plots/residuals.txt', 'r\\n');
  if (mode === 'big-artifact') write('big.bin', 'x'.repeat(1 << 20));
}
`;

/** The project file: entry point `main` with typed parameters, data defaults, optional features. */
export function projectFile(options: {
  name?: string;
  station?: number;
  features?: boolean;
}): string {
  const lines = [
    `name: ${options.name ?? 'tiny'}`,
    'entry_points:',
    '  main:',
    '    parameters:',
    '      n_trees: {type: int, default: 10}',
    '      label: {type: string, default: plain}',
    '      mode: {type: string, default: ok}',
    `    command: ${JSON.stringify(`'${process.execPath}' train.mjs --trees {n_trees} --label {label} --mode {mode}`)}`,
    'data:',
    '  variable: o3',
    ...(options.station !== undefined ? [`  station: ${options.station}`] : []),
    '  window: P2D',
  ];
  if (options.features) {
    lines.push(
      'features:',
      '  version: 1',
      '  target: o3',
      '  horizon: 1',
      '  lags: [0, 1]',
      '  calendar: [hour]',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Writes the project into `folder`. */
export async function writeProject(
  folder: string,
  options: { name?: string; station?: number; features?: boolean } = {},
): Promise<string> {
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'freshet-project.yml'), projectFile(options));
  await writeFile(join(folder, 'train.mjs'), TRAIN_SCRIPT);
  return folder;
}

/** A logger that keeps every line, to assert on what a run said. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`info: ${m}`),
    warn: (m) => lines.push(`warn: ${m}`),
    error: (m) => lines.push(`error: ${m}`),
  };
}
