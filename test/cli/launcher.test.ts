// node_modules/.bin/freshet started by Node 20 runs the command as a Node 24 child: signals reach
// the child, the launcher exits as the child did, and the child never outlives the launcher. Started
// by Node 20 or by Node 24 without them, it gives the child its Node flags (a capped young generation)
// and Node's compile cache in the project's node_modules/.cache.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

/** A process's arguments (none once it is gone). */
function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

const isCli = (argument: string) => argument.endsWith('cli.ts');

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

  function launch(node = NODE20): {
    launcher: ChildProcess;
    exited: Promise<number | null>;
    child: Promise<number>;
  } {
    const launcher = spawn(node, [FRESHET, ...LONG_COMMAND, '--out', join(cwd, 'out')], {
      cwd,
      stdio: 'ignore',
    });
    started.push(launcher);
    const exited = new Promise<number | null>((resolve) =>
      launcher.on('exit', (code) => resolve(code)),
    );
    const child = (async () => {
      const pid = defined(launcher.pid, "the launcher's pid (did it start?)");
      // The child once it runs the command: between fork and exec, /proc shows the launcher's
      // command line and environment.
      const command = () => childrenOf(pid).find((c) => commandLine(c).some(isCli));
      await until(() => command() !== undefined, 20_000);
      const first = command();
      if (first === undefined) throw new Error('the launcher started no child running cli.ts');
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

  it.each([
    ['Node 20', NODE20],
    ['Node 24 without the flags', process.execPath],
  ])(
    'started by %s, runs the command with a young generation of 8 MiB and the compile cache',
    async (_, node) => {
      const { launcher, exited, child } = launch(node);
      const pid = await child;
      const argv = commandLine(pid);
      const environment = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      launcher.kill('SIGTERM');
      await exited;
      expect(environment).toContain(
        `NODE_COMPILE_CACHE=${fileURLToPath(new URL('../../node_modules/.cache/freshet-node', import.meta.url))}`,
      );
      expect(argv).toContain('--max-semi-space-size=8');
      expect(argv.indexOf('--max-semi-space-size=8')).toBeLessThan(argv.findIndex(isCli));
    },
  );
});
