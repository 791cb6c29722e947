import { execFileSync } from 'node:child_process';

/** A committer identity, so that tests commit on machines without a git configuration. */
const IDENTITY = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.org',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.org',
};

/**
 * Runs `git args` in `cwd` and returns its trimmed output (throws when git fails).
 *
 * @example const head = git(repo, 'rev-parse', 'HEAD');
 */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...IDENTITY },
  }).trim();
}
