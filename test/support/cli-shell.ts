// A command-line shell for tests that run `freshet` through run(): its output lines and its
// messages (prefixed `info: `, `warning: `, `error: `) are collected.
import type { CliShell } from '../../actions/cli/run.ts';

/** The shell and what it collected. */
export interface TestShell {
  readonly shell: CliShell;
  /** Every stdout line. */
  readonly out: string[];
  readonly messages: string[];
  /** The last stdout line, parsed as JSON (null when there is none). */
  readonly last: () => unknown;
}

/**
 * A shell in `stateDir` with only `env` for its environment, and a fixed clock.
 *
 * @example const { shell, messages } = testShell(stateDir, { env: { GITHUB_TOKEN: token } });
 */
export function testShell(
  stateDir: string,
  options: { readonly env?: Record<string, string>; readonly now?: number } = {},
): TestShell {
  const out: string[] = [];
  const messages: string[] = [];
  const now = options.now ?? Date.parse('2026-11-29T12:00:00Z');
  const shell: CliShell = {
    env: options.env ?? {},
    now: () => now,
    out: (line) => out.push(line),
    logger: {
      info: (m) => messages.push(`info: ${m}`),
      warn: (m) => messages.push(`warning: ${m}`),
      error: (m) => messages.push(`error: ${m}`),
    },
    progress: process.stderr,
    stateDir,
  };
  return { shell, out, messages, last: () => JSON.parse(out.at(-1) ?? 'null') };
}
