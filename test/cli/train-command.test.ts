import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../actions/lib/toar/migrate.ts';
import { silentLogger } from '../../actions/lib/util/logger.ts';
import { writeProject } from '../lib/training/runner-project.ts';
import {
  type DataRow,
  insertData,
  insertSeries,
  insertStation,
} from '../lib/training/toar-fixture.ts';
import { createTestDatabase } from '../support/database.ts';
import { freshet } from '../support/freshet-command.ts';

const lastLine = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1) ?? '');

describe('freshet train and freshet runs', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let cwd: string;
  let project: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase('cli_train');
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await migrate(client, silentLogger);
      const station = await insertStation(client, '34.8378', '-118.1234', 'Lancaster');
      const rows: DataRow[] = Array.from({ length: 24 }, (_, h) => [
        new Date(Date.UTC(2014, 0, 1, h)).toISOString(),
        10 + h,
      ]);
      await insertData(client, await insertSeries(client, station, 'o3', 60), rows);
      cwd = await mkdtemp(join(tmpdir(), 'freshet-train-cli-'));
      project = await writeProject(join(cwd, 'tiny'), { station });
    } finally {
      await client.end();
    }
    env = { DATABASE_URL: db.url };
  });

  afterAll(async () => {
    await db.drop();
    await rm(cwd, { recursive: true, force: true });
  });

  it('runs a project and prints the run as JSON on the last line; lists, filters and compares runs', async () => {
    const ok = await freshet(
      ['train', '--project', 'tiny', '-P', 'n_trees=7', '-T', 'trigger=cli', '--json'],
      cwd,
      env,
    );
    expect(ok.stderr).toContain('tiny | read 24 rows');
    expect(ok.code).toBe(0);
    const run = lastLine(ok.stdout);
    expect(Object.keys(run)).toEqual([
      'run_id',
      'status',
      'rows',
      'metrics',
      'artifacts',
      'seconds',
    ]);
    expect(run).toMatchObject({ status: 'succeeded', rows: 24, metrics: { rows: 24, mean: 21.5 } });
    expect(run.run_id).toMatch(/^[0-9a-f]{32}$/);
    expect(run.artifacts.map((a: { name: string }) => a.name)).toContain('model.json');
    expect(existsSync(join(cwd, '.freshet', 'runs', run.run_id, 'model.json'))).toBe(true);

    const failed = await freshet(
      ['train', '--project', project, '-P', 'mode=fail', '--json'],
      cwd,
      env,
    );
    expect(failed.code).toBe(1);
    const failure = lastLine(failed.stdout);
    expect(failure).toMatchObject({ status: 'failed', rows: 24, metrics: {} });
    expect(failure.error).toMatch(/^the command exited with status 3/);

    const listed = await freshet(['runs', '--json'], cwd, env);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).map((r: { run_id: string }) => r.run_id)).toEqual([
      failure.run_id,
      run.run_id,
    ]);

    const table = await freshet(['runs', '--filter', 'rows>=24 and tag.trigger=cli'], cwd, env);
    expect(table.code).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^id\s+experiment\s+status/);
    expect(lines[1]).toMatch(new RegExp(`^${run.run_id.slice(0, 8)}\\s+tiny\\s+succeeded\\s`));
    expect(lines[1]).toMatch(/trigger=cli$/);

    const compared = await freshet(
      ['runs', 'compare', run.run_id.slice(0, 8), failure.run_id],
      cwd,
      env,
    );
    expect(compared.code).toBe(0);
    expect(compared.stdout).toMatch(/^n_trees\s+7\s+10\s+≠$/m);
    expect(compared.stdout).toMatch(/^status\s+succeeded\s+failed\s+≠$/m);
  });

  it('shows control characters in a station name escaped, in the train result, its log and the run table; JSON keeps them', async () => {
    const name = 'Evil\u001b[31mRed\u001b]0;title\u0007\u009b2J';
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    let station: number;
    try {
      station = await insertStation(client, '10.0000', '20.0000', name);
      const rows: DataRow[] = Array.from({ length: 24 }, (_, h) => [
        new Date(Date.UTC(2014, 0, 1, h)).toISOString(),
        h,
      ]);
      await insertData(client, await insertSeries(client, station, 'o3', 60), rows);
    } finally {
      await client.end();
    }
    const escaped = 'Evil\\x1b[31mRed\\x1b]0;title\\x07\\x9b2J';
    const trained = await freshet(
      ['train', '--project', project, '--station', String(station), '-T', 'suite=escapes'],
      cwd,
      env,
    );
    expect(trained.code).toBe(0);
    // Neither stdout nor stderr carries a control character but line breaks.
    expect(trained.stdout + trained.stderr).not.toMatch(/(?!\n)\p{Cc}/u);
    expect(trained.stdout).toContain(`at station ${station} ${escaped}, `);
    expect(trained.stderr).toContain(`(${escaped})`);

    const table = await freshet(['runs', '--filter', 'tag.suite=escapes'], cwd, env);
    expect(table.code).toBe(0);
    expect(table.stdout).not.toMatch(/(?!\n)\p{Cc}/u);
    expect(table.stdout).toContain(`${station} Evil\\x1b[31mRed\\x1b]0;tit…`);

    const json = await freshet(['runs', '--filter', 'tag.suite=escapes', '--json'], cwd, env);
    expect(lastLine(json.stdout)[0].station_name).toBe(name);
  });

  it('exits 2 without running anything on a usage error', async () => {
    const bad = await freshet(['train', '--project', 'tiny', '-P', 'n_tres=3', '--json'], cwd, env);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain(
      'error: entry point main has no parameter n_tres (did you mean n_trees?): its parameters are n_trees, label, mode',
    );
    const filter = await freshet(['runs', '--filter', 'rmse<<5'], cwd, env);
    expect(filter.code).toBe(2);
    expect(filter.stderr).toContain('compares metric rmse with "<5", which is not a number');
  });
});
