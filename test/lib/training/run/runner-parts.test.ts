// The runner's pure parts: dependency plans, the project's environment, output checks, failure
// messages, the read-only role's URL, remote URLs.
import { describe, expect, it } from 'vitest';
import {
  planDependencies,
  usesPython,
} from '../../../../actions/lib/training/project/dependencies.ts';
import { remoteUrl } from '../../../../actions/lib/training/project/git-fetch.ts';
import { childEnvironment } from '../../../../actions/lib/training/run/child-environment.ts';
import {
  checkMetrics,
  checkModel,
  checkParams,
} from '../../../../actions/lib/training/run/outputs.ts';
import { spawnSpec } from '../../../../actions/lib/training/run/run-as.ts';
import { describeOutcome } from '../../../../actions/lib/training/run/runner.ts';
import type { TrainingRunResult } from '../../../../actions/lib/training/run/runner-options.ts';
import {
  formatTrainingResult,
  trainingResultJson,
} from '../../../../actions/lib/training/run/runs-format.ts';
import { parsePasswd } from '../../../../actions/lib/training/run/sandbox-user.ts';
import { MODEL_JSON } from '../runner-project.ts';

const files = {
  hasPackageJson: false,
  hasPackageLock: false,
  hasRequirements: false,
  remote: false,
  commandUsesPython: false,
};

describe('planDependencies', () => {
  it('runs npm ci for a project with its own lockfile', () => {
    expect(
      planDependencies('/p', { ...files, hasPackageJson: true, hasPackageLock: true }),
    ).toEqual([{ kind: 'npm-ci', dir: '/p', lockfile: '/p/package-lock.json' }]);
  });

  it('leaves a project of this workspace to the root npm ci, recording its lockfile', () => {
    expect(
      planDependencies('/repo/training/x', {
        ...files,
        hasPackageJson: true,
        workspaceLock: '/repo/package-lock.json',
      }),
    ).toEqual([{ kind: 'workspace', lockfile: '/repo/package-lock.json' }]);
  });

  it("installs another repository's workspace, which nobody installed", () => {
    expect(
      planDependencies('/tmp/checkout/training/x', {
        ...files,
        hasPackageJson: true,
        remote: true,
        workspaceLock: '/tmp/checkout/package-lock.json',
      }),
    ).toEqual([
      { kind: 'npm-ci', dir: '/tmp/checkout', lockfile: '/tmp/checkout/package-lock.json' },
    ]);
  });

  it('installs requirements.txt, or records the system Python of a command that runs python', () => {
    expect(planDependencies('/p', { ...files, hasRequirements: true })).toEqual([
      { kind: 'python-requirements', requirements: '/p/requirements.txt' },
    ]);
    expect(planDependencies('/p', { ...files, commandUsesPython: true })).toEqual([
      { kind: 'python-system' },
    ]);
    expect(planDependencies('/p', files)).toEqual([]);
  });

  it('knows a Python command when it sees one', () => {
    expect(usesPython('python3 train.py')).toBe(true);
    expect(usesPython('cd src && python train.py')).toBe(true);
    expect(usesPython('/usr/bin/python3.12 -m train')).toBe(true);
    expect(usesPython('node train.ts --model python-like')).toBe(false);
  });
});

describe('childEnvironment', () => {
  const base = {
    PATH: '/usr/bin',
    HOME: '/home/me',
    DATABASE_URL: 'postgres://admin:secret@db/x',
    PGPASSWORD: 'secret',
    GITHUB_TOKEN: 'ghs_x',
    LANG: 'C.UTF-8',
  };

  it("gives another repository's code nothing of the runner's environment", () => {
    expect(
      childEnvironment({
        base,
        trusted: false,
        pathFirst: ['/venv/bin'],
        set: { HOME: '/home/freshet-0a1b', FRESHET_TRAINING_FILE: '/home/freshet-0a1b/in.csv' },
      }),
    ).toEqual({
      PATH: '/venv/bin:/usr/local/bin:/usr/bin:/bin',
      LANG: 'C.UTF-8',
      TMPDIR: '/tmp',
      HOME: '/home/freshet-0a1b',
      FRESHET_TRAINING_FILE: '/home/freshet-0a1b/in.csv',
    });
  });

  it("passes another repository's code the runner's choice about ONNX Runtime's telemetry, only", () => {
    const untrusted = (ort: string | undefined) =>
      childEnvironment({
        base: { ...base, ...(ort === undefined ? {} : { ORT_DISABLE_TELEMETRY: ort }) },
        trusted: false,
      });
    expect(untrusted('1').ORT_DISABLE_TELEMETRY).toBe('1');
    expect(untrusted('0').ORT_DISABLE_TELEMETRY).toBe('0');
    expect(untrusted(undefined)).not.toHaveProperty('ORT_DISABLE_TELEMETRY');
    expect(Object.keys(untrusted('1')).sort()).toEqual([
      'LANG',
      'ORT_DISABLE_TELEMETRY',
      'PATH',
      'TMPDIR',
    ]);
  });

  it("gives this repository's code the runner's environment, with the run's variables over it", () => {
    const env = childEnvironment({ base, trusted: true, set: { DATABASE_URL: 'postgres://run' } });
    expect(env).toEqual({ ...base, DATABASE_URL: 'postgres://run' });
  });
});

