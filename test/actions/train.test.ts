// The train action: its inputs, its outputs, the projects script train.yml's matrix comes from, and
// run() end to end — a tiny forecasting project in a temporary folder, a real PostgreSQL, the
// runner's environment faked by real INPUT_* variables and GITHUB_OUTPUT/GITHUB_STEP_SUMMARY files.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { migrate } from '../../actions/lib/toar/migrate.ts';
import { readRuns } from '../../actions/lib/training/run/run-record.ts';
import type { TrainingRunResult } from '../../actions/lib/training/run/runner-options.ts';
import { silentLogger } from '../../actions/lib/util/logger.ts';
import { parseTrainInputs, TRAIN_INPUT_DEFAULTS } from '../../actions/train/inputs.ts';
import { run, TRAIN_OUTPUTS, trainOutputs } from '../../actions/train/main.ts';
import { trainProjects } from '../../actions/train/projects.ts';
import { bundlePath } from '../../scripts/build-actions.ts';
import { MODEL_JSON, writeProject } from '../lib/training/runner-project.ts';
import { insertData, insertSeries, insertStation } from '../lib/training/toar-fixture.ts';
import { createTestDatabase } from '../support/database.ts';
import { defined } from '../support/defined.ts';
import { git as gitIn } from '../support/git.ts';
import { usageProblems } from '../support/usage-problems.ts';
import {
  ActionEnvironment,
  inputVariable,
  parseCommands,
  parseOutputFile,
} from './action-environment.ts';

const URL = 'postgres://freshet:s3cret@db.example:5432/toar';
const RUNNER = {
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'octo-org/freshet',
  GITHUB_RUN_ID: '42',
  GITHUB_RUN_ATTEMPT: '1',
};
const RUN_URL = 'https://github.com/octo-org/freshet/actions/runs/42/attempts/1';

function read(values: Record<string, string>) {
  return (name: string) => values[name] ?? '';
}

const problemsOf = usageProblems;

