// Runs a project's command: `sh -c <command>` in its own process group, output streamed line by
// line to the logger, stopped (the whole group: a shell's children too) when its time is up or the
// run is cancelled.
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { FreshetError } from '../../errors.ts';
import type { Logger } from '../../util/logger.ts';

/** How to run a command. */
export interface CommandOptions {
  readonly command: string;
  readonly cwd: string;
  readonly env: Record<string, string>;
  /** The group gets SIGTERM after this long, then SIGKILL after `graceMs`. */
  readonly timeoutMs: number;
  /** Between SIGTERM and SIGKILL (default 5 s). */
  readonly graceMs?: number;
  readonly logger: Logger;
  /** Put before every line of output (e.g. `ozone-forest | `). */
  readonly prefix: string;
  /** Aborting stops the command as a timeout does. */
  readonly signal?: AbortSignal;
}

/** How the command ended. */
export interface CommandOutcome {
  /** The exit status, or null when a signal ended it. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  /** Its last lines of output (stdout and stderr as they came), for a failure message. */
  readonly tail: readonly string[];
}

const TAIL_LINES = 20;
// After the shell exits, a child it left in the background may hold the pipes open; it is killed
// with the group, but one that left the group (setsid) must not keep the run waiting.
const CLOSE_WAIT_MS = 2_000;

/** Signals every process of group `pid`; a group already gone is fine. */
function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Calls `onLine` for each complete line of `stream`, and for the last partial line at its end. */
function forEachLine(stream: Readable, onLine: (line: string) => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) onLine(line.replace(/\r$/, ''));
  });
  stream.on('end', () => {
    if (pending !== '') onLine(pending.replace(/\r$/, ''));
    pending = '';
  });
}

/**
 * Runs `sh -c command` and resolves when it has ended, however it ended; never rejects for the
 * command's own failure (the caller decides what a status means).
 *
 * @throws FreshetError when the shell cannot be started at all
 * @example
 * const outcome = await runCommand({ command: 'python train.py', cwd, env, timeoutMs: 1_800_000, logger, prefix: 'ozone | ' });
 * if (outcome.exitCode !== 0) …
 */
export function runCommand(options: CommandOptions): Promise<CommandOutcome> {
  const { logger, prefix } = options;
  const tail: string[] = [];
  const onLine = (line: string) => {
    logger.info(`${prefix}${line}`);
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
  };
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', options.command], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so that stopping it stops everything it started.
      detached: true,
    });
    let timedOut = false;
    let cancelled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const stop = () => {
      const { pid } = child;
      if (pid === undefined) return;
      killGroup(pid, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(pid, 'SIGKILL'), options.graceMs ?? 5_000);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs);
    const onAbort = () => {
      cancelled = true;
      stop();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();

    forEachLine(child.stdout, onLine);
    forEachLine(child.stderr, onLine);
    const closed = new Promise<void>((done) => child.once('close', () => done()));

    child.once('error', (error) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      reject(
        new FreshetError(`cannot start the command with sh: ${error.message}`, { cause: error }),
      );
    });
    child.once('exit', async (exitCode, signal) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      // Whatever it left running in its group goes with it.
      if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
      clearTimeout(killTimer);
      let wait: NodeJS.Timeout | undefined;
      await Promise.race([closed, new Promise((done) => (wait = setTimeout(done, CLOSE_WAIT_MS)))]);
      clearTimeout(wait);
      child.stdout.destroy();
      child.stderr.destroy();
      resolve({ exitCode, signal, timedOut, cancelled, tail: [...tail] });
    });
  });
}
