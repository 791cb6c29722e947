// The training-project runner against a real PostgreSQL: local projects written into temporary
// folders, another repository's project fetched from a local bare git remote.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../../actions/lib/toar/migrate.ts';
import { TAIL_BYTES } from '../../../../actions/lib/training/run/run-command.ts';
import { readRuns } from '../../../../actions/lib/training/run/run-record.ts';
import type { TrainingRunOptions } from '../../../../actions/lib/training/run/runner-options.ts';
import { trainingResultJson } from '../../../../actions/lib/training/run/runs-format.ts';
import { silentLogger } from '../../../../actions/lib/util/logger.ts';
import { trainWith } from '../../../../actions/wiring.ts';
import { createTestDatabase } from '../../../support/database.ts';
import { defined } from '../../../support/defined.ts';
import { git } from '../../../support/git.ts';
import { rejectsWithUsageError } from '../helpers.ts';
import { MODEL_JSON, projectFile, recordingLogger, writeProject } from '../runner-project.ts';
import { type DataRow, insertData, insertSeries, insertStation } from '../toar-fixture.ts';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let client: pg.Client;
let station: number;
let work: string;
let stateDir: string;

// 48 hours of o3, 2014-01-01T00 to 2014-01-02T23, value = hour index.
const HOURS = 48;
const O3: DataRow[] = Array.from({ length: HOURS }, (_, h) => [
  new Date(Date.UTC(2014, 0, 1, h)).toISOString(),
  h,
]);

beforeAll(async () => {
  db = await createTestDatabase('runner');
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await migrate(client, silentLogger);
  station = await insertStation(client, '34.8378', '-118.1234', 'Lancaster');
  await insertData(client, await insertSeries(client, station, 'o3', 60), O3);
  work = await mkdtemp(join(tmpdir(), 'freshet-runner-'));
  stateDir = join(work, 'state');
});

afterAll(async () => {
  await client.end();
  await db.drop();
  await rm(work, { recursive: true, force: true });
});

let projects = 0;
/** A fresh project folder (runs must not see each other's files). */
async function project(options: Parameters<typeof writeProject>[1] = {}): Promise<string> {
  return writeProject(join(work, `project-${++projects}`), { station, ...options });
}

const run = (options: Partial<TrainingRunOptions> & { project: string }, logger = silentLogger) =>
  trainWith({ databaseUrl: db.url, ...options }, { logger, stateDir, env: process.env });

async function runnerTables(): Promise<string[]> {
  const { rows } = await client.query(
    "SELECT tablename FROM pg_tables WHERE tablename LIKE 'freshet\\_%' ORDER BY 1",
  );
  return rows.map((r) => r.tablename);
}

async function recordOf(runId: string) {
  return defined(
    (await readRuns(client)).find((r) => r.id === runId),
    `the record of ${runId}`,
  );
}

