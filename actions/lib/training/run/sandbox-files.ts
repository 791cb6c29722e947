// Moving a sandboxed run's files across the boundary: the project and its input files into the
// user's home (owned by it), its outputs back out (owned by the runner, symbolic links and other
// non-files dropped, so that reading them never follows a link the project made).
import { lstat, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../util/logger.ts';
import { privileged, type RunAs } from './run-as.ts';

/**
 * Copies the folder `from` (its contents) to `to` inside the user's home, owned by the user.
 *
 * @example await stageIntoHome(user, '/tmp/freshet-run-x/seed', user.home)
 */
export async function stageIntoHome(user: RunAs, from: string, to: string): Promise<void> {
  await privileged(user.direct, 'mkdir', ['-p', to]);
  await privileged(user.direct, 'cp', ['-R', '-P', `${from}/.`, to]);
  await privileged(user.direct, 'chown', ['-R', '-h', `${user.uid}:${user.gid}`, to]);
}

/**
 * Copies what the user wrote to `from` into `to` (which must not exist), owned by the runner.
 * Call it only once every process of the user has ended: nothing can then swap a folder for a
 * link while it copies. Links and special files are removed from the copy, with a warning.
 */
export async function collectFromHome(
  user: RunAs,
  from: string,
  to: string,
  logger: Logger,
): Promise<void> {
  // The folder itself replaced by a link (to /etc, say) would make every step below act on its
  // target, as root: such an output counts as empty.
  const found = await lstat(from).catch(() => undefined);
  if (!found?.isDirectory()) {
    logger.warn(`ignoring ${from}: the project replaced its output folder with something else`);
    await mkdir(to, { recursive: true });
    return;
  }
  await privileged(user.direct, 'cp', ['-R', '-P', from, to]);
  const owner = `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`;
  await privileged(user.direct, 'chown', ['-R', '-h', owner, to]);
  await privileged(user.direct, 'chmod', ['-R', 'u+rwX', to]);
  await dropNonFiles(to, logger);
}

/** Removes every entry below `dir` that is neither a regular file nor a folder. */
async function dropNonFiles(dir: string, logger: Logger): Promise<void> {
  for (const entry of await readdir(dir)) {
    const path = join(dir, entry);
    const found = await lstat(path);
    if (found.isDirectory()) await dropNonFiles(path, logger);
    else if (!found.isFile()) {
      logger.warn(`ignoring ${path}: the project wrote a link or special file, not a file`);
      await rm(path, { force: true });
    }
  }
}
