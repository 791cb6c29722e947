// `freshet ingest` run as a user runs it (node_modules/.bin/freshet started by the system's Node 20)
// and stopped midway: by a signal to the launcher, by the launcher's death, by the database going
// away; and refused before it records anything: a mistyped source, a range too long.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedDatabase } from '../../actions/lib/toar/embedded.ts';
import { silentLogger } from '../../actions/lib/util/logger.ts';
import { createTestDatabase } from '../support/database.ts';
import { defined } from '../support/defined.ts';
import { removeEmbeddedFiles } from '../support/embedded-cleanup.ts';
import { FRESHET, freshet } from '../support/freshet-command.ts';
import { childrenOf, isAlive, NODE20, until } from '../support/processes.ts';

/**
 * Thirty days of fetches of a few stations: 4,320 intervals of one small object each. A load group
 * holds at most 1,000 objects (`MAX_GROUP_OBJECTS`), so the first attempts succeed a thousand at
 * once; the range is long enough that the run is still well before its end when the signal comes,
 * however fast the next groups are listed and parsed meanwhile.
 */
const START = '2014-01-01T00:00Z';
const END = '2014-01-31T00:00Z';
const INTERVALS = 4320;

/** Attempts by status. */
async function attempts(url: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ status: string; n: string }>(
      'SELECT status, count(*) AS n FROM ops.ingest_runs GROUP BY status',
    );
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  } catch (error) {
    // Before the command migrated the database, there is no table yet.
    if ((error as { code?: string }).code === '42P01') return {};
    throw error;
  } finally {
    await client.end();
  }
}

/** The lines of stderr that say something went wrong. */
function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('error:'));
}

