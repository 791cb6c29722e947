// A project of another repository, fetched at exactly its pinned commit: `git init`, a shallow
// fetch of that one commit, a detached checkout. Nothing else of the repository is fetched.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SourceError, UsageError } from '../../errors.ts';
import type { ProjectRef } from './project-ref.ts';
import { runTool } from './tool.ts';

/** Where repositories live unless told otherwise: `<base><owner>/<repo>`. */
export const DEFAULT_GIT_BASE = 'https://github.com/';

/** A remote project reference. */
export type RemoteProjectRef = Extract<ProjectRef, { kind: 'remote' }>;

/**
 * The URL git fetches a repository from: the base (ending in `/` or not) followed by `owner/repo`.
 *
 * @example remoteUrl({ owner: 'acme', repo: 'models', … }, 'file:///srv/git/') === 'file:///srv/git/acme/models'
 */
export function remoteUrl(ref: RemoteProjectRef, base: string = DEFAULT_GIT_BASE): string {
  return `${base.endsWith('/') ? base : `${base}/`}${ref.owner}/${ref.repo}`;
}

// Git must never wait for a password on a terminal nobody watches: a private repository without
// credentials fails at once. (Credential helpers configured for the user still apply.)
const GIT_ENV = { GIT_TERMINAL_PROMPT: '0' };

/**
 * Fetches the commit a remote reference pins into `checkoutDir` (created by git, must not exist or
 * be empty) and returns the project's folder inside it.
 *
 * @throws SourceError when git cannot fetch the commit (unknown repository or commit, no network);
 *   UsageError when the commit has no such folder
 * @example
 * const folder = await fetchProject(ref, { checkoutDir: '/tmp/run/checkout', baseUrl: 'file:///srv/git/', env });
 */
export async function fetchProject(
  ref: RemoteProjectRef,
  options: { checkoutDir: string; baseUrl?: string; env: Readonly<NodeJS.ProcessEnv> },
): Promise<string> {
  const url = remoteUrl(ref, options.baseUrl);
  const env = { ...options.env, ...GIT_ENV };
  const dir = options.checkoutDir;
  const where = `${ref.owner}/${ref.repo} at ${ref.commit}`;
  try {
    await runTool('git', ['init', '--quiet', dir], `preparing a checkout of ${where}`, { env });
    await runTool(
      'git',
      ['fetch', '--quiet', '--depth', '1', url, ref.commit],
      `fetching ${where} from ${url}`,
      { cwd: dir, env, timeoutMs: 300_000 },
    );
    // Links are checked out as plain files holding their target: the runner reads the project's
    // files (freshet-project.yml, its lockfiles) as itself, and a link to /etc/shadow must not be
    // followed there.
    await runTool(
      'git',
      [
        '-c',
        'advice.detachedHead=false',
        '-c',
        'core.symlinks=false',
        'checkout',
        '--quiet',
        ref.commit,
      ],
      `checking out ${where}`,
      { cwd: dir, env },
    );
  } catch (error) {
    throw new SourceError(
      `cannot fetch the training project ${where}: is the repository reachable and the commit pushed?`,
      { cause: error },
    );
  }
  const folder = ref.path === '' ? dir : join(dir, ...ref.path.split('/'));
  const found = await stat(folder).catch(() => undefined);
  if (!found?.isDirectory()) {
    throw new UsageError(
      `${ref.owner}/${ref.repo} at ${ref.commit} has no folder ${ref.path}: check the path of the project reference`,
    );
  }
  return folder;
}

/**
 * The commit checked out in the repository holding `folder`, or undefined when it is not in a git
 * repository (or git is missing): a local project's run records it when it can.
 */
export async function localCommit(
  folder: string,
  env: Readonly<NodeJS.ProcessEnv>,
): Promise<string | undefined> {
  try {
    const { stdout } = await runTool('git', ['rev-parse', 'HEAD'], 'reading the commit', {
      cwd: folder,
      env: { ...env, ...GIT_ENV },
      timeoutMs: 10_000,
    });
    const commit = stdout.trim();
    return /^[0-9a-f]{40}$/.test(commit) ? commit : undefined;
  } catch {
    return undefined;
  }
}
