// Runs the tools the runner needs around a project (git, npm, python3, pip) with captured output,
// a time limit and an error that says what failed. The project's own command runs in
// run-command.ts instead, where output streams to the logger and the whole process group is killed.
import { execFile } from 'node:child_process';
import { FreshetError } from '../../errors.ts';
import { type RunAs, spawnSpec } from '../run/run-as.ts';

/** Where and how to run a tool. */
export interface ToolOptions {
  readonly cwd?: string;
  /** The tool's whole environment: the shell hands it in (the library reads no `process.env`). */
  readonly env: Readonly<NodeJS.ProcessEnv>;
  /** Killed after this long (default 10 minutes: `npm ci` and `pip install` can take a while). */
  readonly timeoutMs?: number;
  /** Run it as this OS user (another repository's installs), with exactly `env`. */
  readonly runAs?: RunAs;
}

/** What a tool printed. */
export interface ToolOutput {
  readonly stdout: string;
  readonly stderr: string;
}

/** The last lines of a tool's output, for an error message. */
function lastLines(text: string, count = 12): string {
  const lines = text.trimEnd().split('\n');
  return lines.slice(-count).join('\n');
}

/**
 * Runs `file args` and resolves to its output once it exits with status 0.
 *
 * @param what what the tool does, for the error (e.g. `fetching acme/models at 0123abc`)
 * @throws FreshetError naming `what`, the status or signal, and the last lines of its stderr
 * @example const { stdout } = await runTool('git', ['rev-parse', 'HEAD'], 'reading the commit', { cwd, env });
 */
export function runTool(
  file: string,
  args: readonly string[],
  what: string,
  options: ToolOptions,
): Promise<ToolOutput> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.env))
    if (value !== undefined) env[name] = value;
  const spec = spawnSpec(file, args, env, options.runAs);
  return new Promise((resolve, reject) => {
    execFile(
      spec.file,
      [...spec.args],
      {
        cwd: options.cwd,
        env: spec.env,
        ...(spec.uid !== undefined ? { uid: spec.uid, gid: spec.gid } : {}),
        timeout: options.timeoutMs ?? 600_000,
        killSignal: 'SIGKILL',
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        if (!error) {
          resolve({ stdout, stderr });
          return;
        }
        const failure = error as NodeJS.ErrnoException & { killed?: boolean; signal?: string };
        let how: string;
        if (failure.code === 'ENOENT') how = `${file} is not installed (not found on PATH)`;
        else if (failure.killed)
          how = `${file} was stopped after ${options.timeoutMs ?? 600_000} ms`;
        else if (typeof failure.code === 'number')
          how = `${file} exited with status ${failure.code}`;
        else how = `${file} failed (${failure.signal ?? failure.message})`;
        const output = lastLines(stderr || stdout);
        reject(
          new FreshetError(`${what} failed: ${how}${output ? `:\n${output}` : ''}`, {
            cause: error,
          }),
        );
      },
    );
  });
}
