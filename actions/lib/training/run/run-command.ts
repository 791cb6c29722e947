// Runs a project's command: `sh -c <command>` in its own process group, output streamed line by
// line to the logger as it comes (only a bounded tail is kept), stopped (the whole group: a shell's children too) when its time is up or the
// run is cancelled.
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { FreshetError } from '../../errors.ts';
import type { Logger } from '../../util/logger.ts';
import { LineSplitter, OutputTail } from './command-output.ts';
import { endAllProcesses, type RunAs, spawnSpec } from './run-as.ts';

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
  /** Run it as this OS user; when it ends, every process of that user is ended too. */
  readonly runAs?: RunAs;
}

/** How the command ended. */
export interface CommandOutcome {
  /** The exit status, or null when a signal ended it. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  /**
   * Its last lines of output (stdout and stderr as they came), for a failure message: at most
   * `TAIL_BYTES` in all, a longer line kept as its end after `CUT_MARKER`.
   */
  readonly tail: readonly string[];
}

/** How much of the command's last output a run keeps (for its record and failure message). */
export const TAIL_BYTES = 65_536;
// A longer line goes to the log in pieces of this size: nothing joins a whole line of output.
const LOG_PIECE_BYTES = 16_384;
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

/** Feeds `stream`'s bytes to a line splitter of their own, which hands its pieces to `onPiece`. */
function forEachPiece(stream: Readable, onPiece: (text: string, ends: boolean) => void): void {
  const lines = new LineSplitter(LOG_PIECE_BYTES, onPiece);
  stream.on('data', (chunk: Buffer) => lines.write(chunk));
  stream.on('end', () => lines.end());
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
  const tail = new OutputTail(TAIL_BYTES);
  // Each stream as it comes: to the log (a long line in pieces, as continued lines) and the tail.
  const onPieceOf = (source: string) => {
    let continued = false;
    return (text: string, ends: boolean) => {
      logger.info(`${prefix}${continued ? '… ' : ''}${text}`);
      continued = !ends;
      tail.add(source, text, ends);
    };
  };
  return new Promise((resolve, reject) => {
    const spec = spawnSpec('sh', ['-c', options.command], options.env, options.runAs);
    const child = spawn(spec.file, [...spec.args], {
      cwd: options.cwd,
      env: spec.env,
      ...(spec.uid !== undefined ? { uid: spec.uid, gid: spec.gid } : {}),
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

    forEachPiece(child.stdout, onPieceOf('stdout'));
    forEachPiece(child.stderr, onPieceOf('stderr'));
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
      // And whatever left the group (setsid, a double fork) as the run's own user.
      if (options.runAs) await endAllProcesses(options.runAs);
      let wait: NodeJS.Timeout | undefined;
      await Promise.race([closed, new Promise((done) => (wait = setTimeout(done, CLOSE_WAIT_MS)))]);
      clearTimeout(wait);
      child.stdout.destroy();
      child.stderr.destroy();
      resolve({ exitCode, signal, timedOut, cancelled, tail: tail.lines() });
    });
  });
}
