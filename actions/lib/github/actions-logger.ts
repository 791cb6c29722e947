// The library's Logger, written to a GitHub Actions log.
import type { Logger } from '../util/logger.ts';

/** The part of `@actions/core` the logger writes through (a parameter, so the library need not import it). */
export interface ActionsLog {
  info(message: string): void;
}

/**
 * A Logger for an action's log. Warnings and errors become plain log lines, not annotations: the
 * action raises annotations from the library's report (GitHub keeps only ten per step, and a failed
 * object would otherwise be annotated twice) and fails in one place, with `core.setFailed`.
 *
 * @example const logger = actionsLogger(core);
 */
export function actionsLogger(log: ActionsLog): Logger {
  return {
    info: (message) => log.info(message),
    warn: (message) => log.info(`warning: ${message}`),
    error: (message) => log.info(`error: ${message}`),
  };
}