interface Running {
  launcher: ChildProcess;
  /** The launcher's exit status and what it printed. */
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

describe('freshet ingest stopped midway', () => {
  let dir: string;
  let source: string;
  const started: ChildProcess[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'freshet-stops-'));
    const made = await freshet(
      [
        'generate-fetches',
        '--out',
        join(dir, 'fetches'),
        '--start',
        '2014-01-01',
        '--days',
        '30',
        '--stations',
        '2',
      ],
      dir,
    );
    expect(made.code, made.stderr).toBe(0);
    source = pathToFileURL(join(dir, 'fetches', 'realtime-gzipped')).href;
  });
  afterAll(async () => {
    for (const p of started) p.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  function ingest(databaseUrl: string): Running {
    const launcher = spawn(
      NODE20,
      [FRESHET, 'ingest', '--source', source, '--start', START, '--end', END, '--json'],
      {
        cwd: dir,
        env: {
          PATH: `/usr/bin:/bin:${process.env.PATH ?? ''}`,
          HOME: dir,
          DATABASE_URL: databaseUrl,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    started.push(launcher);
    let stdout = '';
    let stderr = '';
    launcher.stdout?.on('data', (d) => {
      stdout += d;
    });
    launcher.stderr?.on('data', (d) => {
      stderr += d;
    });
    const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
      launcher.on('close', (code) => resolve({ code, stdout, stderr })),
    );
    return { launcher, done };
  }

  /** Waits until the run has recorded a few intervals (so that it is midway), within a bound. */
  async function midway(url: string): Promise<void> {
    const ok = await until(async () => ((await attempts(url)).succeeded ?? 0) >= 3, 60_000);
    expect(ok, 'the ingest recorded no interval').toBe(true);
  }

  it('SIGTERM to the launcher: exits 143, prints the report, leaves no attempt running', async () => {
    const db = await createTestDatabase('stop');
    try {
      const run = ingest(db.url);
      await midway(db.url);
      run.launcher.kill('SIGTERM');
      const { code, stdout, stderr } = await run.done;
      expect(code, stderr).toBe(143);
      const report = JSON.parse(defined(stdout.trim().split('\n').at(-1), 'the JSON line'));
      expect(report.stopped).toBe('interrupted by SIGTERM');
      expect(report.intervals).toBe(INTERVALS);
      expect(report.objects).toBeGreaterThanOrEqual(3);
      expect(report.objects).toBeLessThan(INTERVALS);
      expect(errorLines(stderr)).toEqual([
        'error: the run stopped before the end of its range: interrupted by SIGTERM',
      ]);
      const after = await attempts(db.url);
      expect(after.running ?? 0).toBe(0);
      expect(after.failed ?? 0).toBeGreaterThanOrEqual(1);
      expect((after.succeeded ?? 0) + (after.failed ?? 0)).toBeLessThan(INTERVALS);
    } finally {
      await db.drop();
    }
  });

  it('SIGKILL to the launcher: the command records its attempts and exits (no orphan)', async () => {
    const db = await createTestDatabase('stop');
    try {
      const run = ingest(db.url);
      await midway(db.url);
      const pid = defined(run.launcher.pid, "the launcher's pid");
      const [child] = childrenOf(pid);
      const childPid = defined(child, 'the Node 24 child');
      run.launcher.kill('SIGKILL');
      await run.done;
      expect(await until(() => !isAlive(childPid), 60_000), 'the child still runs').toBe(true);
      const after = await attempts(db.url);
      expect(after.running ?? 0).toBe(0);
      expect(after.failed ?? 0).toBeGreaterThanOrEqual(1);
    } finally {
      await db.drop();
    }
  });

  it('a database stopped mid-load: exits 1 with the report and one error line', async () => {
    const state = await mkdtemp(join(tmpdir(), 'freshet-stop-pg-'));
    const server = await startEmbeddedDatabase({ stateDir: state, logger: silentLogger });
    try {
      const run = ingest(server.url);
      await midway(server.url);
      await server.stop();
      const { code, stdout, stderr } = await run.done;
      expect(code, stderr).toBe(1);
      const report = JSON.parse(defined(stdout.trim().split('\n').at(-1), 'the JSON line'));
      expect(report.stopped).toMatch(/^the database connection was lost/);
      expect(report.objects).toBeGreaterThanOrEqual(3);
      expect(report.accepted).toBeGreaterThan(0);
      expect(stderr).not.toContain('Cannot use a pool');
      const errors = errorLines(stderr);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(
        /^error: the run stopped before the end of its range: the database connection was lost/,
      );
    } finally {
      await server.stop().catch(() => {});
      await removeEmbeddedFiles(server, state);
    }
  });
});

describe('freshet ingest refused before it records anything', () => {
  let dir: string;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'freshet-refused-'));
    db = await createTestDatabase('refused');
  });
  afterAll(async () => {
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('a mistyped source: exit 2, one message naming --source, no attempt recorded', async () => {
    const typo = pathToFileURL(join(dir, 'typo')).href;
    const args = ['ingest', '--source', typo, '--start', '2018-06-07T00:00Z'];
    const { code, stderr } = await freshet(
      [...args, '--end', '2018-06-09T00:00Z', '--database-url', db.url, '--json'],
      dir,
    );
    expect(code, stderr).toBe(2);
    expect(errorLines(stderr)).toEqual([
      `error: --source: ${typo}: there is no folder ${join(dir, 'typo')}`,
    ]);
    expect(await attempts(db.url)).toEqual({});
  });

  it('a range of more intervals than --max-intervals: exit 2, saying how to go on', async () => {
    const { code, stderr } = await freshet(
      [
        'ingest',
        '--source',
        pathToFileURL(dir).href,
        '--start',
        '2018-06-07T00:00Z',
        '--end',
        '2018-06-09T00:00Z',
        '--max-intervals',
        '100',
        '--database-url',
        db.url,
      ],
      dir,
    );
    expect(code, stderr).toBe(2);
    const errors = errorLines(stderr);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('288 intervals, more than --max-intervals (100)');
    expect(errors[0]).toContain('freshet plan --chunk');
    expect(await attempts(db.url)).toEqual({});
  });

  it('a range of more than 50,000 intervals is refused by default', async () => {
    const { code, stderr } = await freshet(
      ['ingest', '--source', pathToFileURL(dir).href, '--start', '2014-01-01T00:00Z'].concat([
        '--end',
        '2015-01-01T00:00Z',
        '--database-url',
        db.url,
      ]),
      dir,
    );
    expect(code, stderr).toBe(2);
    expect(stderr).toContain('52560 intervals, more than --max-intervals (50000)');
    expect(await attempts(db.url)).toEqual({});
  });
});
