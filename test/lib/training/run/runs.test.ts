// Recorded runs: filters, the run table, comparisons — on rows written with the runner's own
// record functions into a real ops.training_runs.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../../actions/lib/toar/migrate.ts';
import {
  ABANDONED,
  expireAbandonedRuns,
  findRun,
  finishRun,
  insertRun,
  type RunStart,
  readRuns,
  type TrainingRunRecord,
} from '../../../../actions/lib/training/run/run-record.ts';
import {
  compareRuns,
  listRuns,
  matchesRunFilter,
  parseRunFilter,
  readRunPair,
} from '../../../../actions/lib/training/run/runs.ts';
import {
  formatRunComparison,
  formatRunsTable,
  formatSeconds,
  mainMetrics,
  runToJson,
} from '../../../../actions/lib/training/run/runs-format.ts';
import { silentLogger } from '../../../../actions/lib/util/logger.ts';
import { createTestDatabase } from '../../../support/database.ts';
import { defined } from '../../../support/defined.ts';
import { usageError } from '../helpers.ts';

describe('parseRunFilter', () => {
  it('reads metric comparisons, tags, params and status joined by and', () => {
    expect(
      parseRunFilter(
        'rmse<5 AND metrics.r2 >= 0.8 and mae.24h!=1e-3 and tag.trigger=push and params.n_trees = "50" and status=succeeded',
      ).clauses,
    ).toEqual([
      { kind: 'metric', name: 'rmse', op: '<', value: 5 },
      { kind: 'metric', name: 'r2', op: '>=', value: 0.8 },
      { kind: 'metric', name: 'mae.24h', op: '!=', value: 0.001 },
      { kind: 'tag', name: 'trigger', op: '=', value: 'push' },
      { kind: 'param', name: 'n_trees', op: '=', value: '50' },
      { kind: 'status', name: 'status', op: '=', value: 'succeeded' },
    ]);
  });

  it('keeps " and " inside a quoted value, and reads == as =', () => {
    expect(parseRunFilter("tag.note='salt and pepper' and rmse==2").clauses).toEqual([
      { kind: 'tag', name: 'note', op: '=', value: 'salt and pepper' },
      { kind: 'metric', name: 'rmse', op: '=', value: 2 },
    ]);
  });

  it('names every clause it cannot read, with the grammar', () => {
    const problems = usageError(() =>
      parseRunFilter('rmse<low and tag.trigger>push and nonsense and status=done'),
    ).problems;
    expect(problems).toEqual([
      'filter clause "rmse<low" compares metric rmse with "low", which is not a number',
      'filter clause "tag.trigger>push": tags compare with = or != only',
      'filter clause "nonsense" is not a condition: write metric<op>number (ops < <= > >= = !=), tag.name=value, param.name=value or status=failed, several joined by " and ", e.g. "rmse<5 and tag.trigger=push"',
      'filter clause "status=done": a status is one of running, succeeded, failed',
    ]);
    expect(usageError(() => parseRunFilter('  ')).message).toMatch(/^the filter is empty: /);
  });
});

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 24, 12);

/** Far beyond any test run: these runs never count as abandoned. */
const NO_DEADLINE = Date.UTC(9000, 0, 1);

function start(id: string, overrides: Partial<RunStart> = {}): RunStart {
  return {
    id,
    deadlineAt: NO_DEADLINE,
    experiment: 'ozone-forest',
    tags: {},
    projectRef: 'training/ozone-forest',
    projectCommit: 'c'.repeat(40),
    entryPoint: 'main',
    command: "node train.ts --trees '50'",
    parameters: { n_trees: 50, max_depth: 8 },
    variable: 'o3',
    stationId: 12,
    stationName: 'Lancaster',
    stationKey: '34.8378,-118.1234',
    startedAt: T0,
    ...overrides,
  };
}

const id = (digit: string, rest = '0') => `${digit.repeat(4)}${rest.repeat(28)}`;
const A = id('a', '1');
const B = id('b', '2');
const C = id('a', '3'); // shares the prefix aaaa with A
const D = id('d', '4');

