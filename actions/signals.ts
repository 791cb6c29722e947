// The one place a shell turns SIGINT/SIGTERM into cancellation: the command line and the actions
// stop a training project's command (its whole process group), or an ingest (its attempts recorded
// as failed), this way, rather than leave their runs `running`.
import { constants } from 'node:os';

/** The signals that cancel a run: Ctrl-C, `kill`, GitHub cancelling a job (SIGINT, then SIGTERM). */
const CANCELLING = ['SIGINT', 'SIGTERM'] as const;

/** Why a run was cancelled: the signal the process received (an AbortSignal's `reason`). */
export class Interrupted extends Error {
  override name = 'Interrupted';
  readonly signal: NodeJS.Signals;
  constructor(signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`);
    this.signal = signal;
  }
  /** What a shell reports for a process ended by this signal: 128 + its number (143 for SIGTERM). */
  get exitCode(): number {
    return 128 + (constants.signals[this.signal] ?? 0);
  }
}

/**
 * Runs `work` with an AbortSignal that fires on the first SIGINT or SIGTERM (its reason an
 * {@link Interrupted} naming the signal), and removes the handlers however `work` ends.
 *
 * @example
 * const result = await abortOnSignals((signal) => runTraining(options, { ...context, signal }));
 */
export async function abortOnSignals<T>(
  work: (signal: AbortSignal) => Promise<T>,
  target: Pick<NodeJS.Process, 'once' | 'off'> = process,
): Promise<T> {
  const controller = new AbortController();
  const handlers = CANCELLING.map((signal) => {
    const cancel = () => controller.abort(new Interrupted(signal));
    target.once(signal, cancel);
    return [signal, cancel] as const;
  });
  try {
    return await work(controller.signal);
  } finally {
    for (const [signal, cancel] of handlers) target.off(signal, cancel);
  }
}

/**
 * The exit status for a run the signal cancelled (130 for SIGINT, 143 for SIGTERM), or undefined
 * when it was not cancelled.
 *
 * @example if (interruptedExitCode(signal) !== undefined) return interruptedExitCode(signal);
 */
export function interruptedExitCode(signal: AbortSignal): number | undefined {
  if (!signal.aborted) return undefined;
  return signal.reason instanceof Interrupted ? signal.reason.exitCode : 130;
}
