// run() in-process, with a shell of the test's own: what it prints, where, and its exit status.
import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../actions/cli/run.ts';
import { abortOnSignals } from '../../actions/signals.ts';
import { testShell as shellIn } from '../support/cli-shell.ts';
import { createTestDatabase } from '../support/database.ts';

/** A shell whose output and messages are collected. */
const testShell = (stateDir: string, env: Record<string, string> = {}) =>
  shellIn(stateDir, { env, now: Date.parse('2026-01-01T00:00:00Z') });

describe('run', () => {
  let stateDir: string;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'freshet-run-'));
    db = await createTestDatabase('run');
  });
  afterAll(async () => {
    await db.drop();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('prints the help on stdout and exits 0', async () => {
    const { shell, out } = testShell(stateDir);
    expect(await run(['--help'], shell)).toBe(0);
    expect(out.join('\n')).toMatch(/^Usage: freshet/m);
  });

  it('exits 2 with every usage problem as an error message and nothing on stdout', async () => {
    const { shell, out, messages } = testShell(stateDir);
    expect(await run(['ingest', '--concurrency', '0'], shell)).toBe(2);
    expect(out).toEqual([]);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^error: --start is required/),
        expect.stringMatching(/^error: --end is required/),
        expect.stringMatching(/^error: --concurrency "0"/),
      ]),
    );
  });

  it('exits 2 for a bad database URL, naming where it came from and never showing its password', async () => {
    const fromEnv = testShell(stateDir, { DATABASE_URL: 'postgres://u:secret@h:99999/x' });
    expect(await run(['db', 'migrate'], fromEnv.shell)).toBe(2);
    expect(fromEnv.messages).toEqual([
      expect.stringMatching(/^error: \$DATABASE_URL postgres:\/\/u:\*\*\*@h:99999\/x: the port/),
    ]);
    const fromFlag = testShell(stateDir);
    expect(await run(['runs', '--database-url', 'mysql://u:secret@h/x'], fromFlag.shell)).toBe(2);
    expect(fromFlag.messages).toEqual([
      expect.stringMatching(
        /^error: --database-url mysql:\/\/u:\*\*\*@h\/x: the scheme mysql:\/\//,
      ),
    ]);
    expect([...fromEnv.messages, ...fromFlag.messages].join()).not.toContain('secret');
  });

  it('migrates a database once: the second time the schema is up to date', async () => {
    const first = testShell(stateDir, { DATABASE_URL: db.url });
    expect(await run(['db', 'migrate'], first.shell)).toBe(0);
    expect(first.out).toHaveLength(1);
    expect(first.out[0]).toMatch(/^applied 1(, \d+)*$/);
    const second = testShell(stateDir, { DATABASE_URL: db.url });
    expect(await run(['db', 'migrate', '--database-url', db.url], second.shell)).toBe(0);
    expect(second.out).toEqual(['the schema is up to date']);
  });

  it('plans from the database the environment names, as JSON on stdout', async () => {
    const { shell, out } = testShell(stateDir, { DATABASE_URL: db.url });
    const code = await run(
      ['plan', '--since', '2025-12-31T22:00Z', '--until', '2025-12-31T23:00Z'],
      shell,
    );
    expect(code).toBe(0);
    expect(JSON.parse(out.join(''))).toEqual({
      include: [{ start: '2025-12-31T22:00:00Z', end: '2025-12-31T23:00:00Z' }],
    });
  });

  it('reports status as JSON, with no day attempted yet', async () => {
    const { shell, out } = testShell(stateDir, { DATABASE_URL: db.url });
    expect(await run(['status', '--json'], shell)).toBe(0);
    const status = JSON.parse(out.join(''));
    expect(status.days).toEqual([]);
    expect(status.last_success).toBeNull();
  });

  it('exits 1 with the error when the database cannot be reached', async () => {
    const { shell, messages } = testShell(stateDir);
    const code = await run(
      ['status', '--database-url', 'postgres://nobody:x@127.0.0.1:1/none'],
      shell,
    );
    expect(code).toBe(1);
    expect(messages.at(-1)).toMatch(/^error: /);
    expect(messages.join('\n')).not.toContain('nobody:x@');
  });
});

describe('abortOnSignals', () => {
  it('aborts on SIGTERM and removes its handlers when the work ends', async () => {
    const target = new EventEmitter();
    const seen = await abortOnSignals(
      async (signal) => {
        expect(signal.aborted).toBe(false);
        target.emit('SIGTERM');
        return signal.aborted;
      },
      target as unknown as NodeJS.Process,
    );
    expect(seen).toBe(true);
    expect(target.listenerCount('SIGINT')).toBe(0);
    expect(target.listenerCount('SIGTERM')).toBe(0);
  });

  it('removes its handlers when the work throws', async () => {
    const target = new EventEmitter();
    await expect(
      abortOnSignals(
        async () => {
          throw new Error('boom');
        },
        target as unknown as NodeJS.Process,
      ),
    ).rejects.toThrow('boom');
    expect(target.listenerCount('SIGINT')).toBe(0);
  });
});