describe('parseTrainInputs', () => {
  it('reads a project with defaults, tagging the run with its trigger and address', () => {
    expect(
      parseTrainInputs(read({ project: 'training/ozone-forest', 'database-url': URL }), {
        ...RUNNER,
        GITHUB_EVENT_NAME: 'workflow_run',
      }),
    ).toEqual({
      training: {
        project: 'training/ozone-forest',
        entryPoint: 'main',
        parameters: {},
        tags: { trigger: 'workflow_run', run_url: RUN_URL },
        selection: {},
        selectionLabels: {
          station: "input 'station'",
          variable: "input 'variable'",
          window: "input 'window'",
          from: "input 'from'",
          to: "input 'to'",
        },
        databaseUrl: URL,
        timeoutMs: 30 * 60_000,
        maxArtifactBytes: 500_000_000,
        remoteBaseUrl: 'https://github.com/',
      },
      trigger: 'workflow_run',
      everyMs: 24 * 3_600_000,
      checkOnly: false,
      stateDir: '.freshet',
    });
  });

  it('reads every other input; the event input wins over the runner, given tags over its own', () => {
    const options = parseTrainInputs(
      read({
        project: `acme/models/ozone@${'a'.repeat(40)}`,
        'entry-point': 'tune',
        station: '34.8378,-118.1234',
        variable: 'no2',
        from: '2014-01-01T00:00:00Z',
        to: '2014-01-08T00:00:00Z',
        parameters: 'n_estimators=200 seed=1',
        tags: 'trigger=nightly\nowner=me',
        'database-url': URL,
        timeout: '2h',
        'max-artifact-bytes': '1000000',
        'git-base': 'file:///srv/git/',
        'train-every': '6h',
        event: 'schedule',
        'check-only': 'true',
        'state-dir': '/tmp/state',
      }),
      { GITHUB_EVENT_NAME: 'push' },
    );
    expect(options).toMatchObject({
      training: {
        project: `acme/models/ozone@${'a'.repeat(40)}`,
        entryPoint: 'tune',
        parameters: { n_estimators: '200', seed: '1' },
        tags: { trigger: 'nightly', owner: 'me' },
        selection: {
          station: '34.8378,-118.1234',
          variable: 'no2',
          from: '2014-01-01T00:00:00Z',
          to: '2014-01-08T00:00:00Z',
        },
        timeoutMs: 2 * 3_600_000,
        maxArtifactBytes: 1_000_000,
        remoteBaseUrl: 'file:///srv/git/',
      },
      trigger: 'schedule',
      everyMs: 6 * 3_600_000,
      checkOnly: true,
      stateDir: '/tmp/state',
    });
    expect(options.training.tags).not.toHaveProperty('run_url');
  });

  it('reports every problem at once, naming the inputs', () => {
    const problems = problemsOf(() =>
      parseTrainInputs(
        read({
          project: 'acme/models/ozone@main',
          station: 'Lancaster',
          from: '2014-01-01T00:30:00Z',
          window: 'P1M',
          parameters: 'n_trees',
          tags: 'bad tag=1',
          'database-url': 'mysql://u:hunter2@x',
          timeout: '45s',
          'train-every': '0m',
          'check-only': 'maybe',
        }),
        {},
      ),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^input 'project': the project reference "acme\/models\/ozone@main" is not pinned to a commit/,
      ),
      `input 'parameters' item "n_trees" is not key=value: write e.g. n_trees=50`,
      expect.stringMatching(/^input 'tags': tag name "bad tag" is not usable/),
      expect.stringMatching(/^input 'station' "Lancaster" is not a station/),
      expect.stringMatching(/^input 'from' 2014-01-01T00:30:00Z is not a whole hour/),
      "input 'from' needs input 'to': the window is [from, to)",
      expect.stringMatching(
        /^input 'database-url' mysql:\/\/u:\*\*\*@x: the scheme mysql:\/\/ is not PostgreSQL's/,
      ),
      expect.stringMatching(/^input 'timeout' 45s is not a duration/),
      expect.stringMatching(/^input 'train-every' 0m is not longer than zero/),
      `input 'check-only' "maybe" is not a boolean: use true or false`,
    ]);
    // The URL is shown with its password hidden.
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  it('needs a project and a database', () => {
    expect(problemsOf(() => parseTrainInputs(read({}), {}))).toEqual([
      expect.stringMatching(/^input 'project': the project reference is empty/),
      expect.stringMatching(
        /^input 'database-url' is empty: set the repository secret DATABASE_URL/,
      ),
    ]);
  });

  it("uses action.yml's defaults for empty inputs", async () => {
    const action = parse(await readFile('actions/train/action.yml', 'utf8')) as {
      inputs: Record<string, { default?: string }>;
      outputs: Record<string, unknown>;
    };
    for (const [name, value] of Object.entries(TRAIN_INPUT_DEFAULTS)) {
      expect(action.inputs[name]?.default, name).toBe(value);
    }
    expect(Object.keys(action.outputs)).toEqual([...TRAIN_OUTPUTS]);
  });
});

describe('trainOutputs', () => {
  it('gives a finished run its id, status, metrics and folder', () => {
    const result = {
      runId: 'r'.repeat(32),
      status: 'succeeded',
      metrics: { rmse: 0.25, persistence_rmse: 1, skill: 0.75 },
      artifactsDir: '/state/runs/r',
    } as unknown as TrainingRunResult;
    expect(trainOutputs({ kind: 'ran', result })).toEqual({
      'run-id': 'r'.repeat(32),
      status: 'succeeded',
      skipped: 'false',
      metrics: '{"rmse":0.25,"persistence_rmse":1,"skill":0.75}',
      rmse: '0.25',
      skill: '0.75',
      'artifacts-dir': '/state/runs/r',
    });
    const failed = { ...result, status: 'failed', metrics: null } as TrainingRunResult;
    expect(trainOutputs({ kind: 'ran', result: failed })).toMatchObject({
      status: 'failed',
      metrics: '{}',
      rmse: '',
      skill: '',
    });
  });

  it('gives every output when nothing ran', () => {
    expect(trainOutputs({ kind: 'skipped' })).toEqual({
      'run-id': '',
      status: 'skipped',
      skipped: 'true',
      metrics: '{}',
      rmse: '',
      skill: '',
      'artifacts-dir': '',
    });
    expect(trainOutputs({ kind: 'due' })).toMatchObject({ status: 'due', skipped: 'false' });
  });
});

