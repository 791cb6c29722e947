// node_modules/.bin/freshet started by Node 20 runs the command as a Node 24 child: signals reach
// the child, the launcher exits as the child did, and the child never outlives the launcher.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defined } from '../support/defined.ts';
import { FRESHET } from '../support/freshet-command.ts';
import { childrenOf, isAlive, NODE20, until } from '../support/processes.ts';

/** A command that runs for minutes: generating a year of fetches for many stations. */
const LONG_COMMAND = [
  'generate-fetches',
  '--start',
  '2014-01-01',
  '--days',
  '365',
  '--stations',
  '5000',
];

describe('the launcher', () => {
  let cwd: string;
  const started: ChildProcess[] = [];
  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'freshet-launcher-'));
  });
  afterAll(async () => {
    for (const p of started) p.kill('SIGKILL');
    await rm(cwd, { recursive: true, force: true });
  });

  function launch(): {
    launcher: ChildProcess;
    exited: Promise<number | null>;
    child: Promise<number>;
  } {
    const launcher = spawn(NODE20, [FRESHET, ...LONG_COMMAND, '--out', join(cwd, 'out')], {
      cwd,
      stdio: 'ignore',
    });
    started.push(launcher);
    const exited = new Promise<number | null>((resolve) =>
      launcher.on('exit', (code) => resolve(code)),
    );
    const child = (async () => {
      const pid = defined(launcher.pid, "the launcher's pid (did it start?)");
      await until(() => childrenOf(pid).length > 0, 20_000);
      const [first] = childrenOf(pid);
      if (first === undefined) throw new Error('the launcher started no child');
      return first;
    })();
    return { launcher, exited, child };
  }

  it('exits 143 when sent SIGTERM, and its child is gone', async () => {
    const { launcher, exited, child } = launch();
    const pid = await child;
    launcher.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(await until(() => !isAlive(pid), 30_000)).toBe(true);
  });

  it('exits 130 when sent SIGINT', async () => {
    const { launcher, exited, child } = launch();
    await child;
    launcher.kill('SIGINT');
    expect(await exited).toBe(130);
  });

  it('leaves no orphan when killed with SIGKILL', async () => {
    const { launcher, exited, child } = launch();
    const pid = await child;
    launcher.kill('SIGKILL');
    await exited;
    expect(await until(() => !isAlive(pid), 30_000)).toBe(true);
  });
});
