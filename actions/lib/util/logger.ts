import { printableLines } from './printable.ts';

/** The narrow logger every library function takes: the shells decide where lines go. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Discards everything (tests, benchmarks). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/**
 * Writes to stderr, so that stdout stays for machine-readable output; control characters (from a
 * station's name, a project's output) are shown escaped, line breaks kept.
 */
export const stderrLogger: Logger = {
  info: (m) => process.stderr.write(`${printableLines(m)}\n`),
  warn: (m) => process.stderr.write(`warning: ${printableLines(m)}\n`),
  error: (m) => process.stderr.write(`error: ${printableLines(m)}\n`),
};