describe('actions/train/projects.ts', () => {
  let root: string;
  let first: string;
  let second: string;
  const git = (...args: string[]) => gitIn(root, ...args);

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'freshet-projects-'));
    git('init', '--quiet', '--initial-branch=main');
    for (const name of ['ozone-forest', 'ozone-sklearn']) {
      await mkdir(join(root, 'training', name), { recursive: true });
      await writeFile(join(root, 'training', name, 'freshet-project.yml'), `name: ${name}\n`);
    }
    git('add', '.');
    git('commit', '--quiet', '-m', 'projects');
    first = git('rev-parse', 'HEAD');
    await writeFile(join(root, 'training', 'ozone-sklearn', 'train.py'), 'print(1)\n');
    git('add', '.');
    git('commit', '--quiet', '-m', 'sklearn');
    second = git('rev-parse', 'HEAD');
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('trains the projects a push changed, or all of them on a new branch', async () => {
    const push = { GITHUB_EVENT_NAME: 'push', GITHUB_SHA: second };
    expect(await trainProjects(root, { ...push, BEFORE: first })).toEqual([
      'training/ozone-sklearn',
    ]);
    expect(await trainProjects(root, { ...push, BEFORE: '0'.repeat(40) })).toEqual([
      'training/ozone-forest',
      'training/ozone-sklearn',
    ]);
  });

  it('trains the configured projects after an ingest, and the asked-for one on dispatch', async () => {
    expect(
      await trainProjects(root, {
        GITHUB_EVENT_NAME: 'workflow_run',
        FRESHET_TRAIN_PROJECTS: 'training/ozone-sklearn, training/ozone-forest',
      }),
    ).toEqual(['training/ozone-sklearn', 'training/ozone-forest']);
    expect(
      await trainProjects(root, {
        GITHUB_EVENT_NAME: 'workflow_dispatch',
        PROJECT: 'training/ozone-sklearn',
      }),
    ).toEqual(['training/ozone-sklearn']);
  });

  it('fails on an event train.yml does not train on, and without DATABASE_URL', async () => {
    const bad = await runProjectsScript(root, {
      GITHUB_EVENT_NAME: 'pull_request',
      DATABASE_URL: 'postgres://x@127.0.0.1:1/x',
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('train.yml does not train on "pull_request" events');
    const noDatabase = await runProjectsScript(root, {
      GITHUB_EVENT_NAME: 'push',
      GITHUB_SHA: second,
      BEFORE: first,
    });
    expect(noDatabase.code).toBe(1);
    expect(noDatabase.stderr).toContain('DATABASE_URL is not set');
  });
});

/** Runs actions/train/projects.ts as the projects job does, with only the variables given. */
function runProjectsScript(cwd: string, env: Record<string, string>) {
  return promisify(execFile)(process.execPath, [resolve('actions/train/projects.ts')], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

describe("the projects job decides what trains (train.yml's projects job)", () => {
  let root: string;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let client: pg.Client;
  let station: number;
  const NOW = Date.now();

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'freshet-choose-'));
    db = await createTestDatabase('choose');
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await migrate(client, silentLogger);
    station = await insertStation(client, '34.8378', '-118.1234', 'Lancaster');
    const series = await insertSeries(client, station, 'o3', 60);
    await insertData(
      client,
      series,
      Array.from({ length: 48 }, (_, h) => [new Date(Date.UTC(2014, 0, 1, h)).toISOString(), h]),
    );
    // no-station names none; with-station names one; recent succeeded an hour ago.
    await writeProject(join(root, 'training', 'no-station'), { name: 'no-station' });
    await writeProject(join(root, 'training', 'with-station'), { name: 'with-station', station });
    await writeProject(join(root, 'training', 'recent'), { name: 'recent', station });
    await client.query(
      `INSERT INTO ops.training_runs (id, experiment, status, tags, project_ref, entry_point, command, variable, started_at)
       VALUES ($1, 'recent', 'succeeded', '{}', 'training/recent', 'main', 'x', 'o3', $2)`,
      ['a'.repeat(32), new Date(NOW - 3_600_000)],
    );
  });

  afterAll(async () => {
    await client?.end();
    await db?.drop();
    await rm(root, { recursive: true, force: true });
  });

  it('after an ingest: leaves out a project with no station and one not due, with a notice and a summary line each', async () => {
    const output = join(root, 'output');
    const summary = join(root, 'summary.md');
    const result = await runProjectsScript(root, {
      GITHUB_EVENT_NAME: 'workflow_run',
      FRESHET_TRAIN_PROJECTS: 'training/no-station training/with-station training/recent',
      DATABASE_URL: db.url,
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: summary,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n').at(-1)).toBe('["training/with-station"]');
    expect(await readFile(output, 'utf8')).toBe('projects=["training/with-station"]\n');
    const notices = result.stdout.split('\n').filter((l) => l.startsWith('::notice'));
    expect(notices).toHaveLength(2);
    expect(notices[0]).toMatch(
      /^::notice title=Nothing to train on::Leaving out training\/no-station: it has nothing to train on: .*station.* Set the repository variable FRESHET_TRAIN_STATION/,
    );
    expect(notices[1]).toMatch(
      /^::notice title=Not due::Not training recent: its last successful run/,
    );
    const table = await readFile(summary, 'utf8');
    expect(table).toContain('| `training/no-station` | left out |');
    expect(table).toContain('| `training/recent` | not due |');
    expect(table).toContain('| `training/with-station` | trains |');
  });

  it('on a dispatch: trains a project whatever its schedule, given a station; leaves out an unknown station', async () => {
    const dispatched = await runProjectsScript(root, {
      GITHUB_EVENT_NAME: 'workflow_dispatch',
      PROJECT: 'training/recent',
      DATABASE_URL: db.url,
    });
    expect(dispatched.stdout.trim().split('\n').at(-1)).toBe('["training/recent"]');
    const withStation = await runProjectsScript(root, {
      GITHUB_EVENT_NAME: 'workflow_dispatch',
      PROJECT: 'training/no-station',
      STATION: String(station),
      DATABASE_URL: db.url,
    });
    expect(withStation.stdout.trim().split('\n').at(-1)).toBe('["training/no-station"]');
    const unknown = await runProjectsScript(root, {
      GITHUB_EVENT_NAME: 'workflow_dispatch',
      PROJECT: 'training/no-station',
      STATION: '999999',
      DATABASE_URL: db.url,
    });
    expect(unknown.code).toBe(0);
    expect(unknown.stdout.trim().split('\n').at(-1)).toBe('[]');
    expect(unknown.stdout).toMatch(
      /::notice title=Nothing to train on::Leaving out training\/no-station/,
    );
  });
});