describe('output checks', () => {
  it('accepts metrics of finite numbers and params of any JSON', () => {
    expect(checkMetrics('{"rmse": 3.2, "r2": -0.5, "mae.24h": 0}')).toEqual({
      ok: true,
      value: { rmse: 3.2, r2: -0.5, 'mae.24h': 0 },
    });
    expect(checkParams('{"n_trees": 50, "lags": [1, 2], "note": null}')).toEqual({
      ok: true,
      value: { n_trees: 50, lags: [1, 2], note: null },
    });
  });

  it('names every metric that is not a finite number, and names a filter cannot use', () => {
    expect(checkMetrics('{"rmse": "low", "ok": 1, "big": 1e400, "val rmse": 2}')).toEqual({
      ok: false,
      problems: [
        'metrics.json: metric rmse must be a finite number, got "low"',
        'metrics.json: metric big must be a finite number, got Infinity',
        'metrics.json: metric name "val rmse" is not usable: use letters, digits and _ . - / : (at most 100)',
      ],
    });
    expect(checkMetrics('[1, 2]')).toEqual({
      ok: false,
      problems: [
        'metrics.json must be a JSON object of metric names to numbers, e.g. {"rmse": 4.2}, got [1,2]',
      ],
    });
  });

  it("explains Python's NaN, which is not JSON", () => {
    const checked = checkMetrics('{"rmse": NaN}');
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.problems[0]).toMatch(
      /^metrics\.json is not valid JSON: .*\(NaN and Infinity are not JSON: write finite numbers\)$/,
    );
  });

  it("checks model.json with the forest's reader", () => {
    expect(checkModel(MODEL_JSON).ok).toBe(true);
    const broken = checkModel('{"format": "freshet-forest"}');
    expect(broken.ok).toBe(false);
    expect(!broken.ok && broken.problems.every((p) => p.startsWith('model.json: '))).toBe(true);
  });
});

describe('describeOutcome', () => {
  const outcome = {
    exitCode: 0,
    signal: null,
    timedOut: false,
    cancelled: false,
    tail: ['line 1', 'line 2'],
  };

  it('says nothing of a command that exited with 0', () => {
    expect(describeOutcome(outcome, 60_000)).toBeUndefined();
  });

  it('says how a command failed, with its last lines', () => {
    expect(describeOutcome({ ...outcome, exitCode: 3 }, 60_000)).toBe(
      'the command exited with status 3; its last lines:\nline 1\nline 2',
    );
    expect(describeOutcome({ ...outcome, exitCode: null, signal: 'SIGKILL' }, 60_000)).toBe(
      'the command was killed by SIGKILL; its last lines:\nline 1\nline 2',
    );
    expect(
      describeOutcome({ ...outcome, exitCode: null, signal: 'SIGTERM', timedOut: true }, 1_800_000),
    ).toBe(
      'the command did not finish within 30m and was stopped (its whole process group); its last lines:\nline 1\nline 2',
    );
    expect(describeOutcome({ ...outcome, exitCode: null, cancelled: true }, 60_000)).toBe(
      'the run was cancelled: the command was stopped',
    );
  });
});

