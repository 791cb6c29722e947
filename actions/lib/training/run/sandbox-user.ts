// The unprivileged OS user that another repository's code runs as: made for one run (useradd, its
// own home), removed with every process it has when the run ends (userdel --remove). A runner
// killed before it could clean up leaves the user behind: its comment names the runner's pid, and
// the next run on the machine removes users whose runner is gone.
import { randomBytes } from 'node:crypto';
import { UsageError } from '../../errors.ts';
import type { Logger } from '../../util/logger.ts';
import { endAllProcesses, privileged, type RunAs } from './run-as.ts';

/** Every sandbox user's name starts so (useradd allows 32 characters: this is 20). */
const NAME_PREFIX = 'freshet-';
const COMMENT = /^freshet run ([0-9]+)$/;

/** How the runner may act as root: itself, or through passwordless sudo. */
function runnerIsRoot(): boolean {
  return process.getuid?.() === 0;
}

/** One line of `getent passwd`, the fields the runner needs. */
interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly comment: string;
  readonly home: string;
}

/** Parses `name:x:uid:gid:comment:home:shell` lines. Pure. */
export function parsePasswd(text: string): PasswdEntry[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [name = '', , uid = '', gid = '', comment = '', home = ''] = line.split(':');
      return { name, uid: Number(uid), gid: Number(gid), comment, home };
    });
}

async function passwdEntries(direct: boolean, name?: string): Promise<PasswdEntry[]> {
  const { stdout } = await privileged(direct, 'getent', ['passwd', ...(name ? [name] : [])]);
  return parsePasswd(stdout);
}

/**
 * Makes a user for one run: `freshet-<12 hex>`, its own group and home (mode 0700; through sudo
 * 2770 with the runner's group, so that the runner can put the run's files there), no login shell.
 *
 * @throws UsageError saying why a run of another repository's code is refused: the user cannot be
 *   made (neither root nor passwordless sudo, or no useradd)
 * @example
 * const user = await createSandboxUser({ project: 'acme/models/ozone@0123…', logger });
 * try { … } finally { await removeSandboxUser(user, logger); }
 */
export async function createSandboxUser(options: {
  project: string;
  logger: Logger;
}): Promise<RunAs> {
  const direct = runnerIsRoot();
  const name = `${NAME_PREFIX}${randomBytes(6).toString('hex')}`;
  try {
    await removeStaleSandboxUsers(direct, options.logger);
    await privileged(direct, 'useradd', [
      '--create-home',
      '--user-group',
      '--shell',
      '/usr/sbin/nologin',
      '--comment',
      `freshet run ${process.pid}`,
      name,
    ]);
  } catch (error) {
    throw new UsageError(
      `refusing to run ${options.project}: code from another repository runs only as an OS user made for the run, and that user cannot be made (${(error as Error).message}); run as root, or as a user with passwordless sudo (GitHub's hosted runners have it), on a machine with useradd`,
      { cause: error },
    );
  }
  try {
    const [entry] = await passwdEntries(direct, name);
    if (entry === undefined) throw new Error(`useradd made no user ${name}`);
    const user: RunAs = { name, uid: entry.uid, gid: entry.gid, home: entry.home, direct };
    if (direct) await privileged(direct, 'chmod', ['0700', user.home]);
    else {
      await privileged(direct, 'chgrp', [String(process.getgid?.() ?? entry.gid), user.home]);
      await privileged(direct, 'chmod', ['2770', user.home]);
    }
    options.logger.info(`another repository's code runs as OS user ${name} (uid ${user.uid})`);
    return user;
  } catch (error) {
    await privileged(direct, 'userdel', ['--remove', name]).catch(() => {});
    throw new UsageError(
      `refusing to run ${options.project}: the OS user ${name} was made but cannot be used (${(error as Error).message})`,
      { cause: error },
    );
  }
}

/**
 * Ends every process of the user, then removes it and its home. Never throws: what cannot be
 * removed is reported with the command to run by hand.
 *
 * @returns whether the user is gone
 */
export async function removeSandboxUser(user: RunAs, logger: Logger): Promise<boolean> {
  let last: unknown;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    await endAllProcesses(user);
    try {
      await privileged(user.direct, 'userdel', ['--remove', user.name]);
    } catch (error) {
      last = error;
    }
    // userdel warns (and may fail) about a missing mail spool: what counts is that the user is gone.
    const left = await passwdEntries(user.direct, user.name).catch(() => []);
    if (left.length === 0) {
      // A home userdel could not remove (only ever the user's own, named after it).
      if (user.home.startsWith('/') && user.home.endsWith(`/${user.name}`)) {
        await privileged(user.direct, 'rm', ['-rf', '--one-file-system', user.home]).catch(
          () => {},
        );
      }
      return true;
    }
  }
  logger.warn(
    `could not remove the OS user ${user.name} (${(last as Error | undefined)?.message ?? 'it is still there'}): run sudo pkill -KILL -u ${user.name}; sudo userdel --remove ${user.name}`,
  );
  return false;
}

/** Whether process `pid` is alive. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes sandbox users whose runner (the pid in their comment) is no longer running: what a
 * runner killed with SIGKILL left, with every process it still had.
 *
 * @returns the names removed
 */
export async function removeStaleSandboxUsers(direct: boolean, logger: Logger): Promise<string[]> {
  const removed: string[] = [];
  for (const entry of await passwdEntries(direct)) {
    const owner = COMMENT.exec(entry.comment)?.[1];
    if (!entry.name.startsWith(NAME_PREFIX) || owner === undefined || alive(Number(owner)))
      continue;
    logger.warn(`removing OS user ${entry.name}, left by a runner (pid ${owner}) that is gone`);
    const user: RunAs = {
      name: entry.name,
      uid: entry.uid,
      gid: entry.gid,
      home: entry.home,
      direct,
    };
    if (await removeSandboxUser(user, logger)) removed.push(entry.name);
  }
  return removed;
}
