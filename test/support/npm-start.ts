// `npm start` as a user meets it, for the end-to-end tests: commands run with the system's Node 20
// first on the PATH (npm's scripts must still use Node 24), in a copy of the repository (its files
// as they are in this working tree, node_modules linked).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rm, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root. */
export const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** The system's Node 20 first on the PATH, as on a user's machine: npm's scripts must still use Node 24. */
const PATH = `/usr/bin:/usr/local/bin:/bin:${process.env.PATH ?? ''}`;

/** What a command did. */
export interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `command` in `cwd` with only PATH, HOME (the copy) and `env` in its environment.
 *
 * @example const started = await run('npm', ['start', '--', '--exit'], copy, 300_000);
 */
export function run(
  command: string,
  args: string[],
  cwd: string,
  timeout: number,
  env: Readonly<Record<string, string>> = {},
): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd, env: { PATH, HOME: cwd, ...env }, timeout, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Copies the repository's tracked files as they are in the working tree (uncommitted edits included). */
export async function copyRepository(to: string): Promise<void> {
  const listed = await run('git', ['ls-files', '-z'], REPO, 30_000);
  if (listed.code !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  const files = listed.stdout.split('\0').filter((f) => f !== '' && existsSync(join(REPO, f)));
  for (const file of files) {
    await mkdir(dirname(join(to, file)), { recursive: true });
    await cp(join(REPO, file), join(to, file));
  }
  // npm ci's result, shared: installing again would take minutes and need the registry.
  await symlink(join(REPO, 'node_modules'), join(to, 'node_modules'), 'dir');
}

/**
 * Removes a copy made by {@link copyRepository}, and the embedded PostgreSQL cluster its `npm start`
 * made: as root, that lives under /var/tmp, outside the copy (see chooseDataDir in embedded.ts).
 */
export async function removeCopy(copy: string): Promise<void> {
  const record = await readFile(join(copy, '.freshet', 'postgres.json'), 'utf8').catch(() => '');
  const dataDir: unknown = record === '' ? undefined : JSON.parse(record).dataDir;
  if (typeof dataDir === 'string') await rm(dataDir, { recursive: true, force: true });
  await rm(copy, { recursive: true, force: true });
}