// A forecasting project in miniature: "the next hour is this one plus `offset`", scored against
// persistence on the hours it reads, with the files the example projects write.
const PG_URL = pathToFileURL(createRequire(import.meta.url).resolve('pg')).href;
const FORECAST_SCRIPT = `
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from ${JSON.stringify(PG_URL)};

const arg = (name) => process.argv[process.argv.indexOf(name) + 1];
const offset = Number(arg('--offset'));
const out = process.env.FRESHET_OUTPUT_DIR;
const write = (file, text) => writeFileSync(join(out, file), text);
const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
await client.connect();
const { rows } = await client.query('SELECT datetime, value FROM ' + process.env.FRESHET_TRAINING_TABLE + ' ORDER BY datetime');
await client.end();
if (arg('--mode') === 'fail') {
  console.error('the forecast broke');
  process.exit(4);
}
let model = 0, persistence = 0;
const lines = ['time,observed,predicted'];
for (let i = 1; i < rows.length; i++) {
  const observed = rows[i].value, predicted = rows[i - 1].value + offset;
  model += (predicted - observed) ** 2;
  persistence += (rows[i - 1].value - observed) ** 2;
  lines.push(rows[i].datetime.toISOString() + ',' + observed + ',' + predicted);
}
const rmse = Math.sqrt(model / (rows.length - 1)), baseline = Math.sqrt(persistence / (rows.length - 1));
write('predictions.csv', lines.join('\\n') + '\\n');
write('metrics.json', JSON.stringify({ rmse, persistence_rmse: baseline, skill: 1 - rmse / baseline }));
write('params.json', JSON.stringify({ offset }));
write('model.json', ${JSON.stringify(MODEL_JSON)});
`;

async function writeForecastProject(folder: string, name: string, station: number) {
  await mkdir(folder, { recursive: true });
  await writeFile(
    join(folder, 'freshet-project.yml'),
    [
      `name: ${name}`,
      'entry_points:',
      '  main:',
      '    parameters:',
      '      offset: {type: float, default: 0.75}',
      '      mode: {type: string, default: ok}',
      `    command: ${JSON.stringify(`'${process.execPath}' forecast.mjs --offset {offset} --mode {mode}`)}`,
      'data:',
      '  variable: o3',
      `  station: ${station}`,
      '  window: P2D',
      '',
    ].join('\n'),
  );
  await writeFile(join(folder, 'forecast.mjs'), FORECAST_SCRIPT);
  return folder;
}