describe('runTraining with a local project', () => {
  it('selects the data, runs the command with its variables, checks and keeps the outputs, records the run and drops the table', async () => {
    const folder = await project();
    const logger = recordingLogger();
    const result = await run(
      {
        project: folder,
        parameters: { n_trees: '25', label: "it's $(not run)" },
        tags: { trigger: 'test', owner: 'me' },
      },
      logger,
    );
    expect(result.error).toBeNull();
    expect(result.status).toBe('succeeded');
    expect(result.experiment).toBe('tiny');
    expect(result.rows).toBe(HOURS);
    expect(result.from).toBe(Date.UTC(2014, 0, 1));
    expect(result.to).toBe(Date.UTC(2014, 0, 3));
    expect(result.metrics).toEqual({ rows: HOURS, mean: 23.5 });
    expect(result.params).toEqual({ trees: 25, label: "it's $(not run)" });
    expect(result.parameters).toEqual({ n_trees: 25, label: "it's $(not run)", mode: 'ok' });
    expect(result.station).toEqual({ id: station, name: 'Lancaster', key: '34.8378,-118.1234' });

    // What the command saw: its parameters as single words, the tables and folders, the database.
    const seen = JSON.parse(await readFile(join(result.artifactsDir, 'seen.json'), 'utf8'));
    expect(seen.args).toEqual(['--trees', '25', '--label', "it's $(not run)", '--mode', 'ok']);
    expect(seen.cwd).toBe(folder);
    expect(seen.env.FRESHET_TRAINING_TABLE).toBe(`public.freshet_training_${result.runId}`);
    expect(seen.env.FRESHET_FEATURES_TABLE).toBeUndefined();
    expect(seen.env.FRESHET_RUN_ID).toBe(result.runId);
    expect(seen.env.DATABASE_URL).toBe(db.url);
    expect(seen.user).toBe(new URL(db.url).username);
    expect(logger.lines).toContain(`info: tiny | read ${HOURS} rows as ${seen.user}`);

    // Every file, with size and sha256, copied under the state directory.
    expect(result.artifactsDir).toBe(join(stateDir, 'runs', result.runId));
    expect(result.artifacts.map((a) => a.name)).toEqual([
      'metrics.json',
      'model.json',
      'params.json',
      'plots/residuals.txt',
      'seen.json',
    ]);
    const model = defined(
      result.artifacts.find((a) => a.name === 'model.json'),
      'the model.json artifact',
    );
    expect(model.size).toBe(Buffer.byteLength(MODEL_JSON));
    expect(model.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(join(result.artifactsDir, 'model.json'), 'utf8')).toBe(MODEL_JSON);
    expect(readFileSync(join(result.artifactsDir, 'plots', 'residuals.txt'), 'utf8')).toBe('r\n');

    expect(await runnerTables()).toEqual([]);
    expect(result.tables).toEqual({
      training: `public.freshet_training_${result.runId}`,
      kept: false,
    });

    const record = await recordOf(result.runId);
    expect(record).toMatchObject({
      experiment: 'tiny',
      status: 'succeeded',
      tags: { trigger: 'test', owner: 'me' },
      projectRef: folder,
      projectCommit: null,
      entryPoint: 'main',
      parameters: { n_trees: 25, label: "it's $(not run)", mode: 'ok' },
      params: { trees: 25, label: "it's $(not run)" },
      metrics: { rows: HOURS, mean: 23.5 },
      variable: 'o3',
      stationId: station,
      stationName: 'Lancaster',
      stationKey: '34.8378,-118.1234',
      from: Date.UTC(2014, 0, 1),
      to: Date.UTC(2014, 0, 3),
      rows: HOURS,
      tableSha256: result.tableSha256,
      features: null,
      error: null,
      artifacts: result.artifacts,
    });
    expect(record.command).toContain("--label 'it'\\''s $(not run)'");
    expect(record.environment).toEqual({
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
    });
    expect(record.finishedAt).toBeGreaterThanOrEqual(record.startedAt);
    expect(record.durationMs).toBe(defined(record.finishedAt, 'its finish') - record.startedAt);
  });

  it('materialises the feature table when the project declares features, and keeps both tables on request', async () => {
    const result = await run({ project: await project({ features: true }), keepTable: true });
    expect(result.status).toBe('succeeded');
    const seen = JSON.parse(await readFile(join(result.artifactsDir, 'seen.json'), 'utf8'));
    expect(seen.env.FRESHET_FEATURES_TABLE).toBe(`public.freshet_features_${result.runId}`);
    // Lags 0 and 1, horizon 1: the first row needs hour 1, the last labels hour 47.
    expect(seen.featureRows).toBe(HOURS - 2);
    expect(result.features).toEqual({
      names: ['o3_lag0', 'o3_lag1', 'hour_sin', 'hour_cos'],
      rows: HOURS - 2,
      skippedForGaps: 0,
    });
    expect(result.tables).toEqual({
      training: `public.freshet_training_${result.runId}`,
      features: `public.freshet_features_${result.runId}`,
      kept: true,
    });
    expect(await runnerTables()).toEqual([
      `freshet_features_${result.runId}`,
      `freshet_training_${result.runId}`,
    ]);
    expect((await recordOf(result.runId)).features).toEqual(result.features);
    await client.query(`DROP TABLE ${result.tables.training}, ${result.tables.features}`);
  });

  it('rejects an unknown parameter, with every other problem, before anything runs or is recorded', async () => {
    const before = (await readRuns(client)).length;
    const error = await rejectsWithUsageError(
      run({
        project: await project(),
        parameters: { n_tree: '5', mode: 'x' },
        selection: { from: '2014-01-01T00:30Z' },
        selectionLabels: { from: '--from', to: '--to' },
        tags: { 'bad tag': 'x' },
      }),
    );
    expect(error.problems).toEqual([
      'entry point main has no parameter n_tree (did you mean n_trees?): its parameters are n_trees, label, mode',
      '--from 2014-01-01T00:30Z is not a whole hour: training data is hourly, use 2014-01-01T00:00:00Z or 2014-01-01T01:00:00Z',
      '--from needs --to: the window is [from, to)',
      'tag name "bad tag" is not usable: use letters, digits and _ . - / : (at most 100)',
    ]);
    expect((await readRuns(client)).length).toBe(before);
    expect(await runnerTables()).toEqual([]);
  });

  it('refuses a station that does not exist before recording a run', async () => {
    const before = (await readRuns(client)).length;
    const error = await rejectsWithUsageError(
      run({ project: await project(), selection: { station: '999999' } }),
    );
    expect(error.message).toBe('no station has id 999999');
    expect((await readRuns(client)).length).toBe(before);
  });

  it('records a failing project as failed, with its status and last lines, keeping what it wrote', async () => {
    const logger = recordingLogger();
    const result = await run({ project: await project(), parameters: { mode: 'fail' } }, logger);
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/^the command exited with status 3; its last lines:\n/);
    expect(result.error).toContain('something broke');
    expect(result.metrics).toBeNull();
    expect(result.rows).toBe(HOURS);
    expect(result.artifacts.map((a) => a.name)).toEqual(['seen.json']);
    expect(existsSync(join(result.artifactsDir, 'seen.json'))).toBe(true);
    expect(logger.lines).toContain(`error: run ${result.runId} failed: ${result.error}`);
    const record = await recordOf(result.runId);
    expect(record).toMatchObject({
      status: 'failed',
      error: result.error,
      metrics: null,
      rows: HOURS,
    });
    expect(record.finishedAt).not.toBeNull();
    expect(await runnerTables()).toEqual([]);
  });

  it('keeps only the last 64 KB of a command that prints 100 MB without a newline', async () => {
    const result = await run({ project: await project(), parameters: { mode: 'flood' } });
    expect(result.status).toBe('failed');
    const error = defined(result.error, 'the error');
    expect(error).toMatch(/^the command exited with status 3; its last lines:\n\[…\] xxx/);
    expect(Buffer.byteLength(error)).toBeLessThan(TAIL_BYTES + 200);
    expect(JSON.stringify(trainingResultJson(result)).length).toBeLessThan(TAIL_BYTES + 4_000);
    expect((await recordOf(result.runId)).error).toBe(error);
  });

  it('fails a run whose artifacts hold more than max-artifact-bytes, keeping none of them', async () => {
    const result = await run({
      project: await project(),
      parameters: { mode: 'big-artifact' },
      maxArtifactBytes: 1_000_000,
    });
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(
      /^keeping the artifacts failed: the artifacts hold 10\d{5} bytes in 6 files \(the largest, big\.bin, 1048576 bytes\), more than max-artifact-bytes allows \(1000000\)/,
    );
    expect(result.artifacts).toEqual([]);
    expect(existsSync(result.artifactsDir)).toBe(false);
    expect((await recordOf(result.runId)).error).toBe(result.error);
    // Under the cap, the same run keeps them all.
    const kept = await run({
      project: await project(),
      parameters: { mode: 'big-artifact' },
      maxArtifactBytes: 2_000_000,
    });
    expect(kept.status).toBe('succeeded');
    expect(kept.artifacts.map((a) => a.name)).toContain('big.bin');
  });

  it('stops a command that runs past its timeout, killing its process group, and records the run as failed', async () => {
    const result = await run({
      project: await project(),
      parameters: { mode: 'sleep' },
      timeoutMs: 1_000,
    });
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(
      /^the command did not finish within 1s and was stopped \(its whole process group\)/,
    );
    const pid = Number(await readFile(join(result.artifactsDir, 'pid'), 'utf8'));
    // Gone, or a zombie waiting for init to reap it: either way no longer running.
    const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
    expect(stat === '' || / Z /.test(stat)).toBe(true);
    expect((await recordOf(result.runId)).status).toBe('failed');
    expect(await runnerTables()).toEqual([]);
  });

  it('fails a run whose metrics.json is not JSON of finite numbers, saying so', async () => {
    const result = await run({ project: await project(), parameters: { mode: 'bad-metrics' } });
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(
      /^the project's outputs are not valid:\nmetrics\.json is not valid JSON: .*\(NaN and Infinity are not JSON: write finite numbers\)$/,
    );
    expect((await recordOf(result.runId)).error).toBe(result.error);
  });

  it('fails a run whose outputs are missing or invalid, listing every problem', async () => {
    const folder = await project();
    await writeFile(
      join(folder, 'freshet-project.yml'),
      `name: sloppy\nentry_points:\n  main:\n    command: ${JSON.stringify(
        `echo '{"rmse": "low"}' > "$FRESHET_OUTPUT_DIR/metrics.json"; echo '{"format": "x"}' > "$FRESHET_OUTPUT_DIR/model.json"`,
      )}\ndata: {variable: o3, station: ${station}, window: P1D}\n`,
    );
    const result = await run({ project: folder });
    expect(result.status).toBe('failed');
    const problems = defined(result.error, 'the error').split('\n');
    expect(problems[0]).toBe("the project's outputs are not valid:");
    expect(problems).toContain('params.json is missing: write it into $FRESHET_OUTPUT_DIR');
    expect(problems).toContain('metrics.json: metric rmse must be a finite number, got "low"');
    expect(problems.some((p) => p.startsWith('model.json: '))).toBe(true);
    expect(result.rows).toBe(24);
  });

  it('stops the command when the run is cancelled, and records why', async () => {
    const controller = new AbortController();
    const logger = recordingLogger();
    // Cancel as soon as the command says it is sleeping.
    const info = logger.info;
    logger.info = (message) => {
      info(message);
      if (message === 'tiny | sleeping') controller.abort();
    };
    const result = await trainWith(
      { project: await project(), parameters: { mode: 'sleep' }, databaseUrl: db.url },
      { logger, stateDir, env: process.env, signal: controller.signal },
    );
    expect(result.status).toBe('failed');
    expect(result.error).toBe('the run was cancelled: the command was stopped');
    expect((await recordOf(result.runId)).error).toBe(result.error);
  });

  it("runs npm ci for a project with its own lockfile, and records the workspace's lockfile otherwise", async () => {
    const own = await project();
    const manifest = JSON.stringify({ name: 'tiny', version: '1.0.0', private: true });
    await writeFile(join(own, 'package.json'), manifest);
    await writeFile(
      join(own, 'package-lock.json'),
      JSON.stringify({
        name: 'tiny',
        version: '1.0.0',
        lockfileVersion: 3,
        requires: true,
        packages: { '': { name: 'tiny', version: '1.0.0' } },
      }),
    );
    const logger = recordingLogger();
    const installed = await run({ project: own }, logger);
    expect(installed.status).toBe('succeeded');
    expect(logger.lines).toContain(
      `info: installing the packages of ${join(own, 'package-lock.json')} (npm ci)`,
    );
    expect(installed.environment?.lockfile).toEqual({
      path: 'package-lock.json',
      sha256: createHash('sha256')
        .update(readFileSync(join(own, 'package-lock.json')))
        .digest('hex'),
      install: 'npm-ci',
    });

    // A member of a workspace: the root's npm ci installed it; its lockfile is recorded.
    const root = join(work, 'workspace');
    await mkdir(root, { recursive: true });
    await writeFile(join(root, 'package-lock.json'), '{"lockfileVersion": 3}');
    const member = await writeProject(join(root, 'training', 'tiny'), { station });
    await writeFile(join(member, 'package.json'), manifest);
    const inWorkspace = await run({ project: member });
    expect(inWorkspace.environment?.lockfile).toMatchObject({
      path: '../../package-lock.json',
      install: 'workspace',
    });
  });

  it("lets this repository's project write with the runner's own credentials, as documented", async () => {
    const result = await run({ project: await project(), parameters: { mode: 'try-write' } });
    const seen = JSON.parse(await readFile(join(result.artifactsDir, 'seen.json'), 'utf8'));
    expect(seen.insert).toBe('succeeded');
  });
});

