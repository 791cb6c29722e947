// node_modules/.bin/freshet started by Node 20 runs the command as a Node 24 child: signals reach
// the child, the launcher exits as the child did, and the child never outlives the launcher.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defined } from '../support/defined.ts';
import { FRESHET } from '../support/freshet-command.ts';

/** The system's Node 20, as on a user's machine. */
const NODE20 = '/usr/bin/node';

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

function childrenOf(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((l) => Number(l.trim()))
      .filter((n) => n > 0);
  } catch {
    return []; // ps exits 1 when there is none
  }
}

/** Whether `pid` is still running: a zombie (exited, not yet reaped by its new parent) is not. */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the command name in parentheses: `1234 (node) S …`.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return condition();
}

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