describe('recorded runs', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let client: pg.Client;
  let runs: TrainingRunRecord[];

  beforeAll(async () => {
    db = await createTestDatabase('runs');
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await migrate(client, silentLogger);
    const environment = {
      node: 'v24.1.0',
      platform: 'linux-x64',
      python: {
        version: '3.11.7',
        source: 'venv' as const,
        packages: { numpy: '1.26.4', 'scikit-learn': '1.4.0' },
      },
    };
    await insertRun(client, start(A, { tags: { trigger: 'push' } }));
    await finishRun(client, A, {
      status: 'succeeded',
      finishedAt: T0 + 42_500,
      params: { n_trees: 50, seed: 1 },
      metrics: { rmse: 4.25, mae: 3.1 },
      from: T0 - 365 * 24 * HOUR,
      to: T0,
      rows: 8760,
      tableSha256: 'f'.repeat(64),
      environment,
      artifacts: [{ name: 'model.json', size: 10, sha256: 'e'.repeat(64) }],
    });
    await insertRun(
      client,
      start(B, {
        startedAt: T0 + HOUR,
        tags: { trigger: 'schedule' },
        parameters: { n_trees: 100, max_depth: 8 },
      }),
    );
    await finishRun(client, B, {
      status: 'succeeded',
      finishedAt: T0 + HOUR + 245_000,
      params: { n_trees: 100.0, seed: 1 },
      metrics: { rmse: 3.875, mae: 2.9, r2: 0.81 },
      from: T0 - 364 * 24 * HOUR,
      to: T0 + HOUR,
      rows: 8761,
      tableSha256: '0'.repeat(64),
      environment: {
        ...environment,
        python: { ...environment.python, packages: { numpy: '2.0.0', 'scikit-learn': '1.4.0' } },
      },
    });
    await insertRun(client, start(C, { startedAt: T0 + 2 * HOUR }));
    await finishRun(client, C, {
      status: 'failed',
      finishedAt: T0 + 2 * HOUR + 800,
      error: 'the command exited with status 3',
    });
    await insertRun(client, start(D, { experiment: 'ozone-sklearn', startedAt: T0 + 3 * HOUR }));
    runs = await readRuns(client);
  });

  afterAll(async () => {
    await client.end();
    await db.drop();
  });

  it('lists runs newest first, of one experiment or all, at most the limit', async () => {
    expect((await listRuns(client)).map((r) => r.id)).toEqual([D, C, B, A]);
    expect((await listRuns(client, { experiment: 'ozone-forest' })).map((r) => r.id)).toEqual([
      C,
      B,
      A,
    ]);
    expect((await listRuns(client, { limit: 2 })).map((r) => r.id)).toEqual([D, C]);
  });

  it('filters by metrics (runs without the metric never match), tags, params and status', async () => {
    const ids = async (text: string) =>
      (await listRuns(client, { filter: parseRunFilter(text) })).map((r) => r.id);
    expect(await ids('rmse<5')).toEqual([B, A]);
    expect(await ids('rmse<4')).toEqual([B]);
    expect(await ids('rmse>=4.25 and mae>3')).toEqual([A]);
    expect(await ids('r2>0')).toEqual([B]);
    expect(await ids('tag.trigger=push')).toEqual([A]);
    expect(await ids('tag.trigger!=push')).toEqual([D, C, B]);
    // params.json overlays the entry point's parameters; numbers compare as numbers.
    expect(await ids('param.n_trees=100')).toEqual([B]);
    expect(await ids('param.seed=1.0')).toEqual([B, A]);
    expect(await ids('param.max_depth=8 and status=failed')).toEqual([C]);
  });

  it('finds a run by a unique prefix of its id, and says when a prefix is ambiguous or unknown', async () => {
    expect((await findRun(client, 'bbbb')).id).toBe(B);
    expect((await findRun(client, A.toUpperCase())).id).toBe(A);
    await expect(findRun(client, 'aaaa')).rejects.toThrow(
      `aaaa is the start of several run ids (${A}, ${C}…): give more digits`,
    );
    const problems = await readRunPair(client, 'eeee', 'zz').catch((e) => e.problems);
    expect(problems).toEqual([
      'no training run has id eeee',
      '"zz" is not a run id: give its 32 hex digits or a prefix of at least 4',
    ]);
  });

  it('compares two runs side by side: parameters, metrics with B − A, data and differing packages', async () => {
    const [a, b] = await readRunPair(client, 'aaaa1', 'bbbb');
    const comparison = compareRuns(a, b);
    expect(comparison.params).toEqual([
      { name: 'max_depth', a: '8', b: '8', same: true },
      { name: 'n_trees', a: '50', b: '100', same: false },
      { name: 'seed', a: '1', b: '1', same: true },
    ]);
    expect(comparison.metrics).toEqual([
      { name: 'mae', a: 3.1, b: 2.9, difference: 2.9 - 3.1 },
      { name: 'r2', a: null, b: 0.81, difference: null },
      { name: 'rmse', a: 4.25, b: 3.875, difference: -0.375 },
    ]);
    expect(comparison.data).toContainEqual({ name: 'rows', a: '8760', b: '8761', same: false });
    expect(comparison.data).toContainEqual({
      name: 'station',
      a: '12 Lancaster (34.8378,-118.1234)',
      b: '12 Lancaster (34.8378,-118.1234)',
      same: true,
    });
    expect(comparison.environment).toEqual([
      { name: 'node', a: 'v24.1.0', b: 'v24.1.0', same: true },
      { name: 'platform', a: 'linux-x64', b: 'linux-x64', same: true },
      { name: 'python', a: '3.11.7 (venv)', b: '3.11.7 (venv)', same: true },
      { name: 'python package numpy', a: '1.26.4', b: '2.0.0', same: false },
    ]);
    const text = formatRunComparison(comparison);
    expect(text).toMatch(/^metrics\n\s+aaaa1111\s+bbbb2222\s+B − A$/m);
    expect(text).toMatch(/^rmse\s+4\.25\s+3\.875\s+-0\.375$/m);
    expect(text).toMatch(/^n_trees\s+50\s+100\s+≠$/m);
    expect(text).toMatch(/^python package numpy\s+1\.26\.4\s+2\.0\.0\s+≠$/m);
  });

  it('marks a run still running past its deadline as failed (abandoned), and leaves live ones', async () => {
    const dead = 'eeee5555eeee5555eeee5555eeee5555';
    const live = 'ffff6666ffff6666ffff6666ffff6666';
    const past = Date.UTC(2020, 0, 1);
    await insertRun(
      client,
      start(dead, { experiment: 'abandoned', startedAt: past - HOUR, deadlineAt: past }),
    );
    await insertRun(client, start(live, { experiment: 'abandoned', startedAt: past }));
    // Before the deadline nothing changes; the readers mark it once the deadline has passed.
    expect(await expireAbandonedRuns(client, past - 1)).toEqual([]);
    const [liveRun, deadRun] = await readRuns(client, { experiment: 'abandoned' });
    expect(liveRun).toMatchObject({ id: live, status: 'running', error: null });
    expect(deadRun).toMatchObject({
      id: dead,
      status: 'failed',
      error: ABANDONED,
      finishedAt: past,
      durationMs: HOUR,
    });
    expect(await expireAbandonedRuns(client)).toEqual([]);
    await client.query(`DELETE FROM ops.training_runs WHERE experiment = 'abandoned'`);
  });

  it('prints the run table with the main metrics and tags', () => {
    expect(mainMetrics(runs)).toEqual(['mae', 'rmse', 'r2']);
    const lines = formatRunsTable(runs).split('\n');
    expect(lines[0]).toMatch(
      /^id\s+experiment\s+status\s+start\s+duration\s+station\s+rows\s+mae\s+rmse\s+r2\s+tags$/,
    );
    expect(lines[1]).toMatch(
      /^dddd4444\s+ozone-sklearn\s+running\s+2026-11-24 15:00\s+12 Lancaster$/,
    );
    expect(lines[2]).toMatch(
      /^aaaa3333\s+ozone-forest\s+failed\s+2026-11-24 14:00\s+0\.8s\s+12 Lancaster$/,
    );
    expect(lines[3]).toMatch(
      /^bbbb2222\s+ozone-forest\s+succeeded\s+2026-11-24 13:00\s+4m05s\s+12 Lancaster\s+8761\s+2\.9\s+3\.875\s+0\.81\s+trigger=schedule$/,
    );
    expect(lines[4]).toMatch(/\s42\.5s\s+12 Lancaster\s+8760\s+3\.1\s+4\.25\s+trigger=push$/);
    expect(formatRunsTable([])).toBe('no training runs recorded');
  });

  it('gives each run as JSON for --json', () => {
    const json = runToJson(
      defined(
        runs.find((r) => r.id === A),
        'run A',
      ),
    );
    expect(json).toMatchObject({
      run_id: A,
      experiment: 'ozone-forest',
      status: 'succeeded',
      started_at: '2026-11-24T12:00:00.000Z',
      seconds: 42.5,
      metrics: { rmse: 4.25, mae: 3.1 },
      rows: 8760,
      artifacts: [{ name: 'model.json', size: 10, sha256: 'e'.repeat(64) }],
    });
  });

  it('matches a filter against one record without the database', () => {
    const b = defined(
      runs.find((r) => r.id === B),
      'run B',
    );
    expect(matchesRunFilter(b, parseRunFilter('rmse<4 and tag.trigger=schedule'))).toBe(true);
    expect(matchesRunFilter(b, parseRunFilter('rmse<4 and tag.trigger=push'))).toBe(false);
  });
});

describe('formatSeconds', () => {
  it('reads as seconds, minutes or hours', () => {
    expect(formatSeconds(800)).toBe('0.8s');
    expect(formatSeconds(42_500)).toBe('42.5s');
    expect(formatSeconds(245_000)).toBe('4m05s');
    expect(formatSeconds(3_720_000)).toBe('1h02m');
  });
});
