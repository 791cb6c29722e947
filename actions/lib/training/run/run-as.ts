// Starting processes as another OS user, and ending every process of that user. As root the runner
// sets the user's uid and gid itself (libuv drops the supplementary groups too); otherwise it goes
// through `sudo -n` (GitHub's hosted runners give the `runner` user passwordless sudo), which must
// never ask for a password: without it the call fails at once.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';

/** An OS user that processes can be started as. */
export interface RunAs {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  /** Its home folder (created for it, removed with it). */
  readonly home: string;
  /** True when the runner is root and sets uid and gid itself; false: through `sudo -n`. */
  readonly direct: boolean;
}

/** What to spawn so that `file args` runs as `runAs` with exactly `env`. */
export interface SpawnSpec {
  readonly file: string;
  readonly args: readonly string[];
  readonly env: Record<string, string>;
  readonly uid?: number;
  readonly gid?: number;
}

/** The PATH privileged helpers (useradd, cp, chown, kill) are looked up on. */
const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * How to start `file args` with environment `env`, as `runAs` when given. Through sudo the
 * environment is set by `env -i` after sudo has reset its own (its values hold no secret: a
 * sandboxed run's environment is built from nothing, see child-environment.ts).
 *
 * @example
 * spawnSpec('sh', ['-c', 'id'], { PATH: '/usr/bin' }, { name: 'freshet-1a', uid: 1001, gid: 1001, home: '/home/freshet-1a', direct: true })
 * // { file: 'sh', args: ['-c', 'id'], env: { PATH: '/usr/bin' }, uid: 1001, gid: 1001 }
 */
export function spawnSpec(
  file: string,
  args: readonly string[],
  env: Record<string, string>,
  runAs?: RunAs,
): SpawnSpec {
  if (runAs === undefined) return { file, args, env };
  if (runAs.direct) return { file, args, env, uid: runAs.uid, gid: runAs.gid };
  const assignments = Object.entries(env).map(([name, value]) => `${name}=${value}`);
  return {
    file: 'sudo',
    args: ['-n', '-u', runAs.name, '--', '/usr/bin/env', '-i', ...assignments, file, ...args],
    env: { PATH: SYSTEM_PATH },
  };
}

/** Runs a system tool as root: directly when the runner is root, else through `sudo -n`. */
export function privileged(
  direct: boolean,
  file: string,
  args: readonly string[],
): Promise<{ stdout: string; stderr: string }> {
  const [command, commandArgs] = direct ? [file, args] : ['sudo', ['-n', file, ...args]];
  return new Promise((resolve, reject) => {
    execFile(
      command,
      [...commandArgs],
      { env: { PATH: SYSTEM_PATH, LANG: 'C' }, timeout: 120_000, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error) {
          const detail = stderr.trim() || error.message;
          reject(new Error(`${[command, ...commandArgs].join(' ')}: ${detail}`, { cause: error }));
        } else resolve({ stdout, stderr });
      },
    );
  });
}

/** Process ids whose real, effective, saved or filesystem uid is `uid` (from /proc). */
export async function processesOf(uid: number): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue;
    const status = await readFile(`/proc/${entry}/status`, 'utf8').catch(() => '');
    const line = status.split('\n').find((l) => l.startsWith('Uid:'));
    const uids = line?.slice(4).trim().split(/\s+/).map(Number) ?? [];
    if (uids.includes(uid)) pids.push(Number(entry));
  }
  return pids;
}

/**
 * Ends every process of `runAs`, however it was started (a `setsid` or double fork leaves the
 * run's process group, not its user): `kill -KILL -1` run as that user signals all of its
 * processes in one call, which a process forking in a loop cannot outrun; repeated until /proc
 * shows none.
 *
 * @returns whether none is left
 */
export async function endAllProcesses(runAs: RunAs): Promise<boolean> {
  // `kill -1` as root, or as the runner's own user, would end every process of the machine or of
  // the runner: only ever a user made for the run.
  if (runAs.uid === 0 || runAs.uid === process.getuid?.()) {
    throw new Error(
      `refusing to end every process of uid ${runAs.uid}: not a user made for the run`,
    );
  }
  for (let round = 0; round < 50; round += 1) {
    if ((await processesOf(runAs.uid)).length === 0) return true;
    const spec = spawnSpec(
      '/bin/sh',
      ['-c', 'kill -KILL -1 2>/dev/null; exit 0'],
      {
        PATH: SYSTEM_PATH,
      },
      runAs,
    );
    await new Promise<void>((done) => {
      execFile(
        spec.file,
        [...spec.args],
        {
          env: spec.env,
          timeout: 10_000,
          ...(spec.uid !== undefined ? { uid: spec.uid, gid: spec.gid } : {}),
        },
        () => done(),
      );
    });
    await new Promise((done) => setTimeout(done, 20 * (round + 1)));
  }
  return (await processesOf(runAs.uid)).length === 0;
}