describe('the train action', () => {
  let env: ActionEnvironment;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let client: pg.Client;
  let work: string;
  let project: string;
  let stateDir: string;
  let station: number;

  beforeAll(async () => {
    env = await ActionEnvironment.create();
    db = await createTestDatabase('train_action');
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await migrate(client, silentLogger);
    // 48 hours of o3 at one station, value = hour index: persistence is off by 1 every hour.
    station = await insertStation(client, '34.8378', '-118.1234', 'Lancaster');
    const series = await insertSeries(client, station, 'o3', 60);
    await insertData(
      client,
      series,
      Array.from({ length: 48 }, (_, h) => [new Date(Date.UTC(2014, 0, 1, h)).toISOString(), h]),
    );
    work = await mkdtemp(join(tmpdir(), 'freshet-train-action-'));
    stateDir = join(work, 'state');
    project = await writeForecastProject(join(work, 'forecast'), 'forecast', station);
  });

  afterAll(async () => {
    await env?.dispose();
    await client?.end();
    await db?.drop();
    await rm(work, { recursive: true, force: true });
  });

  const inputs = (extra: Record<string, string> = {}) => ({
    project,
    'database-url': db.url,
    'state-dir': stateDir,
    ...extra,
  });
  const runs = async () => readRuns(client, { experiment: 'forecast' });

  it('trains on a push: outputs, artifacts, the run recorded, and a summary with a chart', async () => {
    const result = await env.run(run, inputs(), { ...RUNNER, GITHUB_EVENT_NAME: 'push' });
    expect(result.messages('error')).toEqual([]);
    expect(result.failed).toBe(false);
    const { outputs } = result;
    const runId = outputs['run-id'] ?? '';
    expect(outputs['run-id']).toMatch(/^[0-9a-f]{32}$/);
    expect(outputs).toMatchObject({
      status: 'succeeded',
      skipped: 'false',
      rmse: '0.25',
      skill: '0.75',
      'artifacts-dir': join(stateDir, 'runs', runId),
    });
    expect(JSON.parse(outputs.metrics ?? '')).toEqual({
      rmse: 0.25,
      persistence_rmse: 1,
      skill: 0.75,
    });
    expect(existsSync(join(outputs['artifacts-dir'] ?? '', 'predictions.csv'))).toBe(true);
    expect(result.stdout).toContain(`Training ${project}: a push run always trains.`);

    const [recorded] = await runs();
    expect(recorded).toMatchObject({
      id: outputs['run-id'],
      status: 'succeeded',
      tags: { trigger: 'push', run_url: RUN_URL },
      parameters: { offset: 0.75, mode: 'ok' },
    });

    const { summary } = result;
    expect(summary).toMatch(/^## Training forecast succeeded\n/);
    expect(summary).toContain('| offset | 0.75 |');
    expect(summary).toContain('| rmse | 0.25 |');
    expect(summary).toContain(
      "The model beats persistence: its RMSE is 75.0 % lower than the baseline's.",
    );
    expect(summary).toContain('| rows (hours) | 48 |');
    const chart = /```mermaid\n[\s\S]*?\n```/.exec(summary)?.[0] ?? '';
    expect(chart).toContain('xychart-beta');
    expect(chart).toContain(
      'x-axis "test hours, 2014-01-01T01:00:00.000Z to 2014-01-02T23:00:00.000Z" 1 --> 47',
    );
    const lines = chart.split('\n').filter((l) => l.startsWith('    line ['));
    expect(lines).toEqual([
      `    line [${Array.from({ length: 47 }, (_, i) => i + 1).join(', ')}]`,
      `    line [${Array.from({ length: 47 }, (_, i) => i + 0.75).join(', ')}]`,
    ]);
  });

  it('skips a run after an ingest while the experiment trained recently, saying why', async () => {
    const before = await runs();
    const latest = defined(before[0], 'the run the push trained');
    const result = await env.run(run, inputs(), { GITHUB_EVENT_NAME: 'workflow_run' });
    expect(result.failed).toBe(false);
    expect(result.outputs).toEqual({
      'run-id': '',
      status: 'skipped',
      skipped: 'true',
      metrics: '{}',
      rmse: '',
      skill: '',
      'artifacts-dir': '',
    });
    expect(result.summary).toMatch(/^## Training forecast skipped\n/);
    expect(result.summary).toContain(
      `Not training forecast: its last successful run, ${latest.id.slice(0, 8)}, started ${new Date(latest.startedAt).toISOString().replace(/\.\d+Z$/, '')}`,
    );
    expect(result.summary).toContain('less than train-every (1d) ago');
    expect(await runs()).toHaveLength(before.length);
  });

  it('checks only, when asked: skipped or due, and nothing is trained or summarised', async () => {
    const before = await runs();
    const recent = await env.run(run, inputs({ 'check-only': 'true' }), {
      GITHUB_EVENT_NAME: 'workflow_run',
    });
    expect(recent.outputs).toMatchObject({ status: 'skipped', skipped: 'true' });
    // Another experiment, never trained: due.
    const other = await writeForecastProject(join(work, 'other'), 'other', station);
    const first = await env.run(run, inputs({ project: other, 'check-only': 'true' }), {
      GITHUB_EVENT_NAME: 'workflow_run',
    });
    expect(first.stdout).toContain('Training other: it has no successful run yet.');
    // The event input wins over the runner's: a dispatch is always due.
    const asked = await env.run(run, inputs({ 'check-only': 'true', event: 'workflow_dispatch' }), {
      GITHUB_EVENT_NAME: 'workflow_run',
    });
    for (const due of [first, asked]) {
      expect(due.failed).toBe(false);
      expect(due.outputs).toMatchObject({ status: 'due', skipped: 'false', 'run-id': '' });
      expect(due.summary).toBe('');
    }
    expect(await runs()).toHaveLength(before.length);
    expect(await readRuns(client, { experiment: 'other' })).toEqual([]);
  });

  it('fails the step when the run fails, after writing its outputs and summary', async () => {
    const result = await env.run(run, inputs({ parameters: 'mode=fail' }), {
      GITHUB_EVENT_NAME: 'workflow_dispatch',
    });
    expect(result.failed).toBe(true);
    expect(result.outputs).toMatchObject({ status: 'failed', skipped: 'false', rmse: '' });
    expect(result.outputs['run-id']).toMatch(/^[0-9a-f]{32}$/);
    const [error] = result.messages('error');
    expect(error).toMatch(
      new RegExp(
        `^training run ${result.outputs['run-id']} failed: the command exited with status 4`,
      ),
    );
    expect(error).toContain('the forecast broke');
    expect(result.summary).toMatch(/^## Training forecast failed\n/);
    expect(result.summary).toContain('### Why it failed');
    expect(result.summary).toContain('The run wrote no predictions.csv');
    expect((await runs())[0]).toMatchObject({
      id: result.outputs['run-id'],
      status: 'failed',
      tags: { trigger: 'workflow_dispatch' },
    });
  });

  it('fails listing every input problem, with the database URL masked first', async () => {
    const result = await env.run(run, { 'database-url': URL, window: 'P1M' });
    expect(result.failed).toBe(true);
    expect(result.commands[0]).toMatchObject({ command: 'add-mask', message: URL });
    const [error] = result.messages('error');
    expect(error).toContain("- input 'project': the project reference is empty");
    expect(error).toContain("- input 'window' P1M uses years or months");
    expect(error).not.toContain('s3cret');
    expect(result.outputs).toEqual({});
  });

  it('runs as its committed bundle: skips after an ingest, reading PostgreSQL', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'freshet-train-bundle-'));
    try {
      const outputFile = join(dir, 'output');
      const summaryFile = join(dir, 'summary');
      await writeFile(outputFile, '');
      await writeFile(summaryFile, '');
      const variables: Record<string, string> = {
        PATH: process.env.PATH ?? '',
        GITHUB_OUTPUT: outputFile,
        GITHUB_STEP_SUMMARY: summaryFile,
        GITHUB_EVENT_NAME: 'workflow_run',
      };
      for (const [name, value] of Object.entries(inputs())) variables[inputVariable(name)] = value;
      const { stdout } = await promisify(execFile)(process.execPath, [bundlePath('train')], {
        env: variables,
      });
      expect(parseCommands(stdout).filter((c) => c.command === 'error')).toEqual([]);
      expect(parseOutputFile(await readFile(outputFile, 'utf8'))).toMatchObject({
        status: 'skipped',
        skipped: 'true',
      });
      expect(await readFile(summaryFile, 'utf8')).toMatch(/^## Training forecast skipped\n/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
