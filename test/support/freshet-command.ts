import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The installed command, as npm links it. */
export const FRESHET = fileURLToPath(new URL('../../node_modules/.bin/freshet', import.meta.url));

/** The system's Node 20 first on the PATH, as on a user's machine: the command must still use Node 24. */
const PATH = `/usr/bin:/usr/local/bin:/bin:${process.env.PATH ?? ''}`;

/**
 * Runs `node_modules/.bin/freshet args` in `cwd` with only PATH, HOME and `env` in its environment,
 * and resolves to its exit code and output (never rejects).
 */
export function freshet(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      FRESHET,
      args,
      { cwd, env: { PATH, HOME: cwd, ...env }, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
