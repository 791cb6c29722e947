// The one place a shell turns SIGINT/SIGTERM into cancellation: the command line and the train
// action both stop a training project's command (its whole process group) this way, and the run is
// then recorded as failed rather than left `running`.

/**
 * Runs `work` with an AbortSignal that fires on the first SIGINT or SIGTERM, and removes the
 * handlers however `work` ends.
 *
 * @example
 * const result = await abortOnSignals((signal) => runTraining(options, { ...context, signal }));
 */
export async function abortOnSignals<T>(
  work: (signal: AbortSignal) => Promise<T>,
  target: Pick<NodeJS.Process, 'once' | 'off'> = process,
): Promise<T> {
  const controller = new AbortController();
  const cancel = () => controller.abort();
  target.once('SIGINT', cancel);
  target.once('SIGTERM', cancel);
  try {
    return await work(controller.signal);
  } finally {
    target.off('SIGINT', cancel);
    target.off('SIGTERM', cancel);
  }
}