describe("runTraining with another repository's project", () => {
  let remotes: string;
  let first: string;
  let second: string;
  beforeAll(async () => {
    // acme/models on a "remote" (a bare repository), with the project at projects/tiny in two
    // versions: the first named tiny-v1, the second tiny-v2.
    remotes = join(work, 'remotes');
    const bare = join(remotes, 'acme', 'models.git');
    const clone = join(work, 'clone');
    execFileSync('git', ['init', '--quiet', '--bare', bare]);
    execFileSync('git', ['init', '--quiet', clone]);
    const folder = join(clone, 'projects', 'tiny');
    await writeProject(folder, { name: 'tiny-v1', station });
    git(clone, 'add', '.');
    git(clone, 'commit', '--quiet', '-m', 'first');
    first = git(clone, 'rev-parse', 'HEAD');
    await writeFile(join(folder, 'freshet-project.yml'), projectFile({ name: 'tiny-v2', station }));
    git(clone, 'commit', '--quiet', '-am', 'second');
    second = git(clone, 'rev-parse', 'HEAD');
    git(clone, 'push', '--quiet', bare, 'HEAD:refs/heads/main');
  });

  const remoteBaseUrl = () => pathToFileURL(`${remotes}/`).href;

  it('fetches the pinned commit and runs it as an OS user of its own, with the data as CSV files and no credentials', async () => {
    const result = await trainWith(
      {
        project: `acme/models/projects/tiny@${first}`,
        databaseUrl: db.url,
        remoteBaseUrl: remoteBaseUrl(),
      },
      {
        logger: silentLogger,
        stateDir,
        env: { ...process.env, SECRET_TOKEN: 'do-not-leak', DATABASE_URL: db.url },
      },
    );
    expect(result.error).toBeNull();
    expect(result.status).toBe('succeeded');
    expect(result.experiment).toBe('tiny-v1');
    expect(result.projectRef).toBe(`acme/models/projects/tiny@${first}`);
    expect(result.projectCommit).toBe(first);
    expect(first).not.toBe(second);
    expect(result.metrics).toEqual({ rows: HOURS, mean: (HOURS - 1) / 2 });

    const seen = JSON.parse(await readFile(join(result.artifactsDir, 'seen.json'), 'utf8'));
    expect(seen.user).toMatch(/^freshet-[0-9a-f]{12}$/);
    expect(seen.env.DATABASE_URL).toBeUndefined();
    expect(seen.env.SECRET_TOKEN).toBeUndefined();
    expect(seen.env.FRESHET_TRAINING_TABLE).toBeUndefined();
    expect(seen.env.HOME).toBe(`/home/${seen.user}`);
    expect(seen.env.FRESHET_TRAINING_FILE).toBe(`/home/${seen.user}/input/training.csv`);
    expect(seen.cwd).toBe(`/home/${seen.user}/checkout/projects/tiny`);
    expect(seen.header).toBe('datetime,value,n');
    // The user and its home went with the run.
    expect(() => execFileSync('getent', ['passwd', seen.user])).toThrow();
    expect(existsSync(`/home/${seen.user}`)).toBe(false);
    expect(await runnerTables()).toEqual([]);
    expect(await recordOf(result.runId)).toMatchObject({
      experiment: 'tiny-v1',
      projectRef: `acme/models/projects/tiny@${first}`,
      projectCommit: first,
      status: 'succeeded',
    });
  });

  it('gives it the feature table as a second CSV file', async () => {
    const bare = join(remotes, 'acme', 'features');
    const clone = join(work, 'clone-features');
    execFileSync('git', ['init', '--quiet', '--bare', bare]);
    execFileSync('git', ['init', '--quiet', clone]);
    await writeProject(clone, { name: 'tiny-features', station, features: true });
    git(clone, 'add', '.');
    git(clone, 'commit', '--quiet', '-m', 'features');
    const commit = git(clone, 'rev-parse', 'HEAD');
    git(clone, 'push', '--quiet', bare, 'HEAD:refs/heads/main');
    const result = await trainWith(
      { project: `acme/features@${commit}`, databaseUrl: db.url, remoteBaseUrl: remoteBaseUrl() },
      { logger: silentLogger, stateDir, env: process.env },
    );
    expect(result.error).toBeNull();
    const seen = JSON.parse(await readFile(join(result.artifactsDir, 'seen.json'), 'utf8'));
    expect(seen.env.FRESHET_FEATURES_FILE).toBe(`/home/${seen.user}/input/features.csv`);
    expect(seen.featureRows).toBe(result.features?.rows);
  });

  it('says which commit it could not fetch', async () => {
    const missing = 'f'.repeat(40);
    await expect(
      trainWith(
        {
          project: `acme/models/projects/tiny@${missing}`,
          databaseUrl: db.url,
          remoteBaseUrl: remoteBaseUrl(),
        },
        { logger: silentLogger, stateDir, env: process.env },
      ),
    ).rejects.toThrow(
      `cannot fetch the training project acme/models at ${missing}: is the repository reachable and the commit pushed?`,
    );
  });
});