describe('the OS user of a run, and remote URLs', () => {
  const user = {
    name: 'freshet-0a1b2c3d4e5f',
    uid: 1001,
    gid: 1002,
    home: '/home/x',
    direct: true,
  };

  it('starts a process as the user: by uid and gid as root, else through sudo -n with env -i', () => {
    expect(spawnSpec('sh', ['-c', 'id'], { PATH: '/usr/bin' }, user)).toEqual({
      file: 'sh',
      args: ['-c', 'id'],
      env: { PATH: '/usr/bin' },
      uid: 1001,
      gid: 1002,
    });
    const viaSudo = spawnSpec(
      'sh',
      ['-c', 'id'],
      { PATH: '/usr/bin', HOME: '/home/x' },
      {
        ...user,
        direct: false,
      },
    );
    expect(viaSudo.file).toBe('sudo');
    expect(viaSudo.args).toEqual([
      '-n',
      '-u',
      'freshet-0a1b2c3d4e5f',
      '--',
      '/usr/bin/env',
      '-i',
      'PATH=/usr/bin',
      'HOME=/home/x',
      'sh',
      '-c',
      'id',
    ]);
    expect(spawnSpec('git', ['status'], { PATH: '/usr/bin' })).toEqual({
      file: 'git',
      args: ['status'],
      env: { PATH: '/usr/bin' },
    });
  });

  it('reads getent passwd lines', () => {
    expect(
      parsePasswd('freshet-0a1b:x:1001:1002:freshet run 42:/home/freshet-0a1b:/usr/sbin/nologin\n'),
    ).toEqual([
      {
        name: 'freshet-0a1b',
        uid: 1001,
        gid: 1002,
        comment: 'freshet run 42',
        home: '/home/freshet-0a1b',
      },
    ]);
  });

  it('fetches owner/repo under the configured base', () => {
    const ref = {
      kind: 'remote' as const,
      owner: 'acme',
      repo: 'models',
      path: 'ozone',
      commit: '0'.repeat(40),
    };
    expect(remoteUrl(ref)).toBe('https://github.com/acme/models');
    expect(remoteUrl(ref, 'file:///srv/git')).toBe('file:///srv/git/acme/models');
  });
});

describe('a finished run for the command line', () => {
  const result: TrainingRunResult = {
    runId: '0123456789abcdef0123456789abcdef',
    status: 'failed',
    experiment: 'tiny',
    projectRef: `acme/models/tiny@${'c'.repeat(40)}`,
    projectCommit: 'c'.repeat(40),
    entryPoint: 'main',
    command: 'node train.mjs',
    parameters: {},
    params: null,
    metrics: null,
    variable: 'o3',
    station: { id: 12, name: 'Lancaster', key: '34.8378,-118.1234' },
    from: Date.UTC(2014, 0, 1),
    to: Date.UTC(2014, 0, 2),
    rows: 24,
    tableSha256: 'f'.repeat(64),
    features: null,
    tables: { training: 'public.freshet_training_0123', kept: false },
    artifacts: [{ name: 'seen.json', size: 2, sha256: 'e'.repeat(64) }],
    artifactsDir: '.freshet/runs/0123456789abcdef0123456789abcdef',
    environment: null,
    error: 'the command exited with status 3; its last lines:\nsomething broke',
    startedAt: 0,
    finishedAt: 1500,
    seconds: 1.5,
  };

  it('prints the JSON line with the error of a failed run', () => {
    expect(JSON.parse(trainingResultJson(result))).toEqual({
      run_id: result.runId,
      status: 'failed',
      rows: 24,
      metrics: {},
      artifacts: result.artifacts,
      seconds: 1.5,
      error: result.error,
    });
    const succeeded = {
      ...result,
      status: 'succeeded' as const,
      error: null,
      metrics: { rmse: 2 },
    };
    expect(Object.keys(JSON.parse(trainingResultJson(succeeded)))).toEqual([
      'run_id',
      'status',
      'rows',
      'metrics',
      'artifacts',
      'seconds',
    ]);
  });

  it('describes the run for a person', () => {
    expect(formatTrainingResult(result)).toBe(
      [
        `run ${result.runId} failed in 1.5s`,
        `  project   tiny (acme/models/tiny@${'c'.repeat(40)} at cccccccccccc), entry point main`,
        '  data      o3 at station 12 Lancaster, 2014-01-01T00:00:00.000Z to 2014-01-02T00:00:00.000Z, 24 rows',
        `  artifacts seen.json in ${result.artifactsDir}`,
        '  error     the command exited with status 3; its last lines:',
        '            something broke',
      ].join('\n'),
    );
  });
});
